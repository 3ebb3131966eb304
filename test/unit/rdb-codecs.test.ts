// The RDB parser's small decoders on hand-made inputs: LZF, CRC64, intset, listpack, ziplist, zipmap, payload.
import { describe, expect, it } from 'vitest';
import { Crc64, crc64 } from '../../src/engine/live/rdb/crc64.js';
import { decodeIntset } from '../../src/engine/live/rdb/intset.js';
import { decodeListpack, type PackedElement } from '../../src/engine/live/rdb/listpack.js';
import { lzfDecompress } from '../../src/engine/live/rdb/lzf.js';
import { dumpPayload } from '../../src/engine/live/rdb/payload.js';
import { decodeZiplist } from '../../src/engine/live/rdb/ziplist.js';
import { decodeZipmap } from '../../src/engine/live/rdb/zipmap.js';
import { buildListpack, buildZiplist } from '../fixtures/rdb/build.js';

describe('lzf', () => {
  it('decodes literal runs and back references, including long ones', () => {
    // "abcabcabcabc": literal "abc" (ctrl 2), then a back reference of 9 bytes at distance 3:
    // len-2 = 7 → ctrl 7<<5 | 0, extra len byte 0, offset byte 2 (distance - 1)
    const input = Buffer.from([0x02, 0x61, 0x62, 0x63, 0xe0, 0x00, 0x02]);
    expect(lzfDecompress(input, 12).toString()).toBe('abcabcabcabc');
    // a short reference: "aaaaa" = literal "a" then len 4 at distance 1 → ctrl (4-2)<<5 | 0, offset 0
    expect(lzfDecompress(Buffer.from([0x00, 0x61, 0x40, 0x00]), 5).toString()).toBe('aaaaa');
  });

  it('rejects corrupt input', () => {
    expect(() => lzfDecompress(Buffer.from([0x02, 0x61]), 3)).toThrow(/overrun/);
    expect(() => lzfDecompress(Buffer.from([0x00, 0x61, 0x40, 0x05]), 5)).toThrow(/before start/);
    expect(() => lzfDecompress(Buffer.from([0x00, 0x61]), 4)).toThrow(/expected 4/);
  });
});

describe('crc64 (Jones, as Redis)', () => {
  it('matches the check value and Redis crc64.c test vectors', () => {
    expect(crc64(Buffer.from('123456789'))).toBe(0xe9c6d914c4b8d9can);
    expect(crc64(Buffer.alloc(0))).toBe(0n);
    // the CRC of a real Redis 7.0 DUMP of SET k hello (its last 8 bytes, little-endian)
    const dump = Buffer.from('000568656c6c6f0a006372df766534200a', 'hex');
    expect(crc64(dump.subarray(0, 9))).toBe(dump.readBigUInt64LE(9));
  });

  it('is incremental', () => {
    const c = new Crc64().update(Buffer.from('1234')).update(Buffer.from('56789'));
    expect(c.value()).toBe(0xe9c6d914c4b8d9can);
    expect(c.bytesLE().readBigUInt64LE(0)).toBe(0xe9c6d914c4b8d9can);
  });
});

describe('intset', () => {
  it('decodes 16, 32 and 64-bit sets', () => {
    const mk = (enc: number, vals: bigint[]) => {
      const b = Buffer.alloc(8 + enc * vals.length);
      b.writeUInt32LE(enc, 0);
      b.writeUInt32LE(vals.length, 4);
      vals.forEach((v, i) => (enc === 2 ? b.writeInt16LE(Number(v), 8 + 2 * i) : enc === 4 ? b.writeInt32LE(Number(v), 8 + 4 * i) : b.writeBigInt64LE(v, 8 + 8 * i)));
      return b;
    };
    expect(decodeIntset(mk(2, [-5n, 1n, 300n]))).toEqual([-5n, 1n, 300n]);
    expect(decodeIntset(mk(4, [-70000n, 70000n]))).toEqual([-70000n, 70000n]);
    expect(decodeIntset(mk(8, [-(2n ** 63n), 2n ** 63n - 1n]))).toEqual([-(2n ** 63n), 2n ** 63n - 1n]);
    expect(() => decodeIntset(mk(3, []))).toThrow(/encoding/);
  });
});

const ELEMENTS: PackedElement[] = [
  0n,
  127n,
  -1n,
  4095n,
  -4096n,
  4096n,
  -32768n,
  8388607n,
  -8388608n,
  2147483647n,
  -2147483648n,
  9007199254740993n,
  -(2n ** 63n),
  Buffer.from(''),
  Buffer.from('short'),
  Buffer.alloc(63, 'a'),
  Buffer.alloc(64, 'b'),
  Buffer.alloc(4095, 'c'),
  Buffer.alloc(4096, 'd'),
  Buffer.alloc(20000, 'e'),
  Buffer.from([0, 0xff, 0x0d, 0x0a]),
];

describe('listpack', () => {
  it('decodes every integer and string encoding', () => {
    expect(decodeListpack(buildListpack(ELEMENTS))).toEqual(ELEMENTS);
    expect(decodeListpack(buildListpack([]))).toEqual([]);
  });

  it('decodes a listpack as Redis 7.0 writes it (from a real DUMP of HSET h f1 v1 n 12345)', () => {
    const lp = Buffer.from('1600000004008266310382763103816e02f1393003ff', 'hex');
    expect(decodeListpack(lp)).toEqual([Buffer.from('f1'), Buffer.from('v1'), Buffer.from('n'), 12345n]);
  });

  it('rejects a bad header', () => {
    const lp = buildListpack([1n]);
    lp.writeUInt32LE(99, 0);
    expect(() => decodeListpack(lp)).toThrow(/header/);
  });
});

describe('ziplist', () => {
  it('decodes every integer and string encoding, with 1 and 5-byte prevlens', () => {
    const els: PackedElement[] = [...ELEMENTS, 0n, 12n, 13n, -128n, 127n, Buffer.alloc(300, 'p'), 5n];
    expect(decodeZiplist(buildZiplist(els))).toEqual(els);
  });
});

describe('zipmap', () => {
  it('decodes pairs with free bytes and long lengths', () => {
    const long = Buffer.alloc(300, 'z');
    const parts = [
      Buffer.from([2]),
      Buffer.from([1]), Buffer.from('a'), Buffer.from([2, 3]), Buffer.from('xy'), Buffer.from([0, 0, 0]),
      Buffer.from([254, 44, 1, 0, 0]), long, Buffer.from([0, 0]),
      Buffer.from([255]),
    ];
    expect(decodeZipmap(Buffer.concat(parts))).toEqual([
      [Buffer.from('a'), Buffer.from('xy')],
      [long, Buffer.alloc(0)],
    ]);
  });
});

describe('dumpPayload', () => {
  it('matches a real Redis 7.0 DUMP of SET k hello', () => {
    const expected = Buffer.from('000568656c6c6f0a006372df766534200a', 'hex');
    expect(dumpPayload(Buffer.from('000568656c6c6f', 'hex'), 10).toString('hex')).toBe(expected.toString('hex'));
    const hash = Buffer.from('10161600000004008266310382763103816e02f1393003ff0a0091a71bd2fee86329', 'hex');
    expect(dumpPayload(hash.subarray(0, hash.length - 10), 10).toString('hex')).toBe(hash.toString('hex'));
  });
});
