// Big keys read in pieces (RdbParser's bigKeyBytes) and Redis 7.4's hashes with field expiries, on hand-made RDB
// files: whatever the chunking, the parts of every big key put back together are the value a whole parse gives,
// and the parser never holds more than the unit it is reading.
import { describe, expect, it } from 'vitest';
import { RdbParser } from '../../src/engine/live/rdb/parser.js';
import { RDB_OPCODE, RDB_TYPE, type RdbEvent, type RdbValue, type StreamId } from '../../src/engine/live/rdb/types.js';
import { bigKeyBegin, bigKeyEnd, bigKeyPart, typedWrites } from '../../src/engine/live/rdb-ops.js';
import { buildListpack, buildZiplist, le64, len, rawId, rdbFile, str } from '../fixtures/rdb/build.js';

const B = (s: string) => Buffer.from(s);
const u8 = (...b: number[]) => Buffer.from(b);
const N = 600;

function f64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(n);
  return b;
}

function key(type: number, name: string, value: Buffer[]): Buffer {
  return Buffer.concat([u8(type), str(name), ...value]);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** An LZF stream of literals and back references, some reaching the full 8 KiB back, and its output. */
function lzf(): { compressed: Buffer; plain: Buffer } {
  const out: number[] = [];
  const parts: Buffer[] = [];
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
  for (let round = 0; round < 300; round++) {
    const lit = range(32).map(() => rand());
    parts.push(u8(31, ...lit));
    out.push(...lit);
    // back references: the farthest (8192) when there is that much output, and a short overlapping one
    for (const back of out.length >= 8192 ? [8192, 3] : [out.length, 3]) {
      const run = 7 + 255 + 2;
      const d = back - 1;
      parts.push(u8((7 << 5) | (d >> 8), 255, d & 0xff));
      for (let i = 0; i < run; i++) out.push(out[out.length - back]);
    }
  }
  return { compressed: Buffer.concat(parts), plain: Buffer.from(out) };
}

function streamNodes(nodes: number, perNode: number): Buffer[] {
  const out: Buffer[] = [len(nodes)];
  for (let n = 0; n < nodes; n++) {
    const ms = 1000 + n * 100;
    const els: Array<Buffer | bigint> = [BigInt(perNode), 0n, 1n, B('f'), 0n];
    for (let e = 0; e < perNode; e++) els.push(2n, 0n, BigInt(e), B(`v${n}-${e}`), 3n); // same fields: flags, ms, seq, value, lp-count
    out.push(str(rawId(ms, 0)), str(buildListpack(els)));
  }
  return out;
}

function streamTail(type: number, nodes: number, perNode: number): Buffer[] {
  const v2 = type !== RDB_TYPE.STREAM_LISTPACKS;
  const v3 = type === RDB_TYPE.STREAM_LISTPACKS_3;
  const last = 1000 + (nodes - 1) * 100;
  return [
    len(nodes * perNode), len(last), len(perNode - 1),
    ...(v2 ? [len(1000), len(0), len(0), len(0), len(nodes * perNode)] : []),
    len(1), str('g'), len(1000), len(1), ...(v2 ? [len(2)] : []),
    len(1), rawId(1000, 1), le64(1700000000123), len(4),
    len(1), str('c'), le64(1700000000456), ...(v3 ? [le64(1700000000789)] : []), len(1), rawId(1000, 1),
  ];
}

const MIN = 1_700_000_000_000;
const big = lzf();

function bigFile(): Buffer {
  const strs = (p: string) => range(N).map((i) => str(`${p}${i}`));
  const body: Buffer[] = [
    u8(RDB_OPCODE.SELECTDB), len(0),
    key(RDB_TYPE.STRING, 'small', [str('x')]),
    u8(RDB_OPCODE.EXPIRETIME_MS), le64(1893456000123),
    key(RDB_TYPE.STRING, 'raw', [str(Buffer.alloc(100_000, 'r'))]),
    key(RDB_TYPE.STRING, 'lzf', [u8(0xc3), len(big.compressed.length), len(big.plain.length), big.compressed]),
    key(RDB_TYPE.STRING, 'int', [u8(0xc0, 0x85)]),
    key(RDB_TYPE.LIST, 'list', [len(N), ...strs('l')]),
    key(RDB_TYPE.SET, 'set', [len(N), ...strs('s')]),
    key(RDB_TYPE.ZSET, 'zset', [len(N), ...range(N).flatMap((i) => [str(`z${i}`), u8(String(i / 2).length), B(String(i / 2))])]),
    key(RDB_TYPE.ZSET_2, 'zset2', [len(N), ...range(N).flatMap((i) => [str(`z${i}`), f64(-i / 4)])]),
    u8(RDB_OPCODE.IDLE), len(5),
    key(RDB_TYPE.HASH, 'hash', [len(N), ...range(N).flatMap((i) => [str(`f${i}`), str(`v${i}`)])]),
    key(RDB_TYPE.HASH_METADATA, 'hash-ttl', [le64(MIN), len(N), ...range(N).flatMap((i) => [len(i % 3 === 0 ? 0 : i), str(`f${i}`), str(`v${i}`)])]),
    key(RDB_TYPE.HASH_METADATA_PRE_GA, 'hash-ttl-rc', [len(N), ...range(N).flatMap((i) => [len(i % 2 ? MIN + i : 0, 64), str(`f${i}`), str(`v${i}`)])]),
    key(RDB_TYPE.LIST_QUICKLIST, 'ql1', [len(40), ...range(40).map((n) => str(buildZiplist(range(20).map((i) => (i % 2 ? BigInt(n * 100 + i) : B(`q${n}-${i}`))))))]),
    key(RDB_TYPE.LIST_QUICKLIST_2, 'ql2', [len(41), len(1), str('plain'), ...range(40).flatMap((n) => [len(2), str(buildListpack(range(20).map((i) => B(`p${n}-${i}`))))])]),
    key(RDB_TYPE.STREAM_LISTPACKS, 's1', [...streamNodes(30, 20), ...streamTail(RDB_TYPE.STREAM_LISTPACKS, 30, 20)]),
    key(RDB_TYPE.STREAM_LISTPACKS_2, 's2', [...streamNodes(30, 20), ...streamTail(RDB_TYPE.STREAM_LISTPACKS_2, 30, 20)]),
    key(RDB_TYPE.STREAM_LISTPACKS_3, 's3', [...streamNodes(30, 20), ...streamTail(RDB_TYPE.STREAM_LISTPACKS_3, 30, 20)]),
    key(RDB_TYPE.SET_LISTPACK, 'set-lp', [str(buildListpack(range(300).map((i) => B(`m${i}`))))]),
    key(RDB_TYPE.HASH_LISTPACK_EX, 'hash-lpex', [le64(MIN), str(buildListpack([B('a'), B('1'), BigInt(MIN), B('b'), B('2'), 0n]))]),
    key(RDB_TYPE.HASH_LISTPACK_EX_PRE_GA, 'hash-lpex-rc', [str(buildListpack([B('a'), B('1'), 0n, B('b'), B('2'), BigInt(MIN + 5)]))]),
    u8(RDB_OPCODE.SELECTDB), len(2),
    key(RDB_TYPE.STRING, 'after', [str('y')]),
  ];
  return rdbFile(12, body);
}

type KeyEvent = Extract<RdbEvent, { type: 'key' }>;
interface Whole {
  db: number;
  expireAtMs?: number;
  idle?: number;
  value: RdbValue;
}

function parse(file: Buffer, step: number, bigKeyBytes?: number, lazyValues = false): { events: RdbEvent[]; maxHeld: number; parser: RdbParser } {
  const p = new RdbParser({ bigKeyBytes, lazyValues });
  const events: RdbEvent[] = [];
  let maxHeld = 0;
  for (let i = 0; i < file.length; i += step) {
    events.push(...p.push(Buffer.from(file.subarray(i, i + step))));
    maxHeld = Math.max(maxHeld, p.pendingBytes);
  }
  events.push(...p.end());
  return { events, maxHeld, parser: p };
}

/** Every key's value: whole ones as they are, big ones put back together from their parts. */
function values(events: RdbEvent[]): Map<string, Whole> {
  const out = new Map<string, Whole>();
  let cur: { begin: Extract<RdbEvent, { type: 'key-begin' }>; parts: Extract<RdbEvent, { type: 'key-part' }>['part'][] } | undefined;
  for (const e of events) {
    if (e.type === 'key') {
      const w: Whole = { db: e.db, value: e.value };
      if (e.expireAtMs !== undefined) w.expireAtMs = e.expireAtMs;
      if (e.idle !== undefined) w.idle = e.idle;
      out.set(e.key.toString(), w);
    } else if (e.type === 'key-begin') cur = { begin: e, parts: [] };
    else if (e.type === 'key-part') {
      expect(e.key).toEqual(cur!.begin.key);
      cur!.parts.push(e.part);
    } else if (e.type === 'key-end') {
      const { begin, parts } = cur!;
      const flat = parts.flatMap((p) => (p.type === 'string' ? [] : (p.value as unknown[])));
      let value: RdbValue;
      if (begin.kind === 'string') value = { type: 'string', value: Buffer.concat(parts.map((p) => p.value as Buffer)) };
      else if (begin.kind === 'stream') value = { type: 'stream', value: { ...e.stream!, entries: flat as [StreamId, Buffer[]][] } };
      else if (begin.kind === 'hash') {
        const exp = parts.flatMap((p) => (p.type === 'hash' && p.fieldExpireAt ? p.fieldExpireAt : []));
        value = exp.length ? { type: 'hash', value: flat as [Buffer, Buffer][], fieldExpireAt: exp } : { type: 'hash', value: flat as [Buffer, Buffer][] };
      } else value = { type: begin.kind, value: flat } as RdbValue;
      const w: Whole = { db: begin.db, value };
      if (begin.expireAtMs !== undefined) w.expireAtMs = begin.expireAtMs;
      if (begin.idle !== undefined) w.idle = begin.idle;
      out.set(begin.key.toString(), w);
      cur = undefined;
    }
  }
  return out;
}

describe('big keys read in pieces', () => {
  const file = bigFile();
  const whole = parse(file, file.length);
  const expected = values(whole.events);

  it('a whole parse holds each key in one event, 7.4 field expiries included', () => {
    expect(whole.events.some((e) => e.type === 'key-begin')).toBe(false);
    expect(expected.get('lzf')!.value.value).toEqual(big.plain);
    expect(expected.get('raw')!.expireAtMs).toBe(1893456000123);
    const ttl = expected.get('hash-ttl')!.value as Extract<RdbValue, { type: 'hash' }>;
    expect(ttl.fieldExpireAt!.slice(0, 4)).toEqual([0, MIN, MIN + 1, 0]);
    const rc = expected.get('hash-ttl-rc')!.value as Extract<RdbValue, { type: 'hash' }>;
    expect(rc.fieldExpireAt!.slice(0, 3)).toEqual([0, MIN + 1, 0]);
    expect(expected.get('hash-lpex')!.value).toEqual({ type: 'hash', value: [[B('a'), B('1')], [B('b'), B('2')]], fieldExpireAt: [MIN, 0] });
    expect(expected.get('hash-lpex-rc')!.value).toEqual({ type: 'hash', value: [[B('a'), B('1')], [B('b'), B('2')]], fieldExpireAt: [0, MIN + 5] });
    const s2 = expected.get('s2')!.value as Extract<RdbValue, { type: 'stream' }>;
    expect(s2.value.entries.length).toBe(600);
    expect(s2.value.groups[0]).toMatchObject({ name: B('g'), lastId: '1000-1', entriesRead: 2, pel: [{ id: '1000-1', deliveryCount: 4 }] });
  });

  for (const step of [7, 100, 1000, 65536]) {
    it(`gives the same values from parts, in chunks of ${step} bytes, holding only a unit at a time`, () => {
      const got = parse(file, step, 256);
      const bigKeys = got.events.filter((e) => e.type === 'key-begin').map((e) => (e as { key: Buffer }).key.toString());
      // a key that arrived whole in one chunk is parsed whole: only chunks smaller than the threshold see every one
      if (step < 256) expect(bigKeys.sort()).toEqual(['hash', 'hash-ttl', 'hash-ttl-rc', 'list', 'lzf', 'ql1', 'ql2', 'raw', 's1', 's2', 's3', 'set', 'zset', 'zset2']);
      expect(values(got.events)).toEqual(expected);
      expect(got.parser.stats).toMatchObject({ keys: whole.parser.stats.keys, bigKeys: bigKeys.length });
      expect(got.events.at(-1)).toMatchObject({ type: 'end', checksumOk: true });
      // a quicklist or stream node, or one chunk, plus what did not fit: never a whole big key (the 1 MB string)
      expect(got.maxHeld).toBeLessThan(step + 4096);
      // parts are bounded too
      for (const e of got.events) if (e.type === 'key-part' && e.part.type === 'string') expect(e.part.value.length).toBeLessThanOrEqual(256 * 1024 + 264);
    });
  }

  it('reads in pieces a compressed string that is small in the file but big once decompressed, even when it arrived whole', () => {
    const got = parse(file, file.length, 100_000);
    expect(got.events.filter((e) => e.type === 'key-begin').map((e) => (e as { key: Buffer }).key.toString())).toEqual(['lzf']);
    expect(values(got.events)).toEqual(expected);
  });

  it('with values decoded only when read, gives the same keys, big ones in pieces as before', () => {
    const lazy = parse(file, 100, 256, true);
    const small = lazy.events.find((e) => e.type === 'key' && e.key.toString() === 'set-lp') as KeyEvent;
    expect(Object.getOwnPropertyDescriptor(small, 'value')!.get).toBeTypeOf('function'); // not decoded until now
    expect(small.value).toEqual(expected.get('set-lp')!.value);
    expect(Object.getOwnPropertyDescriptor(small, 'value')!.get).toBeUndefined(); // decoded once, kept
    expect(values(lazy.events)).toEqual(expected);
    expect(lazy.parser.stats).toMatchObject({ keys: whole.parser.stats.keys });
  });

  it('byte by byte', () => {
    const small = rdbFile(12, [u8(RDB_OPCODE.SELECTDB), len(0), key(RDB_TYPE.HASH, 'h', [len(50), ...range(50).flatMap((i) => [str(`f${i}`), str(`v${i}`)])]), key(RDB_TYPE.STRING, 'l', [u8(0xc3), len(big.compressed.length), len(big.plain.length), big.compressed])]);
    expect(values(parse(small, 1, 64).events)).toEqual(values(parse(small, small.length).events));
  });
});

describe('writes for a key read in pieces', () => {
  const k = B('k');
  it('DEL first, then each part appended, a stream\'s groups and the TTL last', () => {
    expect(bigKeyBegin(k)).toEqual([['DEL', k]]);
    expect(bigKeyPart(k, { type: 'string', value: B('ab') })).toEqual([['APPEND', k, B('ab')]]);
    expect(bigKeyPart(k, { type: 'list', value: [B('a'), B('b')] })).toEqual([['RPUSH', k, B('a'), B('b')]]);
    expect(bigKeyPart(k, { type: 'zset', value: [[B('m'), Infinity], [B('n'), 0.5]] })).toEqual([['ZADD', k, 'inf', B('m'), '0.5', B('n')]]);
    expect(bigKeyPart(k, { type: 'hash', value: [[B('f'), B('v')], [B('g'), B('w')]], fieldExpireAt: [0, 1800000000000] })).toEqual([
      ['HSET', k, B('f'), B('v'), B('g'), B('w')],
      ['HPEXPIREAT', k, 1800000000000, 'FIELDS', 1, B('g')],
    ]);
    expect(bigKeyPart(k, { type: 'stream', value: [['1-0', [B('f'), B('v')]]] })).toEqual([['XADD', k, '1-0', B('f'), B('v')]]);
    const stream = { entries: [], length: 1, lastId: '5-0', firstId: '1-0', maxDeletedId: '2-0', entriesAdded: 3, groups: [{ name: B('g'), lastId: '1-0', entriesRead: 1, pel: [{ id: '1-0', deliveryTime: 1700000000000, deliveryCount: 2 }], consumers: [{ name: B('c'), seenTime: 0, pel: ['1-0'] }] }] };
    expect(bigKeyEnd({ type: 'key-end', key: k, kind: 'stream', stream }, 1893456000123, true)).toEqual([
      ['XSETID', k, '5-0', 'ENTRIESADDED', 3, 'MAXDELETEDID', '2-0'],
      ['XGROUP', 'CREATE', k, B('g'), '1-0', 'ENTRIESREAD', 1],
      ['XGROUP', 'CREATECONSUMER', k, B('g'), B('c')],
      ['XCLAIM', k, B('g'), B('c'), 0, '1-0', 'TIME', 1700000000000, 'RETRYCOUNT', 2, 'FORCE', 'JUSTID'],
      ['PEXPIREAT', k, 1893456000123],
    ]);
    expect(bigKeyEnd({ type: 'key-end', key: k, kind: 'stream', stream }, undefined, false).slice(0, 2)).toEqual([
      ['XGROUP', 'CREATE', k, 'cutover:mkstream', '$', 'MKSTREAM'],
      ['XGROUP', 'DESTROY', k, 'cutover:mkstream'],
    ]);
  });

  it("typed writes carry a 7.4 hash's field expiries before the key's TTL", () => {
    const ev: KeyEvent = { type: 'key', db: 0, key: k, rdbType: RDB_TYPE.HASH_LISTPACK_EX, raw: B(''), expireAtMs: Date.now() + 60_000, value: { type: 'hash', value: [[B('a'), B('1')]], fieldExpireAt: [1800000000000] } };
    const cmds = typedWrites(ev)!;
    expect(cmds.map((c) => c[0])).toEqual(['DEL', 'HSET', 'HPEXPIREAT', 'PEXPIRE']);
  });
});
