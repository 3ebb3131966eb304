// RdbParser on hand-made RDB files: the types and opcodes Redis 7.0 no longer writes (ziplists, zipmaps,
// old lists/zsets, quicklist v1), the 7.2 ones (SET_LISTPACK, STREAM_LISTPACKS_3), modules, all length and
// string encodings, and chunking down to single bytes.
import { describe, expect, it } from 'vitest';
import { RdbParser } from '../../src/engine/live/rdb/parser.js';
import { RDB_OPCODE, RDB_TYPE, type RdbEvent } from '../../src/engine/live/rdb/types.js';
import { buildListpack, buildZiplist, le64, len, rawId, rdbFile, str } from '../fixtures/rdb/build.js';

const B = (s: string) => Buffer.from(s);
const u8 = (...b: number[]) => Buffer.from(b);

/** LZF with literal runs only: valid input for any LZF decompressor. */
function lzfLiterals(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += 32) {
    const run = data.subarray(i, i + 32);
    parts.push(u8(run.length - 1), run);
  }
  return Buffer.concat(parts);
}

function lzfString(data: Buffer): Buffer {
  const c = lzfLiterals(data);
  return Buffer.concat([u8(0xc3), len(c.length), len(data.length), c]);
}

const CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
function moduleId(name: string, version: number): bigint {
  let id = 0n;
  for (const ch of name) id = (id << 6n) | BigInt(CHARSET.indexOf(ch));
  return (id << 10n) | BigInt(version);
}

function key(type: number, name: string, value: Buffer[]): Buffer {
  return Buffer.concat([u8(type), str(name), ...value]);
}

function streamValue(type: number): Buffer[] {
  const lp = buildListpack([
    2n, 1n, 2n, B('f1'), B('f2'), 0n, // master entry: count, deleted, fields, terminator
    2n, 0n, 1n, B('v1'), B('v2'), 3n, // same fields, 1000-1
    3n, 0n, 2n, B('dead'), B('dead'), 3n, // deleted, 1000-2
    0n, 5n, 0n, 1n, B('x'), B('y'), 5n, // own fields, 1005-0
  ]);
  const v3 = type === RDB_TYPE.STREAM_LISTPACKS_3;
  const v2 = type !== RDB_TYPE.STREAM_LISTPACKS;
  return [
    len(1), str(rawId(1000, 0)), str(lp),
    len(2), len(1005), len(0),
    ...(v2 ? [len(1000), len(1), len(1000), len(2), len(3)] : []),
    len(1), // groups
    str('g'), len(1005), len(0), ...(v2 ? [len(2)] : []),
    len(1), rawId(1000, 1), le64(1700000000123), len(2), // PEL
    len(1), str('c'), le64(1700000000456), ...(v3 ? [le64(1700000000789)] : []), len(1), rawId(1000, 1),
  ];
}

function handMadeFile(): Buffer {
  const mid = moduleId('mymodule1', 3);
  const body: Buffer[] = [
    u8(RDB_OPCODE.AUX), str('redis-ver'), str('7.2.4'),
    u8(RDB_OPCODE.AUX), str('ctime'), u8(0xc2), Buffer.from([0x10, 0x20, 0x30, 0x40]), // int32-encoded aux
    u8(RDB_OPCODE.MODULE_AUX), len(mid), len(2), len(2), len(2), len(7), len(5), str('aux'), len(0),
    u8(RDB_OPCODE.FUNCTION2), str('#!lua name=lib\nreturn 1'),
    u8(RDB_OPCODE.SELECTDB), len(0),
    u8(RDB_OPCODE.RESIZEDB), len(20, 32), len(2, 64),
    // strings: int8/16/32, LZF, 32 and 64-bit lengths
    key(RDB_TYPE.STRING, 'i8', [u8(0xc0, 0x85)]),
    key(RDB_TYPE.STRING, 'i16', [u8(0xc1), Buffer.from([0x30, 0x75])]),
    key(RDB_TYPE.STRING, 'i32', [u8(0xc2), Buffer.from([0x00, 0x6c, 0xca, 0x88])]),
    u8(RDB_OPCODE.EXPIRETIME), Buffer.from([0x00, 0xf1, 0x53, 0x65]), // seconds, LE
    key(RDB_TYPE.STRING, 'lzf', [u8(0xc3), len(7), len(12), u8(0x02, 0x61, 0x62, 0x63, 0xe0, 0x00, 0x02)]),
    u8(RDB_OPCODE.EXPIRETIME_MS), le64(1893456000123),
    u8(RDB_OPCODE.IDLE), len(77),
    key(RDB_TYPE.STRING, 'len32', [len(3, 32), B('abc')]),
    u8(RDB_OPCODE.FREQ), u8(9),
    Buffer.concat([u8(RDB_TYPE.STRING), len(4, 64), B('k64!'), len(2, 64), B('hi')]),
    // old and 7.2 encodings
    key(RDB_TYPE.LIST, 'list', [len(3), str('a'), str(''), u8(0xc0, 0x07)]),
    key(RDB_TYPE.SET, 'set', [len(2), str('x'), str('y')]),
    key(RDB_TYPE.ZSET, 'zset', [len(4), str('a'), u8(3), B('1.5'), str('b'), u8(254), str('c'), u8(255), str('d'), u8(253)]),
    key(RDB_TYPE.ZSET_2, 'zset2', [len(1), str('m'), (() => { const b = Buffer.alloc(8); b.writeDoubleLE(-0.25); return b; })()]),
    key(RDB_TYPE.HASH, 'hash', [len(1), str('f'), str('v')]),
    key(RDB_TYPE.HASH_ZIPMAP, 'zipmap', [str(Buffer.concat([u8(1, 1), B('a'), u8(1, 0), B('b'), u8(0xff)]))]),
    key(RDB_TYPE.LIST_ZIPLIST, 'zl-list', [str(buildZiplist([B('a'), 5n, -70000n]))]),
    key(RDB_TYPE.SET_INTSET, 'intset', [str(Buffer.from('0200000002000000ffff0100', 'hex'))]),
    key(RDB_TYPE.ZSET_ZIPLIST, 'zl-zset', [str(buildZiplist([B('a'), 1n, B('b'), B('2.5'), B('c'), B('-inf')]))]),
    key(RDB_TYPE.HASH_ZIPLIST, 'zl-hash', [str(buildZiplist([B('f'), B('v'), B('n'), 300n]))]),
    key(RDB_TYPE.LIST_QUICKLIST, 'ql1', [len(2), str(buildZiplist([B('a'), 1n])), lzfString(buildZiplist([B('compressed-node'), 2n]))]),
    key(RDB_TYPE.LIST_QUICKLIST_2, 'ql2', [len(3), len(2), str(buildListpack([B('p'), 3n])), len(1), str('plain-node'), len(2), lzfString(buildListpack([B('lzf-lp')]))]),
    key(RDB_TYPE.SET_LISTPACK, 'set-lp', [str(buildListpack([B('m1'), 42n]))]),
    key(RDB_TYPE.ZSET_LISTPACK, 'zset-lp', [str(buildListpack([B('a'), 1n, B('b'), B('0.5')]))]),
    key(RDB_TYPE.HASH_LISTPACK, 'hash-lp', [str(buildListpack([B('f'), 7n]))]),
    key(RDB_TYPE.STREAM_LISTPACKS, 's1', streamValue(RDB_TYPE.STREAM_LISTPACKS)),
    key(RDB_TYPE.STREAM_LISTPACKS_2, 's2', streamValue(RDB_TYPE.STREAM_LISTPACKS_2)),
    key(RDB_TYPE.STREAM_LISTPACKS_3, 's3', streamValue(RDB_TYPE.STREAM_LISTPACKS_3)),
    key(RDB_TYPE.MODULE_2, 'mod', [len(mid), len(2), len(99), len(1), len(5), len(3), Buffer.alloc(4), len(4), Buffer.alloc(8), len(5), str('blob'), len(0)]),
    u8(RDB_OPCODE.SELECTDB), len(3),
    key(RDB_TYPE.STRING, 'in-db3', [str('x')]),
  ];
  return rdbFile(11, body);
}

function all(p: RdbParser, file: Buffer, step: number): RdbEvent[] {
  const out: RdbEvent[] = [];
  for (let i = 0; i < file.length; i += step) out.push(...p.push(file.subarray(i, i + step)));
  return [...out, ...p.end()];
}

describe('RdbParser on a hand-made RDB', () => {
  const file = handMadeFile();
  const events = all(new RdbParser(), file, file.length);
  const keys = new Map(events.flatMap((e) => (e.type === 'key' ? [[e.key.toString(), e] as const] : [])));
  const val = (k: string) => keys.get(k)!.value.value;

  it('reads header, aux, module aux, function, resize-db, select-db and the checksum', () => {
    expect(events[0]).toEqual({ type: 'header', version: 11 });
    expect(events[1]).toEqual({ type: 'aux', key: B('redis-ver'), value: B('7.2.4') });
    expect(events[2]).toEqual({ type: 'aux', key: B('ctime'), value: B(String(0x40302010)) });
    expect(events[3]).toMatchObject({ type: 'module-aux', moduleName: 'mymodule1' });
    expect(events[4]).toEqual({ type: 'function', payload: B('#!lua name=lib\nreturn 1') });
    expect(events[6]).toEqual({ type: 'resize-db', size: 20, expires: 2 });
    const end = events[events.length - 1];
    expect(end).toMatchObject({ type: 'end', checksumOk: true });
    expect(end.type === 'end' && end.checksum).toBe(file.readBigUInt64LE(file.length - 8));
  });

  it('decodes strings in every encoding, with expiries, idle and freq', () => {
    expect(val('i8')).toEqual(B('-123'));
    expect(val('i16')).toEqual(B('30000'));
    expect(val('i32')).toEqual(B(String(0x88ca6c00 | 0)));
    expect(val('lzf')).toEqual(B('abcabcabcabc'));
    expect(keys.get('lzf')!.expireAtMs).toBe(0x6553f100 * 1000);
    expect(keys.get('len32')).toMatchObject({ expireAtMs: 1893456000123, idle: 77, value: { value: B('abc') } });
    expect(keys.get('len32')!.freq).toBeUndefined();
    expect(keys.get('k64!')).toMatchObject({ freq: 9, value: { value: B('hi') } });
    expect(keys.get('k64!')!.expireAtMs).toBeUndefined();
    expect(keys.get('i8')!.raw).toEqual(u8(0, 0xc0, 0x85));
  });

  it('decodes old and 7.2 collection encodings', () => {
    expect(val('list')).toEqual([B('a'), B(''), B('7')]);
    expect(val('set')).toEqual([B('x'), B('y')]);
    expect(val('zset')).toEqual([[B('a'), 1.5], [B('b'), Infinity], [B('c'), -Infinity], [B('d'), NaN]]);
    expect(val('zset2')).toEqual([[B('m'), -0.25]]);
    expect(val('hash')).toEqual([[B('f'), B('v')]]);
    expect(val('zipmap')).toEqual([[B('a'), B('b')]]);
    expect(val('zl-list')).toEqual([B('a'), B('5'), B('-70000')]);
    expect(val('intset')).toEqual([B('-1'), B('1')]);
    expect(val('zl-zset')).toEqual([[B('a'), 1], [B('b'), 2.5], [B('c'), -Infinity]]);
    expect(val('zl-hash')).toEqual([[B('f'), B('v')], [B('n'), B('300')]]);
    expect(val('ql1')).toEqual([B('a'), B('1'), B('compressed-node'), B('2')]);
    expect(val('ql2')).toEqual([B('p'), B('3'), B('plain-node'), B('lzf-lp')]);
    expect(val('set-lp')).toEqual([B('m1'), B('42')]);
    expect(val('zset-lp')).toEqual([[B('a'), 1], [B('b'), 0.5]]);
    expect(val('hash-lp')).toEqual([[B('f'), B('7')]]);
    expect(keys.get('in-db3')!.db).toBe(3);
    expect(keys.get('hash')!.db).toBe(0);
  });

  it('decodes streams v1, v2 and v3 with groups, PEL and consumers', () => {
    for (const k of ['s1', 's2', 's3']) {
      const s = val(k) as Extract<RdbEvent, { type: 'key' }>['value'] & object;
      expect(s).toMatchObject({
        entries: [['1000-1', [B('f1'), B('v1'), B('f2'), B('v2')]], ['1005-0', [B('x'), B('y')]]],
        length: 2,
        lastId: '1005-0',
      });
    }
    expect(val('s1')).toMatchObject({ groups: [{ name: B('g'), lastId: '1005-0', pel: [{ id: '1000-1', deliveryTime: 1700000000123, deliveryCount: 2 }] }] });
    expect((val('s1') as { firstId?: string }).firstId).toBeUndefined();
    expect(val('s2')).toMatchObject({ firstId: '1000-1', maxDeletedId: '1000-2', entriesAdded: 3, groups: [{ entriesRead: 2 }] });
    expect(val('s2')).toMatchObject({ groups: [{ consumers: [{ name: B('c'), seenTime: 1700000000456, pel: ['1000-1'] }] }] });
    expect(val('s3')).toMatchObject({ groups: [{ consumers: [{ name: B('c'), seenTime: 1700000000456, activeTime: 1700000000789, pel: ['1000-1'] }] }] });
  });

  it('skips module values by their opcodes', () => {
    expect(val('mod')).toEqual({ moduleId: moduleId('mymodule1', 3), moduleName: 'mymodule1', moduleVersion: 3, skipped: true });
  });

  it('gives the same events for every chunk size, byte by byte too', () => {
    for (const step of [1, 2, 3, 7, 64, 1000]) expect(all(new RdbParser(), file, step)).toEqual(events);
  });

  it('reports a checksum mismatch, a bad header, a truncation, and keeps bytes after the RDB', () => {
    const bad = Buffer.from(file);
    bad[bad.length - 1] ^= 1;
    expect(all(new RdbParser(), bad, 100).pop()).toMatchObject({ type: 'end', checksumOk: false });
    expect(() => new RdbParser().push(B('NOTREDIS00'))).toThrow(/not an RDB/);
    const p = new RdbParser();
    p.push(file.subarray(0, 5));
    expect(() => p.end()).toThrow(/header/);
    const q = new RdbParser();
    q.push(Buffer.concat([file, B('+PING')]));
    expect(q.finished).toBe(true);
    expect(q.remainder).toEqual(B('+PING'));
  });
});
