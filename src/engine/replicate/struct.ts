// The struct strategy: keys read by type on the source (TYPE + PTTL, then GET / HGETALL / LRANGE / SMEMBERS /
// ZRANGE … WITHSCORES / XRANGE) and written by type on the target, binary-safe throughout; plus the type-aware
// equality and TTL tolerance the compare job uses. Consumer groups and a stream's last-generated ID are not
// copied (RIOT's struct replication does not either): DUMP / RESTORE keeps them.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ChainableCommander, Redis } from 'ioredis';
import { expiryCommand, expiryOf, type ExpiryCaps } from './expiry.js';
import { NO_TTL, type RedisType, type StructValue } from './types.js';

/** What readStruct found for one key. ttlMs is PTTL's: NO_TTL (-1), milliseconds left, or -2 when vanished. */
export interface StructRead {
  key: Buffer;
  ttlMs: number;
  /** the expiry as an absolute unix time in ms, fixed at the read (undefined without one) */
  expireAtMs?: number;
  struct?: StructValue;
  /** expired or deleted between the scan and the read */
  vanished?: true;
  /** the TYPE name of a key cutover cannot read by type (module types such as ReJSON-RL, vectorset, …) */
  unsupported?: string;
  /** MEMORY USAGE (bytes) of a key above the memory limit: not read (the caller goes through it in chunks) */
  big?: number;
  /** its type, with big */
  type?: RedisType;
}

/** PTTL's answer for a key that does not exist. */
const PTTL_MISSING = -2;

/** A key whose type changes between the TYPE and the read (WRONGTYPE) is read again, at most this often. */
const MAX_READ_ROUNDS = 3;

/** No write command carries more than this many elements (a hash field + value, a zset score + member count one). */
export const MAX_ELEMENTS_PER_COMMAND = 1000;
/** … nor (roughly) more than this many bytes of values, whichever comes first; one element always goes. */
export const MAX_BYTES_PER_COMMAND = 8 * 1024 * 1024;

/**
 * An empty stream exists in Redis (every entry XDEL'd, or XTRIM MAXLEN 0) but XADD cannot make one: a consumer
 * group created with MKSTREAM and destroyed at once leaves it behind. The name only has to be one nobody uses.
 */
export const EMPTY_STREAM_GROUP = 'cutover:mkstream';

export type TypeClass = { kind: 'struct'; type: RedisType } | { kind: 'vanished' } | { kind: 'unsupported'; type: string };

const STRUCT_TYPES: ReadonlySet<string> = new Set<RedisType>(['string', 'hash', 'list', 'set', 'zset', 'stream']);

/** What to do with a key given TYPE's answer: read it by type, call it vanished ('none'), or skip it (modules). */
export function classifyType(typeName: string): TypeClass {
  if (typeName === 'none') return { kind: 'vanished' };
  if (STRUCT_TYPES.has(typeName)) return { kind: 'struct', type: typeName as RedisType };
  return { kind: 'unsupported', type: typeName };
}

type Reply = [Error | null, unknown];

/** What readStruct reads through: a bare RESP connection (src/engine/redis/resp.ts), or an ioredis client adapted. */
export interface ReadSource {
  pipeline(): { call(name: string, args: Array<Buffer | string | number>): unknown; exec(): Promise<Reply[] | null> };
}

/** An ioredis client as a ReadSource: every command through callBuffer, so replies stay flat and binary. */
function adapt(client: Redis | ReadSource): ReadSource {
  if (!('callBuffer' in client)) return client;
  return {
    pipeline: () => {
      const p = client.pipeline();
      return { call: (name, args) => p.callBuffer(name, ...args), exec: () => p.exec() as Promise<Reply[] | null> };
    },
  };
}

async function run(pipe: ReturnType<ReadSource['pipeline']>): Promise<Reply[]> {
  const replies = await pipe.exec();
  if (!replies) throw new Error('pipeline was discarded');
  return replies;
}

function isWrongType(err: Error): boolean {
  return err.message.startsWith('WRONGTYPE');
}

/** Pairs a flat [a1, b1, a2, b2, …] reply up (second of each pair through `second`), the event loop given a turn
 * every 65,536 pairs: a hash of millions of fields does not hold the process for the whole of it. */
async function pairs<T>(flat: Buffer[], second: (b: Buffer) => T): Promise<Array<[Buffer, T]>> {
  const out = new Array<[Buffer, T]>(flat.length >> 1);
  for (let i = 0, j = 0; j < out.length; i += 2, j++) {
    out[j] = [flat[i], second(flat[i + 1])];
    if ((j & 0xffff) === 0xffff) await nextTurn();
  }
  return out;
}

const same = (b: Buffer): Buffer => b;
const latin1 = (b: Buffer): string => b.toString('latin1');

/**
 * Turns one read reply into a value, or undefined when the key is gone (an empty collection cannot exist in Redis;
 * a stream can, so its EXISTS is asked too).
 */
async function toStruct(type: RedisType, reply: unknown, exists: unknown): Promise<StructValue | undefined> {
  switch (type) {
    case 'string':
      return Buffer.isBuffer(reply) ? { type, value: reply } : undefined;
    case 'hash': {
      const flat = reply as Buffer[];
      return flat.length ? { type, value: await pairs(flat, same) } : undefined;
    }
    case 'list':
    case 'set': {
      const items = reply as Buffer[];
      return items.length ? { type, value: items } : undefined;
    }
    case 'zset': {
      const flat = reply as Buffer[];
      return flat.length ? { type, value: await pairs(flat, latin1) } : undefined;
    }
    case 'stream': {
      const entries = reply as Array<[Buffer, Buffer[] | null]>;
      if (!entries.length && exists !== 1) return undefined;
      return { type, value: entries.map(([id, fields]): [string, Buffer[]] => [id.toString('latin1'), fields ?? []]) };
    }
  }
}

/** Queues the read of one key by its type; returns how many replies it adds (a stream adds EXISTS). */
function queueRead(pipe: ReturnType<ReadSource['pipeline']>, key: Buffer, type: RedisType): number {
  switch (type) {
    case 'string':
      pipe.call('GET', [key]);
      return 1;
    case 'hash':
      // upper case: ioredis turns a reply to 'hgetall' into an object, whose string keys lose non-UTF-8 field names
      pipe.call('HGETALL', [key]);
      return 1;
    case 'list':
      pipe.call('LRANGE', [key, 0, -1]);
      return 1;
    case 'set':
      pipe.call('SMEMBERS', [key]);
      return 1;
    case 'zset':
      pipe.call('ZRANGE', [key, 0, -1, 'WITHSCORES']);
      return 1;
    case 'stream':
      pipe.call('XRANGE', [key, '-', '+']);
      pipe.call('EXISTS', [key]);
      return 2;
  }
}

/** One round over the keys at `indexes`: fills out[]; returns the indexes to read again (type changed meanwhile). */
async function readRound(client: ReadSource, keys: Buffer[], indexes: number[], out: StructRead[], lastRound: boolean, memLimitBytes?: number, caps?: Pick<ExpiryCaps, 'expireTime'>): Promise<number[]> {
  const meta = client.pipeline();
  const stride = memLimitBytes === undefined ? 2 : 3;
  for (const i of indexes) {
    meta.call('TYPE', [keys[i]]);
    meta.call(expiryCommand(caps), [keys[i]]);
    if (memLimitBytes !== undefined) meta.call('MEMORY', ['USAGE', keys[i], 'SAMPLES', '0']);
  }
  const metaReplies = await run(meta);
  const arrivedAt = Date.now();

  const toRead: Array<{ i: number; type: RedisType; ttlMs: number; expireAtMs?: number }> = [];
  indexes.forEach((i, j) => {
    const key = keys[i];
    const [typeErr, typeName] = metaReplies[stride * j] ?? [new Error('no reply'), null];
    const [ttlErr, ttl] = metaReplies[stride * j + 1] ?? [new Error('no reply'), null];
    const [memErr, mem] = stride === 3 ? (metaReplies[stride * j + 2] ?? [new Error('no reply'), null]) : [null, null];
    const err = typeErr ?? ttlErr ?? memErr;
    if (err) throw new Error(`TYPE/PTTL${stride === 3 ? '/MEMORY USAGE' : ''} failed: ${err.message}`);
    const cls = classifyType(String(typeName));
    const { ttlMs, expireAtMs } = expiryOf(ttl === -1 ? NO_TTL : (ttl as number), caps, arrivedAt);
    if (cls.kind === 'vanished' || ttlMs === PTTL_MISSING) out[i] = { key, ttlMs: PTTL_MISSING, vanished: true };
    else if (cls.kind === 'unsupported') out[i] = { key, ttlMs, unsupported: cls.type };
    else if (memLimitBytes !== undefined && typeof mem === 'number' && mem > memLimitBytes) out[i] = { key, ttlMs, big: mem, type: cls.type };
    else toRead.push({ i, type: cls.type, ttlMs, expireAtMs });
  });
  if (!toRead.length) return [];

  const read = client.pipeline();
  const at: number[] = [];
  let n = 0;
  for (const r of toRead) {
    at.push(n);
    n += queueRead(read, keys[r.i], r.type);
  }
  const replies = await run(read);

  const again: number[] = [];
  for (const [j, r] of toRead.entries()) {
    const key = keys[r.i];
    const [err, reply] = replies[at[j]] ?? [new Error('no reply'), null];
    const exists = r.type === 'stream' ? replies[at[j] + 1]?.[1] : undefined;
    if (err) {
      if (isWrongType(err) && !lastRound) {
        again.push(r.i);
        continue;
      }
      throw new Error(`reading a ${r.type} failed: ${err.message}`);
    }
    const struct = await toStruct(r.type, reply, exists);
    out[r.i] = struct ? { key, ttlMs: r.ttlMs, expireAtMs: r.expireAtMs, struct } : { key, ttlMs: PTTL_MISSING, vanished: true };
  }
  return again;
}

/**
 * Reads keys by type, binary-safe: one pipeline of TYPE + PTTL for all of them, then one reading each by its
 * type. A key gone in between is `vanished`; a type that cannot be read by type is `unsupported`. A key whose
 * type changed between the two pipelines is read again (up to 3 rounds). Any other error rejects, for the
 * caller to count the batch as failed. With memLimitBytes, MEMORY USAGE … SAMPLES 0 goes in the TYPE + PTTL
 * pipeline, and a key above the limit is not read: it comes back with `big` (its bytes) and `type`.
 */
export async function readStruct(from: Redis | ReadSource, keys: Buffer[], memLimitBytes?: number, caps?: Pick<ExpiryCaps, 'expireTime'>): Promise<StructRead[]> {
  const client = adapt(from);
  const out: StructRead[] = new Array(keys.length);
  let pending = keys.map((_, i) => i);
  for (let round = 1; pending.length; round++) pending = await readRound(client, keys, pending, out, round >= MAX_READ_ROUNDS, memLimitBytes, caps);
  return out;
}

// ------------------------------------------------------------------------------------------------- writing

/** Splits items into runs of at most MAX_ELEMENTS_PER_COMMAND and about MAX_BYTES_PER_COMMAND. */
export function chunk<T>(items: T[], bytesOf: (item: T) => number, maxElements = MAX_ELEMENTS_PER_COMMAND, maxBytes = MAX_BYTES_PER_COMMAND): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const b = bytesOf(item);
    if (cur.length && (cur.length >= maxElements || bytes + b > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(item);
    bytes += b;
  }
  if (cur.length) out.push(cur);
  return out;
}

/**
 * Queues the commands that make the key on the target.
 *
 * - 'overwrite': DEL, then the type's write (HSET / RPUSH / SADD / ZADD in chunks, XADD per entry keeping its ID),
 *   then PEXPIRE. A string is one SET … [PX ttl]: SET replaces a key of any type, so it needs no DEL.
 * - 'merge': no DEL. HSET, SADD and ZADD add to what the target holds (the source's value wins on a common
 *   field / member); a list is appended to with RPUSH (so merging twice appends twice); a string is replaced.
 *   Streams are XADDed entry by entry with the source's IDs: an entry whose ID is not above the target stream's
 *   last ID (one copied before, say) fails with "ERR The ID specified in XADD is equal or smaller than the target
 *   stream top item", which the caller sees as that key's error; a pipeline cannot skip it.
 *   With no TTL on the source the key is PERSISTed, so the target's key does not keep an expiry of its own.
 *
 * ttlMs: NO_TTL (or any negative) for none; otherwise PEXPIRE max(1, ttlMs) — PTTL can say 0 for a key about to
 * expire, and that must not become a key that never expires. An empty stream is made with XGROUP CREATE … MKSTREAM
 * and XGROUP DESTROY. Consumer groups and the last-generated ID are not written.
 */
/** What writeStruct queues into: a bare RESP pipeline, or an ioredis one. */
export interface WritePipe {
  call(name: string, args: Array<Buffer | string | number>): unknown;
}

function toWritePipe(pipe: WritePipe | ChainableCommander): WritePipe {
  if (!('hset' in pipe)) return pipe as WritePipe;
  const p = pipe as ChainableCommander;
  return { call: (name, args) => p.call(name, ...args) };
}

export function writeStruct(
  into: WritePipe | ChainableCommander,
  key: Buffer,
  ttlMs: number,
  v: StructValue,
  policy: 'overwrite' | 'merge',
  expireAtMs?: number,
  caps?: Pick<ExpiryCaps, 'pxAt'>,
): void {
  const pipe = toWritePipe(into);
  const hasTtl = ttlMs >= 0; // NO_TTL is -1
  const px = Math.max(1, Math.round(ttlMs));
  // with the absolute time read at the source: PXAT / PEXPIREAT, so a retry or a stall cannot stretch the TTL
  const at = hasTtl && expireAtMs !== undefined ? Math.max(1, Math.round(expireAtMs)) : undefined;
  if (v.type === 'string') {
    if (at !== undefined && caps?.pxAt) pipe.call('SET', [key, v.value, 'PXAT', at]);
    else if (at !== undefined) {
      pipe.call('SET', [key, v.value]);
      pipe.call('PEXPIREAT', [key, at]);
    } else pipe.call('SET', hasTtl ? [key, v.value, 'PX', px] : [key, v.value]);
    return;
  }
  if (policy === 'overwrite') pipe.call('DEL', [key]);
  switch (v.type) {
    case 'hash':
      for (const c of chunk(v.value, ([f, x]) => f.length + x.length)) pipe.call('HSET', [key, ...c.flat()]);
      break;
    case 'list':
      for (const c of chunk(v.value, (x) => x.length)) pipe.call('RPUSH', [key, ...c]);
      break;
    case 'set':
      for (const c of chunk(v.value, (x) => x.length)) pipe.call('SADD', [key, ...c]);
      break;
    case 'zset':
      for (const c of chunk(v.value, ([m, s]) => m.length + s.length)) pipe.call('ZADD', [key, ...c.flatMap(([m, s]) => [s, m])]);
      break;
    case 'stream':
      if (!v.value.length) {
        pipe.call('XGROUP', ['CREATE', key, EMPTY_STREAM_GROUP, '$', 'MKSTREAM']);
        pipe.call('XGROUP', ['DESTROY', key, EMPTY_STREAM_GROUP]);
      }
      for (const [id, fields] of v.value) pipe.call('XADD', [key, id, ...fields]);
      break;
  }
  if (at !== undefined) pipe.call('PEXPIREAT', [key, at]);
  else if (hasTtl) pipe.call('PEXPIRE', [key, px]);
  else if (policy === 'merge') pipe.call('PERSIST', [key]);
}

// ------------------------------------------------------------------------------------------------ comparing

// in struct-equals.ts (linear, and sliced for the compare job); here for the modules that import them from here
export { parseScore, printable, structEquals, ttlClose } from './struct-equals.js';
