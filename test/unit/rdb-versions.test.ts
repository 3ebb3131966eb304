// The RDB header's versions (Redis's and Valkey's), the RESTORE payload version of a Valkey file's keys, strict
// zipmaps, 7.0 release candidates' function libraries, and --diskless-load's parsing.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/options/args.js';
import { RdbParser } from '../../src/engine/live/rdb/parser.js';
import { RDB_OPCODE, RDB_TYPE } from '../../src/engine/live/rdb/types.js';
import { payloadVersion, readRdbHeader } from '../../src/engine/live/rdb/versions.js';
import { decodeZipmap } from '../../src/engine/live/rdb/zipmap.js';
import { len, rdbFile, str } from '../fixtures/rdb/build.js';

const u8 = (...b: number[]) => Buffer.from(b);
const B = (s: string) => Buffer.from(s);

describe('RDB header', () => {
  it('reads Redis 1 to 12 and VALKEY080; refuses newer ones and foreign magics', () => {
    expect(readRdbHeader('REDIS0012')).toEqual({ version: 12, valkey: false });
    expect(readRdbHeader('VALKEY080')).toEqual({ version: 80, valkey: true });
    expect(() => readRdbHeader('REDIS0013')).toThrow(/RDB version 13 \(header REDIS0013\) is newer than cutover reads/);
    expect(() => readRdbHeader('VALKEY081')).toThrow(/Valkey RDB version 81/);
    expect(() => readRdbHeader('KEYDB0001')).toThrow(/not an RDB file/);
  });

  it("a Valkey file's keys say the Redis version that reads their type; Redis files keep theirs", () => {
    expect(payloadVersion(80, true, RDB_TYPE.HASH_LISTPACK)).toBe(10);
    expect(payloadVersion(80, true, RDB_TYPE.SET_LISTPACK)).toBe(11);
    expect(payloadVersion(12, false, RDB_TYPE.STRING)).toBe(12);
  });
});

describe('strict zipmaps', () => {
  const entry = (k: string, v: string) => Buffer.concat([u8(k.length), B(k), u8(v.length, 0), B(v)]);
  it('accepts a consistent one, refuses a wrong count, a repeated field, an overrun and an empty one', () => {
    expect(decodeZipmap(Buffer.concat([u8(1), entry('a', 'b'), u8(0xff)]))).toEqual([[B('a'), B('b')]]);
    expect(() => decodeZipmap(Buffer.concat([u8(2), entry('a', 'b'), u8(0xff)]))).toThrow(/count byte says 2/);
    expect(() => decodeZipmap(Buffer.concat([u8(2), entry('a', 'b'), entry('a', 'c'), u8(0xff)]))).toThrow(/appears twice/);
    expect(() => decodeZipmap(Buffer.concat([u8(1), u8(9), B('a'), u8(1, 0), B('b'), u8(0xff)]))).toThrow(/reaches past its end/);
    expect(() => decodeZipmap(u8(0, 0xff))).toThrow(/empty/);
  });
});

describe("7.0 release candidates' functions", () => {
  it('become "#!<engine> name=<name>\\n<code>", the description left out', () => {
    const fn = Buffer.concat([u8(RDB_OPCODE.FUNCTION_PRE_GA), str('lib'), str('LUA'), len(1), str('desc'), str('return 1')]);
    const events = new RdbParser().push(rdbFile(10, [fn]));
    expect(events.find((e) => e.type === 'function')).toEqual({ type: 'function', payload: B('#!LUA name=lib\nreturn 1') });
  });
});

describe('--diskless-load', () => {
  it('is for psync live replication', () => {
    const base = ['replicate', '--source', '127.0.0.1:1', '--target', '127.0.0.1:2'];
    expect(parseCommand([...base, '--mode', 'live', '--diskless-load'])).toMatchObject({ live: { disklessLoad: true } });
    expect(() => parseCommand([...base, '--diskless-load'])).toThrow(/--diskless-load is for live replication/);
    expect(() => parseCommand([...base, '--mode', 'live', '--live-source', 'notifications', '--diskless-load'])).toThrow(/--diskless-load is for --live-source psync/);
  });
});
