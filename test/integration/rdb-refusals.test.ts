// What cutover does with an RDB Redis would refuse (a wrong checksum, a version from the future, an inconsistent
// zipmap, an unknown opcode, a record it cannot skip), with Redis 7.0 release candidates' functions, module aux
// data and Valkey 9's own RDB: each file served through the replica protocol (RdbMaster) to
// `cutover replicate --mode live`, into a real Redis 7.0 target.
import { afterEach, describe, expect, it } from 'vitest';
import { Crc64 } from '../../src/engine/live/rdb/crc64.js';
import { RDB_OPCODE, RDB_TYPE } from '../../src/engine/live/rdb/types.js';
import { buildListpack, len, rdbFile, str } from '../fixtures/rdb/build.js';
import { runCli } from './helpers.js';
import { Servers } from './live-helpers.js';
import { RdbMaster, respCommand } from './rdb-master.js';

const B = (s: string) => Buffer.from(s);
const u8 = (...b: number[]) => Buffer.from(b);

let servers: Servers | undefined;
let master: RdbMaster | undefined;
afterEach(async () => {
  await master?.stop();
  await servers?.stop();
  master = undefined;
  servers = undefined;
});

function key(type: number, name: string, ...value: Buffer[]): Buffer {
  return Buffer.concat([u8(type), str(name), ...value]);
}

/** Ten plain string keys: what a refusal found after them must not leave on the target. */
function tenKeys(): Buffer[] {
  return Array.from({ length: 10 }, (_, i) => key(RDB_TYPE.STRING, `k${i}`, str(`v${i}`)));
}

/** A whole file under any 9-byte header, with its CRC64. */
function fileWithHeader(header: string, body: Buffer[]): Buffer {
  const all = Buffer.concat([B(header), ...body, u8(0xff)]);
  return Buffer.concat([all, new Crc64().update(all).bytesLE()]);
}

async function serve(rdb: Buffer, extra: string[] = [], stream?: Buffer) {
  servers = new Servers();
  const src = await servers.start('src');
  const dst = await servers.start('dst');
  master = await new RdbMaster(src.server, { rdb, stream }).start();
  const r = await runCli(['replicate', '--source', master.address, '--target', dst.server.address, '--mode', 'live', '--idle-timeout', '1s', ...extra]);
  return { r, dst, out: r.stdout + r.stderr };
}

describe('an RDB Redis would refuse is refused before the target is written', () => {
  it('a wrong CRC64: refused, nothing written, one line naming the checksum', async () => {
    const rdb = rdbFile(10, [u8(RDB_OPCODE.SELECTDB), len(0), ...tenKeys()]);
    rdb[rdb.length - 1] ^= 0xff;
    const { r, dst, out } = await serve(rdb, [], respCommand('SET', 'after', 'x'));
    expect(r.code).not.toBe(0);
    expect(out).toMatch(/CRC64 checksum is wrong/);
    expect(out).toMatch(/nothing of it was written/);
    expect(await dst.redis.dbsize()).toBe(0);
  });

  it('a checksum of 0 means "not computed": applied, as Redis does', async () => {
    const rdb = rdbFile(10, [u8(RDB_OPCODE.SELECTDB), len(0), ...tenKeys()]);
    rdb.fill(0, rdb.length - 8);
    const { r, dst } = await serve(rdb);
    expect(r.code).toBe(0);
    expect(await dst.redis.dbsize()).toBe(10);
  });

  it('--diskless-load: a wrong CRC64 found at the end says how many keys were written and that the target is partial', async () => {
    const rdb = rdbFile(10, [u8(RDB_OPCODE.SELECTDB), len(0), ...tenKeys()]);
    rdb[rdb.length - 1] ^= 0xff;
    const { r, dst, out } = await serve(rdb, ['--diskless-load']);
    expect(r.code).not.toBe(0);
    expect(out).toMatch(/CRC64 checksum is wrong.*10 keys were written before it: the target holds a partial copy/);
    expect(await dst.redis.dbsize()).toBe(10);
  });

  it('an RDB version newer than cutover reads (REDIS0099): refused before writing', async () => {
    const { r, dst, out } = await serve(rdbFile(99, [u8(RDB_OPCODE.SELECTDB), len(0), ...tenKeys()]));
    expect(r.code).not.toBe(0);
    expect(out).toMatch(/RDB version 99 \(header REDIS0099\) is newer than cutover reads/);
    expect(await dst.redis.dbsize()).toBe(0);
  });

  it('a zipmap whose count byte disagrees with its entries: refused, not written by type', async () => {
    // count byte 3, one entry a=b
    const zipmap = Buffer.concat([u8(3, 1), B('a'), u8(1, 0), B('b'), u8(0xff)]);
    const { r, dst, out } = await serve(rdbFile(3, [u8(RDB_OPCODE.SELECTDB), len(0), ...tenKeys(), key(RDB_TYPE.HASH_ZIPMAP, 'zm', str(zipmap))]));
    expect(r.code).not.toBe(0);
    expect(out).toMatch(/zipmap: its count byte says 3 fields, it holds 1/);
    expect(await dst.redis.dbsize()).toBe(0);
  });

  it('an unknown opcode (a Redis Enterprise one) is named as such; nothing written', async () => {
    const { r, dst, out } = await serve(rdbFile(10, [u8(RDB_OPCODE.SELECTDB), len(0), ...tenKeys(), u8(0xf0), str('x')]));
    expect(r.code).not.toBe(0);
    expect(out).toMatch(/unknown opcode 240 \(0xf0\) at byte \d+/);
    expect(out).not.toMatch(/ended before its EOF/);
    expect(await dst.redis.dbsize()).toBe(0);
  });

  it('a record cutover cannot skip (a pre-GA module value) after keys: refused before any is written', async () => {
    const { r, dst, out } = await serve(rdbFile(8, [u8(RDB_OPCODE.SELECTDB), len(0), ...tenKeys(), key(RDB_TYPE.MODULE_PRE_GA, 'm', len(1))]));
    expect(r.code).not.toBe(0);
    expect(out).toMatch(/MODULE_PRE_GA.*nothing of it was written/);
    expect(await dst.redis.dbsize()).toBe(0);
  });
});

describe('functions, module aux data, Valkey', () => {
  it("Redis 7.0 release candidates' function libraries are loaded as Redis 7.0 converts them", async () => {
    const code = "redis.register_function('rcfn', function() return 'rc' end)";
    const fn = Buffer.concat([u8(RDB_OPCODE.FUNCTION_PRE_GA), str('rclib'), str('LUA'), len(1), str('a description'), str(code)]);
    const { r, dst, out } = await serve(rdbFile(10, [fn, u8(RDB_OPCODE.SELECTDB), len(0), key(RDB_TYPE.STRING, 'a', str('1'))]));
    expect(out).not.toMatch(/Missing library metadata/);
    expect(r.code).toBe(0);
    expect(await dst.redis.call('FCALL', 'rcfn', '0')).toBe('rc');
  });

  it('module aux data is said, not skipped without a word', async () => {
    // module "mymodule1" v3: when-opcode UINT, when 2, one UINT field, EOF
    const CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let id = 0n;
    for (const ch of 'mymodule1') id = (id << 6n) | BigInt(CHARSET.indexOf(ch));
    id = (id << 10n) | 3n;
    const aux = Buffer.concat([u8(RDB_OPCODE.MODULE_AUX), len(id, 64), len(2), len(2), len(2), len(7), len(0)]);
    const { r, out } = await serve(rdbFile(10, [aux, u8(RDB_OPCODE.SELECTDB), len(0), key(RDB_TYPE.STRING, 'a', str('1'))]));
    expect(r.code).toBe(0);
    expect(out).toMatch(/module auxiliary data in the source's RDB is not copied \(module mymodule1\)/);
  });

  it("Valkey 9's own RDB (VALKEY080): its keys land on a Redis 7.0 target, by RESTORE where 7.0 reads the type", async () => {
    servers = new Servers();
    const src = await servers.start('src');
    const dst = await servers.start('dst');
    // the hash's bytes as a real server encodes them (a listpack), under Valkey's header
    await src.redis.hset('h0', 'f1', 'v1', 'f2', '2');
    const dump = (await src.redis.dumpBuffer('h0'))!;
    await src.redis.del('h0');
    const hashRaw = dump.subarray(1, dump.length - 10);
    const setLp = buildListpack([B('x'), B('y'), 7n]);
    const slotImport = Buffer.concat([u8(RDB_OPCODE.SLOT_IMPORT), str('j'.repeat(40)), len(1), len(0), len(100)]);
    const rdb = fileWithHeader('VALKEY080', [
      u8(RDB_OPCODE.AUX), str('valkey-ver'), str('9.0.0'),
      slotImport,
      u8(RDB_OPCODE.SELECTDB), len(0), u8(RDB_OPCODE.RESIZEDB), len(3), len(0),
      key(RDB_TYPE.STRING, 'str', str('hello')),
      Buffer.concat([u8(dump[0]), str('hash'), hashRaw]),
      key(RDB_TYPE.SET_LISTPACK, 'set', str(setLp)), // a 7.2 type: typed writes on 7.0
    ]);
    master = await new RdbMaster(src.server, { rdb }).start();
    const r = await runCli(['replicate', '--source', master.address, '--target', dst.server.address, '--mode', 'live', '--idle-timeout', '1s', '--json']);
    expect(r.stdout + r.stderr).not.toMatch(/not an RDB file/);
    expect(r.code).toBe(0);
    expect(await dst.redis.get('str')).toBe('hello');
    expect(await dst.redis.hgetall('hash')).toEqual({ f1: 'v1', f2: '2' });
    expect((await dst.redis.smembers('set')).sort()).toEqual(['7', 'x', 'y']);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(summary.stats).toMatchObject({ rdbKeys: 3, failed: 0 });
  });
});
