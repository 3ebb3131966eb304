// Keys above --mem-limit, never loaded whole: copied and compared a chunk at a time. Collections go through
// HSCAN / SSCAN / ZSCAN (COUNT), lists through LRANGE windows, streams through XRANGE pages (COUNT, exclusive
// start), strings through GETRANGE windows written with SETRANGE. One chunk is in flight at a time: read it,
// write (or check) it, then read the next. A copy is DEL (overwrite) → the chunks → PEXPIRE with the source's TTL.
// Nothing here is atomic: a key written to on the source while it is copied may arrive half old, half new (RIOT's
// chunked reads are the same); the verification after the snapshot says so when it happens.
import type { Cluster, Redis } from 'ioredis';
import type { Cmd } from '../redis/resp.js';
import { classifyType, EMPTY_STREAM_GROUP, MAX_BYTES_PER_COMMAND, MAX_ELEMENTS_PER_COMMAND } from './struct.js';
import { firstByteDifference, parseScore, printable, Tally, ttlClose } from './struct-equals.js';
import type { RedisType } from './types.js';

/** Where chunk commands go: one round trip per send, replies in order; the first error is thrown. */
export interface Conn {
  send(cmds: Cmd[]): Promise<unknown[]>;
}

/** A Conn over an ioredis client (a Cluster client routes by the key: every command here names one key). */
export function connOf(client: Redis | Cluster): Conn {
  return {
    async send(cmds) {
      if (cmds.length === 1) {
        const [name, ...args] = cmds[0];
        return [await client.callBuffer(name, ...args)];
      }
      const pipe = client.pipeline();
      for (const [name, ...args] of cmds) pipe.callBuffer(name, ...args);
      const replies = (await pipe.exec()) ?? [];
      for (const [err] of replies) if (err) throw err;
      return replies.map(([, v]) => v);
    },
  };
}

async function one(c: Conn, ...cmd: Cmd): Promise<unknown> {
  return (await c.send([cmd]))[0];
}

// ------------------------------------------------------------------------------------------------- sizing

/** A chunk never holds fewer bytes than this, however small the limit (a 1 KB limit would mean a round trip a field). */
export const MIN_CHUNK_BYTES = 4 * 1024;

export interface ChunkSizing {
  /** about this many bytes a chunk (and exactly this many a string window) */
  bytes: number;
  /** at most this many elements a chunk */
  elements: number;
}

/** Chunks of about the memory limit (at least 4 KiB, at most 8 MiB) and at most 1000 elements. */
export function chunkSizing(memLimitBytes: number): ChunkSizing {
  return { bytes: Math.min(MAX_BYTES_PER_COMMAND, Math.max(MIN_CHUNK_BYTES, Math.floor(memLimitBytes))), elements: MAX_ELEMENTS_PER_COMMAND };
}

/** Elements a chunk for a collection of `length` elements taking `memBytes`: about sizing.bytes worth, at least 1. */
export function elementsPerChunk(memBytes: number, length: number, s: ChunkSizing): number {
  if (!(length > 0)) return s.elements;
  const each = Math.max(1, memBytes / length);
  return Math.max(1, Math.min(s.elements, Math.floor(s.bytes / each)));
}

const LENGTH: Record<RedisType, string> = { string: 'STRLEN', hash: 'HLEN', set: 'SCARD', zset: 'ZCARD', list: 'LLEN', stream: 'XLEN' };

// ------------------------------------------------------------------------------------------------ reading

/** HSCAN / SSCAN / ZSCAN to the end: flat chunks ([field, value, …], [member, …], [member, score, …]). */
async function* scanChunks(c: Conn, cmd: 'HSCAN' | 'SSCAN' | 'ZSCAN', key: Buffer, count: number): AsyncGenerator<Buffer[]> {
  let cursor = '0';
  do {
    const [next, items] = (await one(c, cmd, key, cursor, 'COUNT', count)) as [Buffer, Buffer[]];
    cursor = next.toString('latin1');
    if (items.length) yield items;
  } while (cursor !== '0');
}

async function range(c: Conn, key: Buffer, at: number, count: number): Promise<Buffer[]> {
  return (await one(c, 'LRANGE', key, at, at + count - 1)) as Buffer[];
}

type Entry = [id: string, fields: Buffer[]];

/** XRANGE key start + COUNT n; the next page starts at `(lastId` (exclusive, Redis ≥ 6.2). */
async function page(c: Conn, key: Buffer, after: string | undefined, count: number): Promise<Entry[]> {
  const raw = (await one(c, 'XRANGE', key, after === undefined ? '-' : `(${after}`, '+', 'COUNT', count)) as Array<[Buffer, Buffer[] | null]>;
  return raw.map(([id, fields]): Entry => [id.toString('latin1'), fields ?? []]);
}

async function getRange(c: Conn, key: Buffer, at: number, window: number): Promise<Buffer> {
  return (await one(c, 'GETRANGE', key, at, at + window - 1)) as Buffer;
}

/** A flat [name, value, name, value, …] reply (XINFO) as a map by name. */
function fieldMap(flat: unknown[]): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (let i = 0; i + 1 < flat.length; i += 2) m.set(String(flat[i]), flat[i + 1]);
  return m;
}

/** XSETID to the source's last-generated ID and XGROUP CREATE for each consumer group (pending entries are not copied). */
async function streamMeta(src: Conn, key: Buffer): Promise<Cmd[]> {
  const [info, groups] = await src.send([
    ['XINFO', 'STREAM', key],
    ['XINFO', 'GROUPS', key],
  ]);
  const cmds: Cmd[] = [];
  const last = fieldMap(info as unknown[]).get('last-generated-id');
  if (Buffer.isBuffer(last) && last.toString('latin1') !== '0-0') cmds.push(['XSETID', key, last]);
  for (const g of groups as unknown[][]) {
    const f = fieldMap(g);
    const name = f.get('name');
    const id = f.get('last-delivered-id');
    if (Buffer.isBuffer(name) && Buffer.isBuffer(id)) cmds.push(['XGROUP', 'CREATE', key, name, id]);
  }
  return cmds;
}

// ------------------------------------------------------------------------------------------------ copying

export interface BigCopyOptions {
  policy: 'overwrite' | 'merge';
  sizing: ChunkSizing;
  /** the source's MEMORY USAGE of the key, to size the chunks */
  memBytes: number;
  /** streams: also the last-generated ID and the consumer groups (not their pending entries), as RESTORE keeps them */
  streamMeta: boolean;
}

/** What a copy got to, for the caller deciding whether it may start the key over after an error. */
export interface BigCopyProgress {
  type?: RedisType;
  /** chunks written to the target so far */
  chunks: number;
}

export type BigCopyResult = { status: 'written'; type: RedisType; chunks: number } | { status: 'vanished' } | { status: 'skipped'; reason: string };

/**
 * Copies one key in chunks from src to dst (dst undefined: a dry run, read only). With 'overwrite' (and for a
 * string always, as SET would) the target's key is DELeted first; with 'merge' the chunks are added to it. The
 * source's PTTL is read after the last chunk and written last (PEXPIRE; with 'merge' and no TTL, PERSIST); a key
 * that expired meanwhile is 'vanished' and, where it was replaced, removed from the target again.
 */
export async function copyBigKey(src: Conn, dst: Conn | undefined, key: Buffer, o: BigCopyOptions, progress: BigCopyProgress = { chunks: 0 }): Promise<BigCopyResult> {
  const cls = classifyType(String(await one(src, 'TYPE', key)));
  if (cls.kind === 'vanished') return { status: 'vanished' };
  if (cls.kind === 'unsupported') return { status: 'skipped', reason: `type ${cls.type} is over --mem-limit and cannot be copied in chunks` };
  const type = cls.type;
  progress.type = type;
  const length = Number(await one(src, LENGTH[type], key));
  const count = elementsPerChunk(o.memBytes, length, o.sizing);
  const write = async (cmds: Cmd[]) => {
    if (!cmds.length) return;
    if (dst) await dst.send(cmds);
    progress.chunks++;
  };
  const replace = o.policy === 'overwrite' || type === 'string';
  if (replace && dst) await dst.send([['DEL', key]]);
  switch (type) {
    case 'string': {
      const window = o.sizing.bytes;
      let at = 0;
      for (;;) {
        const bytes = await getRange(src, key, at, window);
        if (bytes.length || at === 0) await write([bytes.length ? ['SETRANGE', key, at, bytes] : ['SET', key, '']]);
        if (bytes.length < window) break;
        at += window;
      }
      break;
    }
    case 'hash':
      for await (const items of scanChunks(src, 'HSCAN', key, count)) await write([['HSET', key, ...items]]);
      break;
    case 'set':
      for await (const items of scanChunks(src, 'SSCAN', key, count)) await write([['SADD', key, ...items]]);
      break;
    case 'zset':
      for await (const items of scanChunks(src, 'ZSCAN', key, count)) {
        const args: Buffer[] = [];
        for (let i = 0; i + 1 < items.length; i += 2) args.push(items[i + 1], items[i]);
        await write([['ZADD', key, ...args]]);
      }
      break;
    case 'list':
      for (let at = 0; ; at += count) {
        const items = await range(src, key, at, count);
        if (items.length) await write([['RPUSH', key, ...items]]);
        if (items.length < count) break;
      }
      break;
    case 'stream': {
      let after: string | undefined;
      for (;;) {
        const entries = await page(src, key, after, count);
        if (entries.length) await write(entries.map(([id, fields]): Cmd => ['XADD', key, id, ...fields]));
        else if (after === undefined) {
          // an empty stream exists; XADD cannot make one
          await write([
            ['XGROUP', 'CREATE', key, EMPTY_STREAM_GROUP, '$', 'MKSTREAM'],
            ['XGROUP', 'DESTROY', key, EMPTY_STREAM_GROUP],
          ]);
        }
        if (entries.length < count) break;
        after = entries[entries.length - 1][0];
      }
      if (o.streamMeta) await write(await streamMeta(src, key));
      break;
    }
  }
  const ttl = Number(await one(src, 'PTTL', key));
  // as an absolute time from the moment PTTL answered: PEXPIREAT cannot be stretched by the write's delay
  const expireAt = Date.now() + ttl;
  if (ttl === -2) {
    if (replace && dst) await dst.send([['DEL', key]]);
    return { status: 'vanished' };
  }
  if (dst && ttl >= 0) await dst.send([['PEXPIREAT', key, Math.max(1, expireAt)]]);
  else if (dst && o.policy === 'merge') await dst.send([['PERSIST', key]]);
  return { status: 'written', type, chunks: progress.chunks };
}

// ---------------------------------------------------------------------------------------------- comparing

export type BigCompare =
  | { kind: 'ok' }
  | { kind: 'vanished' }
  | { kind: 'skipped' }
  | { kind: 'missing'; detail: string }
  | { kind: 'type'; detail: string }
  | { kind: 'value'; detail: string }
  | { kind: 'ttl'; detail: string }
  /** given up between two chunks: stopped() said so */
  | { kind: 'stopped' };

export interface BigCompareOptions {
  sizing: ChunkSizing;
  /** the larger MEMORY USAGE of the two sides, to size the chunks */
  memBytes: number;
  ttlToleranceMs: number;
  /** told the elements the key's comparison will go through (both sides' lengths; strings: none) */
  lengths?: (elements: number) => void;
  /** told the elements gone through since the last call, chunk by chunk */
  progress?: (elements: number) => void;
  /** asked between chunks: true gives the key up ({ kind: 'stopped' }) */
  stopped?: () => boolean;
}

class Stopped extends Error {}


function collectionDetail(what: string, la: number, lb: number, missing: Tally, differ: Tally, differWords: [string, string]): string | undefined {
  const parts: string[] = [];
  if (differ.n) parts.push(`${differ.n} ${differ.n === 1 ? differWords[0] : differWords[1]} ${differ.listed}`);
  if (missing.n) parts.push(`${missing.n} missing on target ${missing.listed}`);
  const extra = lb - (la - missing.n);
  if (extra > 0) parts.push(`${extra} extra`);
  if (!parts.length && la !== lb) parts.push(`length ${la} vs ${lb}`);
  return parts.length ? `${what}: ${parts.join(', ')}` : undefined;
}

let noMultiMember = false;

/** SMISMEMBER (Redis ≥ 6.2), or SISMEMBER each in one round trip. 1 = member. */
async function members(dst: Conn, key: Buffer, items: Buffer[]): Promise<number[]> {
  if (!noMultiMember) {
    try {
      return (await one(dst, 'SMISMEMBER', key, ...items)) as number[];
    } catch (err) {
      if (!/unknown command/i.test((err as Error).message)) throw err;
      noMultiMember = true;
    }
  }
  return (await dst.send(items.map((m): Cmd => ['SISMEMBER', key, m]))) as number[];
}

let noMultiScore = false;

/** ZMSCORE (Redis ≥ 6.2), or ZSCORE each in one round trip. null = not a member. */
async function scores(dst: Conn, key: Buffer, items: Buffer[]): Promise<Array<Buffer | null>> {
  if (!noMultiScore) {
    try {
      return (await one(dst, 'ZMSCORE', key, ...items)) as Array<Buffer | null>;
    } catch (err) {
      if (!/unknown command/i.test((err as Error).message)) throw err;
      noMultiScore = true;
    }
  }
  return (await dst.send(items.map((m): Cmd => ['ZSCORE', key, m]))) as Array<Buffer | null>;
}

async function lengths(src: Conn, dst: Conn, key: Buffer, type: RedisType): Promise<[number, number]> {
  const [[a], [b]] = await Promise.all([src.send([[LENGTH[type], key]]), dst.send([[LENGTH[type], key]])]);
  return [Number(a), Number(b)];
}

/** What a walk through a key's chunks is given: the lengths, the chunk size, the tallies, and a call per chunk. */
interface Walk {
  la: number;
  lb: number;
  count: number;
  missing: Tally;
  differ: Tally;
  /** after each chunk: how many elements it went through (both sides); throws Stopped when asked to stop */
  chunkDone(elements: number): void;
}

/** compareValues' answer when stopped() said so between two chunks. */
const STOPPED: unique symbol = Symbol('stopped');

/** Undefined when equal, else what differs, in the words structEquals uses; STOPPED when stopped() said so. */
async function compareValues(src: Conn, dst: Conn, key: Buffer, type: RedisType, o: BigCompareOptions): Promise<string | undefined | typeof STOPPED> {
  const [la, lb] = await lengths(src, dst, key, type);
  const total = type === 'string' ? 0 : la + lb;
  o.lengths?.(total);
  let reported = 0;
  const report = (n: number) => {
    const k = Math.min(n, total - reported);
    if (k <= 0) return;
    o.progress?.(k);
    reported += k;
  };
  const w: Walk = {
    la,
    lb,
    count: elementsPerChunk(o.memBytes, Math.max(la, lb), o.sizing),
    missing: new Tally(),
    differ: new Tally(),
    chunkDone(n) {
      report(n);
      if (o.stopped?.()) throw new Stopped();
    },
  };
  try {
    const detail = await walkValues(src, dst, key, type, o, w);
    report(total); // what the walk did not go through (a set's extra members on the target, say)
    return detail;
  } catch (err) {
    if (err instanceof Stopped) return STOPPED;
    throw err;
  }
}

/** Goes through the key chunk by chunk (see compareBigKey) and says what differs, or undefined. */
async function walkValues(src: Conn, dst: Conn, key: Buffer, type: RedisType, o: BigCompareOptions, w: Walk): Promise<string | undefined> {
  const { la, lb, count, missing, differ, chunkDone } = w;
  switch (type) {
    case 'hash': {
      for await (const items of scanChunks(src, 'HSCAN', key, count)) {
        const fields = items.filter((_x, i) => i % 2 === 0);
        const values = (await one(dst, 'HMGET', key, ...fields)) as Array<Buffer | null>;
        fields.forEach((f, i) => {
          const v = values[i];
          if (v === null || v === undefined) missing.add(() => printable(f));
          else if (!v.equals(items[2 * i + 1])) differ.add(() => printable(f));
        });
        chunkDone(2 * fields.length);
      }
      return collectionDetail('hash', la, lb, missing, differ, ['field differs', 'fields differ']);
    }
    case 'set': {
      for await (const items of scanChunks(src, 'SSCAN', key, count)) {
        const found = await members(dst, key, items);
        items.forEach((m, i) => {
          if (Number(found[i]) !== 1) missing.add(() => printable(m));
        });
        chunkDone(2 * items.length);
      }
      return collectionDetail('set', la, lb, missing, differ, ['', '']);
    }
    case 'zset': {
      for await (const items of scanChunks(src, 'ZSCAN', key, count)) {
        const ms = items.filter((_x, i) => i % 2 === 0);
        const got = await scores(dst, key, ms);
        ms.forEach((m, i) => {
          const s = got[i];
          const x = items[2 * i + 1].toString('latin1');
          if (s === null || s === undefined) missing.add(() => printable(m));
          else if (parseScore(x) !== parseScore(s.toString('latin1'))) differ.add(() => `${printable(m)}: ${x} vs ${s.toString('latin1')}`);
        });
        chunkDone(2 * ms.length);
      }
      return collectionDetail('zset', la, lb, missing, differ, ['score differs', 'scores differ']);
    }
    case 'list': {
      let first: { at: number; a?: Buffer; b?: Buffer } | undefined;
      let n = 0;
      for (let at = 0; ; at += count) {
        const [xa, xb] = await Promise.all([range(src, key, at, count), range(dst, key, at, count)]);
        const both = Math.min(xa.length, xb.length);
        for (let i = 0; i < both; i++) {
          if (xa[i].equals(xb[i])) continue;
          n++;
          first ??= { at: at + i, a: xa[i], b: xb[i] };
        }
        if (xa.length !== xb.length) first ??= { at: at + both };
        if (xa.length < count && xb.length < count) break;
        chunkDone(xa.length + xb.length);
      }
      if (!first && la === lb) return undefined;
      if (la !== lb || !first?.a || !first.b) return `list: length ${la} vs ${lb}, first difference at index ${first?.at ?? Math.min(la, lb)}`;
      return `list: ${n} element${n === 1 ? '' : 's'} differ${n === 1 ? 's' : ''}, first at index ${first.at} (${printable(first.a)} vs ${printable(first.b)})`;
    }
    case 'stream': {
      const len = la !== lb ? `length ${la} vs ${lb}, ` : '';
      let afterA: string | undefined;
      let afterB: string | undefined;
      for (let index = 0; ; index += count) {
        const [pa, pb] = await Promise.all([page(src, key, afterA, count), page(dst, key, afterB, count)]);
        const both = Math.min(pa.length, pb.length);
        for (let i = 0; i < both; i++) {
          const [p, q] = [pa[i], pb[i]];
          if (p[0] !== q[0]) return `stream: ${len}entry ${index + i} has ID ${p[0]} vs ${q[0]}`;
          if (p[1].length !== q[1].length || p[1].some((x, j) => !x.equals(q[1][j]))) return `stream: ${len}entry ${p[0]} has other fields or values`;
        }
        if (pa.length !== pb.length) return `stream: ${len}first difference at entry ${index + both} (${pa[both]?.[0] ?? 'none'} vs ${pb[both]?.[0] ?? 'none'})`;
        if (pa.length < count) break;
        chunkDone(pa.length + pb.length);
        afterA = pa[pa.length - 1][0];
        afterB = pb[pb.length - 1][0];
      }
      return la !== lb ? `stream: length ${la} vs ${lb}` : undefined;
    }
    case 'string': {
      if (la !== lb) return `string: ${la} bytes vs ${lb}`;
      const window = o.sizing.bytes;
      for (let at = 0; at < la; at += window) {
        const [a, b] = await Promise.all([getRange(src, key, at, window), getRange(dst, key, at, window)]);
        if (!a.equals(b)) return `string: ${la} bytes, differ from byte ${at + firstByteDifference(a, b)}`;
        chunkDone(0);
      }
      return undefined;
    }
  }
}

/**
 * Compares one key in chunks: TYPE and PTTL on both sides, then the value member by member (hashes, sets and
 * zsets: the source scanned, each chunk looked up on the target with HMGET / SMISMEMBER / ZMSCORE, and the sizes
 * compared; lists and streams: both walked in windows, in order; strings: GETRANGE windows), then the TTLs.
 * o.lengths and o.progress follow the walk for progress reports; o.stopped, asked after each chunk, gives it up.
 */
export async function compareBigKey(src: Conn, dst: Conn, key: Buffer, o: BigCompareOptions): Promise<BigCompare> {
  const [[aType, aTtl], [bType, bTtl]] = await Promise.all([
    src.send([
      ['TYPE', key],
      ['PTTL', key],
    ]),
    dst.send([
      ['TYPE', key],
      ['PTTL', key],
    ]),
  ]);
  const a = classifyType(String(aType));
  const b = classifyType(String(bType));
  if (a.kind === 'vanished') return { kind: 'vanished' };
  if (a.kind === 'unsupported') return { kind: 'skipped' };
  if (b.kind === 'vanished') return { kind: 'missing', detail: 'not on the target' };
  if (b.kind === 'unsupported' || b.type !== a.type) return { kind: 'type', detail: `${a.type} on the source, ${b.type} on the target` };
  const detail = await compareValues(src, dst, key, a.type, o);
  if (detail === STOPPED) return { kind: 'stopped' };
  if (detail) return { kind: 'value', detail };
  const ta = Number(aTtl);
  const tb = Number(bTtl);
  if (!ttlClose(ta, tb, o.ttlToleranceMs)) return { kind: 'ttl', detail: `ttl ${ta} ms on the source, ${tb} ms on the target` };
  return { kind: 'ok' };
}
