// The streaming RDB parser against real RDB files: a Redis server is filled with every type in every
// encoding it writes, SAVEs, and its dump.rdb is fed to the parser in random-sized chunks. Every key is
// compared with what the server reads back, every raw value with the server's DUMP, and every RESTORE of
// dumpPayload(raw) on a second server must recreate the key byte for byte.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/lab/ports.js';
import { findRedis } from '../../src/lab/redis-binaries.js';
import { LabServer } from '../../src/lab/server.js';
import { RdbParser } from '../../src/engine/live/rdb/parser.js';
import { dumpPayload } from '../../src/engine/live/rdb/payload.js';
import { RDB_TYPE, type RdbEvent, type RdbValue } from '../../src/engine/live/rdb/types.js';

let dir = '';
let src: LabServer;
let dst: LabServer;
let a: Redis;
let b: Redis;

const BIN_KEY = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a, 0x80, 0x20]);
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const FUTURE = Date.now() + 3_600_000;

/** key → the OBJECT ENCODING it must have, so the file really holds each encoding */
const ENCODINGS: Record<string, string> = {};

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

let maxHeld = 0;

function parseChunked(file: Buffer, min: number, max: number, seed: number): RdbEvent[] {
  const rand = rng(seed);
  const p = new RdbParser();
  const events: RdbEvent[] = [];
  maxHeld = 0;
  for (let off = 0; off < file.length; ) {
    const n = Math.min(file.length - off, min + Math.floor(rand() * (max - min + 1)));
    // a copy, so the parser can not lean on one big buffer behind the chunks
    events.push(...p.push(Buffer.from(file.subarray(off, off + n))));
    maxHeld = Math.max(maxHeld, p.pendingBytes);
    off += n;
  }
  events.push(...p.end());
  return events;
}

async function fill(r: Redis): Promise<void> {
  const cfg = (k: string, v: string | number) => r.config('SET', k, String(v));
  const enc = async (key: string | Buffer, want: string) => {
    const got = await r.object('ENCODING', key);
    expect(got, `encoding of ${key.toString()}`).toBe(want);
    ENCODINGS[key.toString('latin1')] = want;
  };
  await r.select(0);
  // strings
  await r.set('str:raw', 'hello world');
  await r.set('str:empty', '');
  await r.set('str:int8', '-100');
  await r.set('str:int16', '30000');
  await r.set('str:int32', '-2000000000');
  await r.set('str:int64', '9000000000000000');
  await r.set('str:bin', ALL_BYTES);
  await r.set('str:lzf', 'abcdefgh'.repeat(2000));
  await r.set('str:ttl', 'x', 'PXAT', FUTURE);
  await r.set(BIN_KEY, ALL_BYTES, 'PXAT', FUTURE + 1);
  await enc('str:lzf', 'raw');
  // lists (7.0 writes QUICKLIST_2 for every list)
  await r.rpush('list:small', 'a', 'b', '1', '-7', '100000', '9999999999', Buffer.from([0, 255]));
  await enc('list:small', 'quicklist'); // 7.0: always a quicklist (7.2: listpack)
  await cfg('list-max-listpack-size', 4);
  const multi: string[] = [];
  for (let i = 0; i < 100; i++) multi.push(i % 3 ? `e${i}` : String(i * 1000 - 5000));
  await r.rpush('list:multi', ...multi);
  await enc('list:multi', 'quicklist');
  await cfg('list-max-listpack-size', 8);
  await cfg('list-compress-depth', 1);
  const comp: string[] = [];
  for (let i = 0; i < 200; i++) comp.push(`compressible-item-aaaaaaaaaaaaaaaaaaaaaaaa-${i % 10}`);
  await r.rpush('list:compressed', ...comp);
  await enc('list:compressed', 'quicklist');
  await cfg('list-compress-depth', 0);
  await cfg('list-max-listpack-size', -2);
  await r.call('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '100');
  await r.rpush('list:plain', 'small', 'P'.repeat(300), 'small2', Buffer.concat([ALL_BYTES, ALL_BYTES]));
  await enc('list:plain', 'quicklist');
  // sets
  await r.sadd('set:intset', 1, 2, 3, -40000, 70000, 5000000000);
  await enc('set:intset', 'intset');
  await r.sadd('set:ht', 'a', 'b', 'c', BIN_KEY);
  await enc('set:ht', 'hashtable');
  await cfg('set-max-intset-entries', 16);
  await r.sadd('set:bigint', ...Array.from({ length: 50 }, (_, i) => i * 7));
  await enc('set:bigint', 'hashtable');
  // sorted sets
  await r.zadd('zset:lp', 1, 'one', 2.5, 'two.5', -3, 'neg', 'inf', 'pinf', '-inf', 'ninf', 1e300, 'big', 0.1, BIN_KEY);
  await enc('zset:lp', 'listpack');
  const zargs: (string | number)[] = [];
  for (let i = 0; i < 200; i++) zargs.push(i / 7, `m${i}`);
  await r.zadd('zset:skiplist', ...zargs);
  await enc('zset:skiplist', 'skiplist');
  // hashes
  await r.hset('hash:lp', 'f1', 'v1', 'n', '12345', 'neg', '-1', BIN_KEY, ALL_BYTES.subarray(0, 40));
  await enc('hash:lp', 'listpack');
  await cfg('hash-max-listpack-entries', 8);
  const hargs: string[] = [];
  for (let i = 0; i < 20; i++) hargs.push(`field${i}`, `value${i}`);
  await r.hset('hash:ht', ...hargs);
  await enc('hash:ht', 'hashtable');
  await r.hset('hash:longval', 'f', 'L'.repeat(100));
  await enc('hash:longval', 'hashtable');
  await r.hset('hash:ttl', 'a', 'b');
  await r.pexpireat('hash:ttl', FUTURE + 2);
  // streams
  await cfg('stream-node-max-entries', 5);
  for (let i = 1; i <= 23; i++) {
    if (i % 4 === 0) await r.xadd('stream:main', `${1000 + i}-${i}`, 'other', `o${i}`, 'x', String(i));
    else await r.xadd('stream:main', `${1000 + i}-${i}`, 'temp', String(i * 10), 'name', `n${i}`);
  }
  await r.xdel('stream:main', '1003-3', '1010-10');
  await r.xgroup('CREATE', 'stream:main', 'g1', '0');
  await r.xgroup('CREATE', 'stream:main', 'g2', '$');
  await r.xreadgroup('GROUP', 'g1', 'alice', 'COUNT', 4, 'STREAMS', 'stream:main', '>');
  await r.xreadgroup('GROUP', 'g1', 'bob', 'COUNT', 3, 'STREAMS', 'stream:main', '>');
  await r.xack('stream:main', 'g1', '1001-1');
  await r.xgroup('CREATECONSUMER', 'stream:main', 'g2', 'idle-consumer');
  await r.xadd('stream:emptied', '5-1', 'a', '1');
  await r.xdel('stream:emptied', '5-1');
  await r.xgroup('CREATE', 'stream:mk', 'g', '$', 'MKSTREAM');
  await r.xadd(Buffer.concat([BIN_KEY, Buffer.from('stream')]), '*', BIN_KEY, ALL_BYTES);
  // big keys, so a record spans many chunks (and the parser's geometric retry)
  const big: string[] = [];
  for (let i = 0; i < 5000; i++) big.push(`bigfield:${i}`, `bigvalue:${i}:${'v'.repeat(i % 50)}`);
  await r.hset('hash:big', ...big);
  await enc('hash:big', 'hashtable');
  const noise = Buffer.alloc(300_000);
  const rand = rng(7);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(rand() * 256);
  await r.set('str:big', noise);
  // other dbs
  await r.select(1);
  await r.set('db1:key', 'in db 1');
  await r.rpush('db1:list', 'x', 'y');
  await r.select(5);
  await r.set('db5:key', 'in db 5', 'PXAT', FUTURE + 3);
  await r.select(0);
  await r.function('LOAD', "#!lua name=rdblib\nredis.register_function('rdbfn', function(keys, args) return 1 end)");
}

const hex = (b: Buffer) => b.toString('hex');
const sortHex = (bs: Buffer[]) => bs.map(hex).sort();

/** A comparable text form of events (vitest's deep equality is slow on big Buffers). */
function ser(v: unknown): string {
  if (Buffer.isBuffer(v)) return `<${v.toString('hex')}>`;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (Array.isArray(v)) return `[${v.map(ser).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}:${ser(x)}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

function flatMap(a: unknown[]): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (let i = 0; i < a.length; i += 2) m.set(String(a[i]), a[i + 1]);
  return m;
}

function score(s: Buffer): number {
  const t = s.toString().toLowerCase();
  return t === 'inf' ? Infinity : t === '-inf' ? -Infinity : Number(t);
}

/** Reads the key back from the server and compares it with the decoded value. */
async function expectSame(r: Redis, key: Buffer, v: RdbValue): Promise<void> {
  const type = await r.type(key);
  switch (v.type) {
    case 'string':
      expect(type).toBe('string');
      expect(hex(v.value)).toBe(hex((await r.getBuffer(key))!));
      return;
    case 'list':
      expect(type).toBe('list');
      expect(v.value.map(hex)).toEqual((await r.lrangeBuffer(key, 0, -1)).map(hex));
      return;
    case 'set':
      expect(type).toBe('set');
      expect(sortHex(v.value)).toEqual(sortHex(await r.smembersBuffer(key)));
      return;
    case 'zset': {
      expect(type).toBe('zset');
      const flat = (await r.callBuffer('ZRANGE', key, '0', '-1', 'WITHSCORES')) as Buffer[];
      const want = new Map<string, number>();
      for (let i = 0; i < flat.length; i += 2) want.set(hex(flat[i]), score(flat[i + 1]));
      expect(new Map(v.value.map(([m, s]) => [hex(m), s]))).toEqual(want);
      return;
    }
    case 'hash': {
      expect(type).toBe('hash');
      const flat = (await r.callBuffer('HGETALL', key)) as Buffer[];
      const want = new Map<string, string>();
      for (let i = 0; i < flat.length; i += 2) want.set(hex(flat[i]), hex(flat[i + 1]));
      expect(new Map(v.value.map(([f, x]) => [hex(f), hex(x)]))).toEqual(want);
      return;
    }
    case 'stream': {
      expect(type).toBe('stream');
      const range = (await r.callBuffer('XRANGE', key, '-', '+')) as [Buffer, Buffer[]][];
      expect(v.value.entries.map(([id, f]) => [id, f.map(hex)])).toEqual(range.map(([id, f]) => [id.toString(), f.map(hex)]));
      const info = flatMap((await r.call('XINFO', 'STREAM', key, 'FULL')) as unknown[]);
      expect(v.value.length).toBe(info.get('length'));
      expect(v.value.lastId).toBe(info.get('last-generated-id'));
      expect(v.value.maxDeletedId).toBe(info.get('max-deleted-entry-id'));
      expect(v.value.entriesAdded).toBe(info.get('entries-added'));
      const groups = (info.get('groups') as unknown[][]).map(flatMap);
      expect(v.value.groups.map((g) => g.name.toString())).toEqual(groups.map((g) => g.get('name')));
      v.value.groups.forEach((g, i) => {
        const want = groups[i];
        expect(g.lastId).toBe(want.get('last-delivered-id'));
        expect(g.entriesRead === -1 ? null : g.entriesRead).toBe(want.get('entries-read'));
        expect(g.pel.map((p) => [p.id, p.deliveryTime, p.deliveryCount])).toEqual(
          (want.get('pending') as [string, string, number, number][]).map(([id, , t, c]) => [id, t, c]),
        );
        const consumers = (want.get('consumers') as unknown[][]).map(flatMap);
        expect(g.consumers.map((c) => [c.name.toString(), c.seenTime, c.pel])).toEqual(
          consumers.map((c) => [c.get('name'), c.get('seen-time'), (c.get('pending') as [string][]).map(([id]) => id)]),
        );
      });
      return;
    }
    default:
      throw new Error(`unexpected ${v.type}`);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cutover-rdb-'));
  const bins = findRedis();
  src = new LabServer(bins, dir, { name: 'src', kind: 'redis', port: await freePort(), config: ['rdbcompression yes', 'maxmemory-policy allkeys-lru'] });
  dst = new LabServer(bins, dir, { name: 'dst', kind: 'redis', port: await freePort(), config: [] });
  await Promise.all([src.start(), dst.start()]);
  a = new Redis({ port: src.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  b = new Redis({ port: dst.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  await Promise.all([a.connect(), b.connect()]);
  await fill(a);
  await a.call('SAVE');
});

afterAll(async () => {
  a?.disconnect();
  b?.disconnect();
  await Promise.all([src?.kill(), dst?.kill()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('RdbParser on a real Redis dump.rdb', () => {
  it('decodes every key, DUMPs byte for byte and RESTOREs on a second server', async () => {
    const file = readFileSync(join(src.dir, 'dump.rdb'));
    const events = parseChunked(file, 1, 5000, 42);
    // memory: only the unfinished record is held (the biggest is the 300 kB str:big)
    expect(maxHeld).toBeLessThan(300_000 + 5000 + 1024 + 64);
    const header = events[0];
    expect(header.type).toBe('header');
    const version = header.type === 'header' ? header.version : 0;
    expect(version).toBe(10);
    const aux = new Map(events.flatMap((e) => (e.type === 'aux' ? [[e.key.toString(), e.value.toString()]] : [])));
    expect(aux.get('redis-ver')).toMatch(/^7\./);
    const fn = events.filter((e) => e.type === 'function');
    expect(fn).toHaveLength(1);
    expect(fn[0].type === 'function' && fn[0].payload.toString()).toContain('rdblib');
    expect(events.filter((e) => e.type === 'select-db').map((e) => e.type === 'select-db' && e.db)).toEqual([0, 1, 5]);
    const end = events[events.length - 1];
    expect(end.type).toBe('end');
    if (end.type === 'end') {
      expect(end.checksum).not.toBe(0n);
      expect(end.checksumOk).toBe(true);
    }

    const keys = events.flatMap((e) => (e.type === 'key' ? [e] : []));
    let total = 0;
    for (const db of [0, 1, 5]) total += Number(await a.select(db).then(() => a.dbsize()));
    expect(keys).toHaveLength(total);
    for (const k of Object.keys(ENCODINGS)) expect(keys.some((e) => e.key.toString('latin1') === k)).toBe(true);

    const types = new Set(keys.map((k) => k.rdbType));
    for (const t of [
      RDB_TYPE.STRING,
      RDB_TYPE.SET,
      RDB_TYPE.ZSET_2,
      RDB_TYPE.HASH,
      RDB_TYPE.SET_INTSET,
      RDB_TYPE.HASH_LISTPACK,
      RDB_TYPE.ZSET_LISTPACK,
      RDB_TYPE.LIST_QUICKLIST_2,
      RDB_TYPE.STREAM_LISTPACKS_2,
    ])
      expect(types, `RDB type ${t} in the file`).toContain(t);

    for (const k of keys) {
      await a.select(k.db);
      await b.select(k.db);
      const what = `db${k.db} ${JSON.stringify(k.key.toString('latin1'))}`;
      await expectSame(a, k.key, k.value);
      const pexp = await a.pexpiretime(k.key);
      expect(k.expireAtMs ?? -1, `${what} expire`).toBe(pexp);
      expect(k.idle, `${what} idle`).toBeTypeOf('number');
      const payload = dumpPayload(k.raw, version);
      const dumped = (await a.dumpBuffer(k.key))!;
      expect(hex(payload), `${what} DUMP`).toBe(hex(dumped));
      if (k.expireAtMs !== undefined) await b.call('RESTORE', k.key, String(k.expireAtMs), payload, 'ABSTTL', 'REPLACE');
      else await b.call('RESTORE', k.key, '0', payload, 'REPLACE');
      // hashtable-encoded sets and hashes iterate in the order of a per-process hash seed: equal by value only
      if (k.rdbType !== RDB_TYPE.SET && k.rdbType !== RDB_TYPE.HASH)
        expect(hex((await b.dumpBuffer(k.key))!), `${what} after RESTORE`).toBe(hex(dumped));
      await expectSame(b, k.key, k.value);
      expect(await b.pexpiretime(k.key)).toBe(pexp);
    }
  });

  it('sees LZF in the file: compressed strings and compressed quicklist nodes', () => {
    const file = readFileSync(join(src.dir, 'dump.rdb'));
    const keys = new RdbParser().push(file).flatMap((e) => (e.type === 'key' ? [e] : []));
    const lzf = keys.find((k) => k.key.toString() === 'str:lzf')!;
    expect(lzf.raw[1]).toBe(0xc3); // 11 000011: LZF-encoded string
    expect(lzf.raw.length).toBeLessThan(1000);
    const comp = keys.find((k) => k.key.toString() === 'list:compressed')!;
    const plainSize = comp.value.type === 'list' ? comp.value.value.reduce((s, e) => s + e.length, 0) : 0;
    expect(comp.raw.length).toBeLessThan(plainSize / 3);
    const plain = keys.find((k) => k.key.toString() === 'list:plain')!;
    expect(plain.value.type === 'list' && plain.value.value.map((e) => e.length)).toEqual([5, 300, 6, 512]);
  });

  it('gives the same events for any chunking, including tiny chunks, and LFU counters', async () => {
    const file = readFileSync(join(src.dir, 'dump.rdb'));
    const whole = new RdbParser();
    const ref = ser([...whole.push(file), ...whole.end()]);
    for (const [min, max, seed] of [
      [1, 7, 1],
      [1, 300, 2],
      [4000, 70000, 3],
    ])
      expect(ser(parseChunked(file, min, max, seed)) === ref, `chunks of ${min}..${max}`).toBe(true);
    // values decoded only when read (what live replication does: a RESTORE needs the bytes alone) come out the same
    const lazy = new RdbParser({ lazyValues: true });
    expect(ser([...lazy.push(file), ...lazy.end()]) === ref).toBe(true);

    await a.config('SET', 'maxmemory-policy', 'allkeys-lfu');
    await a.call('SAVE');
    const lfu = new RdbParser();
    const events = [...lfu.push(readFileSync(join(src.dir, 'dump.rdb'))), ...lfu.end()];
    const keys = events.flatMap((e) => (e.type === 'key' ? [e] : []));
    expect(keys.length).toBeGreaterThan(20);
    for (const k of keys) {
      expect(k.freq).toBeTypeOf('number');
      expect(k.idle).toBeUndefined();
    }
  });

  it('rejects a truncated file at end()', () => {
    const file = readFileSync(join(src.dir, 'dump.rdb'));
    const p = new RdbParser();
    p.push(file.subarray(0, file.length - 20));
    expect(() => p.end()).toThrow(/before its EOF/);
  });
});
