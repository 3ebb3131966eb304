// An RDB key as a write: RESTORE … REPLACE ABSTTL with the key's own bytes as the payload (DUMP's format), and the
// typed writes to fall back on when the target cannot read that format (an older RDB version); a key read in
// pieces (too big to hold) as DEL, its parts as typed writes, then its stream groups and TTL. Pure.
import { dumpPayload } from './rdb/payload.js';
import type { BigKeyPart, RdbEvent, RdbValue, StreamValue } from './rdb/types.js';
import { EMPTY_STREAM_GROUP, writeStruct } from '../replicate/struct.js';
import type { StructValue } from '../replicate/types.js';
import type { Cmd } from '../redis/resp.js';

type KeyEvent = Extract<RdbEvent, { type: 'key' }>;
type KeyEnd = Extract<RdbEvent, { type: 'key-end' }>;

/** A score as Redis reads it back ("inf", "-inf", or the shortest round-tripping decimal). */
function scoreText(n: number): string {
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return String(n);
}

/** The parsed value as the snapshot's typed shape; undefined for module values (not copied). */
export function structOf(v: RdbValue): StructValue | undefined {
  switch (v.type) {
    case 'string':
      return { type: 'string', value: v.value };
    case 'list':
      return { type: 'list', value: v.value };
    case 'set':
      return { type: 'set', value: v.value };
    case 'hash':
      return { type: 'hash', value: v.value };
    case 'zset':
      return { type: 'zset', value: v.value.map(([m, s]) => [m, scoreText(s)] as [Buffer, string]) };
    case 'stream':
      return { type: 'stream', value: v.value.entries };
    default:
      return undefined;
  }
}

/** 7.4 field expiries as HPEXPIREAT, one per field that has one (a target before 7.4 refuses them: counted as failed). */
function fieldExpiryWrites(key: Buffer, fields: [Buffer, Buffer][], expireAt: number[] | undefined): Cmd[] {
  const out: Cmd[] = [];
  expireAt?.forEach((at, i) => {
    if (at > 0) out.push(['HPEXPIREAT', key, at, 'FIELDS', 1, fields[i][0]]);
  });
  return out;
}

/**
 * A stream's ID counters and consumer groups, as Redis's own AOF rewrite writes them: XSETID, XGROUP CREATE with
 * the group's last ID, each consumer, and each pending entry claimed by its consumer with its delivery time and count.
 */
export function streamMetaWrites(key: Buffer, v: StreamValue): Cmd[] {
  const out: Cmd[] = [];
  out.push(v.entriesAdded === undefined ? ['XSETID', key, v.lastId] : ['XSETID', key, v.lastId, 'ENTRIESADDED', v.entriesAdded, 'MAXDELETEDID', v.maxDeletedId ?? '0-0']);
  for (const g of v.groups) {
    out.push(g.entriesRead === undefined || g.entriesRead < 0 ? ['XGROUP', 'CREATE', key, g.name, g.lastId] : ['XGROUP', 'CREATE', key, g.name, g.lastId, 'ENTRIESREAD', g.entriesRead]);
    const owner = new Map<string, Buffer>();
    for (const c of g.consumers) {
      out.push(['XGROUP', 'CREATECONSUMER', key, g.name, c.name]);
      for (const id of c.pel) owner.set(id, c.name);
    }
    for (const p of g.pel) {
      const consumer = owner.get(p.id);
      if (consumer) out.push(['XCLAIM', key, g.name, consumer, 0, p.id, 'TIME', p.deliveryTime, 'RETRYCOUNT', p.deliveryCount, 'FORCE', 'JUSTID']);
    }
  }
  return out;
}

/** Typed writes for a key: SET (with PX), or DEL then the elements then PEXPIRE (writeStruct's way). */
export function typedWrites(ev: KeyEvent, now = Date.now()): Cmd[] | undefined {
  const v = structOf(ev.value);
  if (!v) return undefined;
  const out: Cmd[] = [];
  const ttl = ev.expireAtMs === undefined ? -1 : Math.max(1, ev.expireAtMs - now);
  writeStruct({ call: (name: string, args: Array<Buffer | string | number>) => void out.push([name, ...args]) }, ev.key, ttl, v, 'overwrite');
  const extra = ev.value.type === 'hash' ? fieldExpiryWrites(ev.key, ev.value.value, ev.value.fieldExpireAt) : ev.value.type === 'stream' ? streamMetaWrites(ev.key, ev.value.value) : [];
  // before the key's TTL (writeStruct's last command), so a short TTL cannot expire the key under them
  if (extra.length) out.splice(ttl >= 0 ? out.length - 1 : out.length, 0, ...extra);
  return out;
}

/** A key read in pieces starts: whatever the target holds under its name goes. */
export function bigKeyBegin(key: Buffer): Cmd[] {
  return [['DEL', key]];
}

/** One part of a key read in pieces: its elements appended (a string's bytes, a list's in order). */
export function bigKeyPart(key: Buffer, part: BigKeyPart): Cmd[] {
  switch (part.type) {
    case 'string':
      return [['APPEND', key, part.value]];
    case 'list':
      return [['RPUSH', key, ...part.value]];
    case 'set':
      return [['SADD', key, ...part.value]];
    case 'zset':
      return [['ZADD', key, ...part.value.flatMap(([m, s]) => [scoreText(s), m])]];
    case 'hash':
      return [['HSET', key, ...part.value.flat()], ...fieldExpiryWrites(key, part.value, part.fieldExpireAt)];
    case 'stream':
      return part.value.map(([id, fields]) => ['XADD', key, id, ...fields] as Cmd);
  }
}

/**
 * The end of a key read in pieces: a stream's counters and groups (created empty if no entry was), then its TTL.
 * `shell`: the stream's groups were restored before its entries (streamShellPayload): its IDs and counters only.
 */
export function bigKeyEnd(ev: KeyEnd, expireAtMs: number | undefined, wroteElements: boolean, shell = false): Cmd[] {
  const out: Cmd[] = [];
  if (ev.stream && shell) out.push(streamMetaWrites(ev.key, { ...ev.stream, groups: [] })[0]);
  else if (ev.stream) {
    if (!wroteElements) out.push(['XGROUP', 'CREATE', ev.key, EMPTY_STREAM_GROUP, '$', 'MKSTREAM'], ['XGROUP', 'DESTROY', ev.key, EMPTY_STREAM_GROUP]);
    out.push(...streamMetaWrites(ev.key, ev.stream));
  }
  if (expireAtMs !== undefined) out.push(['PEXPIREAT', ev.key, expireAtMs]);
  return out;
}

/** RESTORE key <expire-at or 0> <payload> REPLACE [ABSTTL]. */
export function restoreOf(ev: KeyEvent, rdbVersion: number): Cmd {
  const payload = dumpPayload(ev.raw, rdbVersion);
  return ev.expireAtMs === undefined ? ['RESTORE', ev.key, 0, payload, 'REPLACE'] : ['RESTORE', ev.key, ev.expireAtMs, payload, 'REPLACE', 'ABSTTL'];
}
