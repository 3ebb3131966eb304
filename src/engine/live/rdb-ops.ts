// An RDB key as a write: RESTORE … REPLACE ABSTTL with the key's own bytes as the payload (DUMP's format), and the
// typed writes to fall back on when the target cannot read that format (an older RDB version). Pure.
import { dumpPayload } from './rdb/payload.js';
import type { RdbEvent, RdbValue } from './rdb/types.js';
import { writeStruct } from '../replicate/struct.js';
import type { StructValue } from '../replicate/types.js';
import type { Cmd } from './writer.js';

type KeyEvent = Extract<RdbEvent, { type: 'key' }>;

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

/** Typed writes for a key: SET (with PX), or DEL then the elements then PEXPIRE (writeStruct's way). */
export function typedWrites(ev: KeyEvent, now = Date.now()): Cmd[] | undefined {
  const v = structOf(ev.value);
  if (!v) return undefined;
  const out: Cmd[] = [];
  const ttl = ev.expireAtMs === undefined ? -1 : Math.max(1, ev.expireAtMs - now);
  writeStruct({ call: (name: string, args: Array<Buffer | string | number>) => void out.push([name, ...args]) }, ev.key, ttl, v, 'overwrite');
  return out;
}

/** RESTORE key <expire-at or 0> <payload> REPLACE [ABSTTL]. */
export function restoreOf(ev: KeyEvent, rdbVersion: number): Cmd {
  const payload = dumpPayload(ev.raw, rdbVersion);
  return ev.expireAtMs === undefined ? ['RESTORE', ev.key, 0, payload, 'REPLACE'] : ['RESTORE', ev.key, ev.expireAtMs, payload, 'REPLACE', 'ABSTTL'];
}
