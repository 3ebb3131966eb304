// The struct strategy against two real redis-servers: every type read by type on a source, written on a
// target, read back and compared; merge into what the target holds; keys that vanish between scan and read.
import { Redis } from 'ioredis';
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { LabServer } from '../../src/lab/server.js';
import { standaloneServers, stopServers } from './helpers.js';
import { readStruct, structEquals, ttlClose, writeStruct, type StructRead } from '../../src/engine/replicate/struct.js';
import { NO_TTL, type StructValue } from '../../src/engine/replicate/types.js';

let dir: string;
let servers: LabServer[] = [];
let src: Redis;
let dst: Redis;

beforeAll(async () => {
  ({ servers, dir } = await standaloneServers(['src', 'dst'], 'cutover-struct-'));
  src = new Redis({ host: '127.0.0.1', port: servers[0].port, lazyConnect: true });
  dst = new Redis({ host: '127.0.0.1', port: servers[1].port, lazyConnect: true });
  await Promise.all([src.connect(), dst.connect()]);
});

afterAll(async () => {
  await stopServers(servers, dir, [src, dst]);
});

beforeEach(async () => {
  await Promise.all([src.flushall(), dst.flushall()]);
});

const B = (...bytes: number[]) => Buffer.from(bytes);
/** not UTF-8: a lone continuation byte, an invalid lead byte, a NUL */
const BIN_KEY = B(0xff, 0x00, 0x80, 0x6b);
const BIN_VAL = B(0x00, 0xc3, 0x28, 0xfe, 0x0a);
const BIN_FIELD = B(0xc3, 0x28);

async function exec(pipe: ReturnType<Redis['pipeline']>): Promise<Array<[Error | null, unknown]>> {
  return ((await pipe.exec()) ?? []) as Array<[Error | null, unknown]>;
}

async function allKeys(c: Redis): Promise<Buffer[]> {
  return (await c.keysBuffer('*')).sort(Buffer.compare);
}

async function copy(keys: Buffer[], policy: 'overwrite' | 'merge'): Promise<{ read: StructRead[]; errors: Array<Error | null> }> {
  const read = await readStruct(src, keys);
  const pipe = dst.pipeline();
  for (const r of read) if (r.struct) writeStruct(pipe, r.key, r.ttlMs, r.struct, policy);
  const replies = await exec(pipe);
  return { read, errors: replies.map(([e]) => e) };
}

/** Loads one of everything on the source. */
async function loadEverything(): Promise<void> {
  const p = src.pipeline();
  p.set('str', 'hello');
  p.set('str:empty', '');
  p.set('str:ttl', 'soon', 'PX', 60_000);
  p.set(BIN_KEY, BIN_VAL);
  p.hset('hash', 'a', '1', 'b', '', BIN_FIELD, BIN_VAL);
  p.pexpire('hash', 120_000);
  p.hset('hash:big', ...Array.from({ length: 2500 }, (_, i) => [`f${i}`, `v${i}`]).flat());
  p.rpush('list', 'x', 'x', '', BIN_VAL, 'z');
  p.rpush('list:big', ...Array.from({ length: 2500 }, (_, i) => `e${i}`));
  p.sadd('set', 'm1', 'm2', '', BIN_VAL);
  p.sadd('set:big', ...Array.from({ length: 2500 }, (_, i) => `s${i}`));
  p.zadd('zset', '1.5', 'frac', '-2.25', 'neg', '-inf', 'bottom', '+inf', 'top', '0', BIN_VAL, '0.1', 'tenth', '3', 'three');
  p.pexpire('zset', 30_000);
  p.xadd('stream', '1-1', 'f', 'v', BIN_FIELD, BIN_VAL);
  p.xadd('stream', '1-2', 'only', '');
  p.xadd('stream', '5-0', 'a', '1', 'b', '2');
  p.xadd('stream:empty', '1-1', 'gone', 'soon');
  p.xdel('stream:empty', '1-1');
  const replies = await exec(p);
  expect(replies.filter(([e]) => e)).toEqual([]);
}

describe('readStruct', () => {
  it('reads every type binary-safe, with TTLs, in the shapes of types.ts', async () => {
    await loadEverything();
    const keys = await allKeys(src);
    const read = await readStruct(src, keys);
    const by = new Map(read.map((r) => [r.key.toString('latin1'), r]));
    const get = (k: string | Buffer) => by.get(Buffer.from(k as string).toString('latin1'))!;

    expect(read.every((r) => r.struct && !r.vanished && !r.unsupported)).toBe(true);
    expect(get('str').struct).toEqual({ type: 'string', value: Buffer.from('hello') });
    expect(get('str').ttlMs).toBe(NO_TTL);
    expect(get('str:empty').struct).toEqual({ type: 'string', value: Buffer.alloc(0) });
    expect(get('str:ttl').ttlMs).toBeGreaterThan(50_000);
    expect(get('str:ttl').ttlMs).toBeLessThanOrEqual(60_000);
    expect(get(BIN_KEY).struct).toEqual({ type: 'string', value: BIN_VAL });

    const hash = get('hash').struct as Extract<StructValue, { type: 'hash' }>;
    expect(hash.type).toBe('hash');
    // the non-UTF-8 field name comes back byte for byte (hgetallBuffer would have made it a string key)
    expect(hash.value.find(([f]) => f.equals(BIN_FIELD))?.[1]).toEqual(BIN_VAL);
    expect(hash.value).toHaveLength(3);
    expect(get('hash').ttlMs).toBeGreaterThan(100_000);

    expect(get('list').struct).toEqual({ type: 'list', value: ['x', 'x', '', BIN_VAL, 'z'].map((x) => Buffer.from(x)) });
    expect((get('set').struct as Extract<StructValue, { type: 'set' }>).value.map((m) => m.toString('hex')).sort()).toEqual(
      ['m1', 'm2', '', BIN_VAL].map((x) => Buffer.from(x).toString('hex')).sort(),
    );

    const zset = get('zset').struct as Extract<StructValue, { type: 'zset' }>;
    expect(zset.value.map(([m, s]) => [m.toString('latin1'), s])).toEqual([
      ['bottom', '-inf'],
      ['neg', '-2.25'],
      [BIN_VAL.toString('latin1'), '0'],
      ['tenth', '0.10000000000000001'], // Redis 7.0 answers with %.17g
      ['frac', '1.5'],
      ['three', '3'],
      ['top', 'inf'],
    ]);

    expect(get('stream').struct).toEqual({
      type: 'stream',
      value: [
        ['1-1', [Buffer.from('f'), Buffer.from('v'), BIN_FIELD, BIN_VAL]],
        ['1-2', [Buffer.from('only'), Buffer.alloc(0)]],
        ['5-0', ['a', '1', 'b', '2'].map((x) => Buffer.from(x))],
      ],
    });
    expect(get('stream:empty').struct).toEqual({ type: 'stream', value: [] });
  });

  it('calls a key vanished when it was deleted after the scan, or expired', async () => {
    await src.set('here', '1');
    await src.set('short', '1', 'PX', 1);
    await src.hset('short:hash', 'f', 'v');
    await src.pexpire('short:hash', 1);
    await new Promise((r) => setTimeout(r, 30));
    const read = await readStruct(src, ['here', 'deleted', 'short', 'short:hash'].map((k) => Buffer.from(k)));
    expect(read.map((r) => [r.key.toString(), !!r.struct, r.vanished ?? false])).toEqual([
      ['here', true, false],
      ['deleted', false, true],
      ['short', false, true],
      ['short:hash', false, true],
    ]);
    expect(read[1].ttlMs).toBe(-2);
  });

  it('calls a key vanished when it goes between the TYPE and the read', async () => {
    await src.rpush('list', 'a', 'b');
    await src.set('str', 'v');
    await src.xadd('stream', '1-1', 'f', 'v');
    let pipelines = 0;
    // the DELs go out on the same connection before the read pipeline, so they land in between
    const racing = {
      pipeline: () => {
        if (++pipelines === 2) void src.del('list', 'str', 'stream');
        return src.pipeline();
      },
    } as unknown as Redis;
    const read = await readStruct(racing, ['list', 'str', 'stream'].map((k) => Buffer.from(k)));
    expect(pipelines).toBe(2);
    expect(read.map((r) => r.vanished)).toEqual([true, true, true]);
  });

  it('reads a key again when its type changed between the TYPE and the read', async () => {
    await src.set('k', 'was a string');
    let pipelines = 0;
    const racing = {
      pipeline: () => {
        if (++pipelines === 2) {
          void src.del('k');
          void src.sadd('k', 'now', 'a set');
        }
        return src.pipeline();
      },
    } as unknown as Redis;
    const [r] = await readStruct(racing, [Buffer.from('k')]);
    expect(pipelines).toBe(4);
    expect(r.struct?.type).toBe('set');
  });

  it('reads nothing for no keys', async () => {
    expect(await readStruct(src, [])).toEqual([]);
  });
});

describe('writeStruct', () => {
  it("copies every type with 'overwrite' so the target reads back equal, TTLs included", async () => {
    await loadEverything();
    // the target already holds some of those keys, as other types or other values
    await dst.set('hash', 'a string in the way');
    await dst.rpush('list', 'old', 'items');
    await dst.sadd('set', 'stale');
    await dst.hset('stream', 'not', 'a stream');
    await dst.set('str:ttl', 'x');
    await dst.pexpire('str', 999_999);
    const keys = await allKeys(src);
    const { read, errors } = await copy(keys, 'overwrite');
    expect(errors.filter(Boolean)).toEqual([]);

    expect((await allKeys(dst)).map((k) => k.toString('hex'))).toEqual(keys.map((k) => k.toString('hex')));
    const back = await readStruct(dst, keys);
    read.forEach((a, i) => {
      const b = back[i];
      expect(b.struct, a.key.toString()).toBeDefined();
      expect(structEquals(a.struct!, b.struct!), a.key.toString()).toEqual({ equal: true });
      expect(ttlClose(a.ttlMs, b.ttlMs, 2000), `${a.key.toString()}: ${a.ttlMs} vs ${b.ttlMs}`).toBe(true);
    });
    expect(await dst.type('stream:empty')).toBe('stream');
    expect(await dst.xlen('stream:empty')).toBe(0);
    expect(await dst.xinfo('GROUPS', 'stream:empty')).toEqual([]);
    expect(await dst.pttl('str')).toBe(-1);
    expect(await dst.zscore('zset', 'bottom')).toBe('-inf');
  });

  it('splits long collections into commands of at most 1000 elements', async () => {
    const pipe = dst.pipeline();
    const long = Array.from({ length: 2500 }, (_, i) => Buffer.from(`e${i}`));
    writeStruct(pipe, Buffer.from('l'), NO_TTL, { type: 'list', value: long }, 'overwrite');
    writeStruct(pipe, Buffer.from('h'), 5000, { type: 'hash', value: long.map((e): [Buffer, Buffer] => [e, e]) }, 'overwrite');
    writeStruct(pipe, Buffer.from('z'), NO_TTL, { type: 'zset', value: long.map((e, i): [Buffer, string] => [e, String(i)]) }, 'merge');
    // DEL + 3 RPUSH; DEL + 3 HSET + PEXPIRE; 3 ZADD + PERSIST
    expect((pipe as unknown as { length: number }).length).toBe(4 + 5 + 4);
    const replies = await exec(pipe);
    expect(replies.filter(([e]) => e)).toEqual([]);
    expect(replies.slice(1, 4).map(([, n]) => n)).toEqual([1000, 2000, 2500]);
    expect(await dst.llen('l')).toBe(2500);
    expect(await dst.lindex('l', 2499)).toBe('e2499');
    expect(await dst.hlen('h')).toBe(2500);
    expect(await dst.zcard('z')).toBe(2500);
  });

  it("merges into what the target holds with 'merge': extra fields and members survive", async () => {
    await src.hset('h', 'a', 'src', 'b', 'src');
    await src.sadd('s', 'm1', 'm2');
    await src.zadd('z', 1, 'a', 2, 'b');
    await src.rpush('l', 'new');
    await src.set('str', 'src');
    await src.xadd('x', '1-1', 'f', 'v');
    await src.xadd('x:new', '7-0', 'f', 'v');
    await dst.hset('h', 'a', 'dst', 'extra', 'kept');
    await dst.pexpire('h', 100_000);
    await dst.sadd('s', 'm9');
    await dst.zadd('z', 5, 'a', 9, 'z');
    await dst.rpush('l', 'old');
    await dst.set('str', 'dst');
    await dst.xadd('x', '1-1', 'f', 'v');

    const keys = ['h', 's', 'z', 'l', 'str', 'x', 'x:new'].map((k) => Buffer.from(k));
    const read = await readStruct(src, keys);
    const pipe = dst.pipeline();
    const spans: Array<[string, number, number]> = [];
    for (const r of read) {
      const from = (pipe as unknown as { length: number }).length;
      writeStruct(pipe, r.key, r.ttlMs, r.struct!, 'merge');
      spans.push([r.key.toString(), from, (pipe as unknown as { length: number }).length]);
    }
    const replies = await exec(pipe);
    const failed = spans.filter(([, a, b]) => replies.slice(a, b).some(([e]) => e)).map(([k, a, b]) => [k, replies.slice(a, b).find(([e]) => e)![0]!.message]);
    // the stream's existing entry cannot be XADDed again: that key's error, for the caller to report
    expect(failed).toEqual([['x', expect.stringMatching(/equal or smaller than the target stream top item/)]]);

    expect(await dst.hgetall('h')).toEqual({ a: 'src', b: 'src', extra: 'kept' });
    expect(await dst.pttl('h')).toBe(-1); // the source's key has no TTL: merged keys follow it
    expect((await dst.smembers('s')).sort()).toEqual(['m1', 'm2', 'm9']);
    expect(await dst.zrange('z', 0, -1, 'WITHSCORES')).toEqual(['a', '1', 'b', '2', 'z', '9']);
    expect(await dst.lrange('l', 0, -1)).toEqual(['old', 'new']);
    expect(await dst.get('str')).toBe('src');
    expect(await dst.xlen('x:new')).toBe(1);

    // compared with the source, the target now has extras
    const back = await readStruct(dst, keys);
    expect(structEquals(read[0].struct!, back[0].struct!)).toEqual({ equal: false, detail: 'hash: 1 extra (extra)' });
    expect(structEquals(read[1].struct!, back[1].struct!)).toEqual({ equal: false, detail: 'set: 1 extra (m9)' });
    expect(structEquals(read[3].struct!, back[3].struct!).detail).toMatch(/^list: length 1 vs 2/);
  });

  it('writes a TTL of 0 (a key about to expire) as one that expires, not one that never does', async () => {
    const pipe = dst.pipeline();
    writeStruct(pipe, Buffer.from('s'), 0, { type: 'string', value: Buffer.from('v') }, 'overwrite');
    writeStruct(pipe, Buffer.from('l'), 0, { type: 'list', value: [Buffer.from('v')] }, 'overwrite');
    await exec(pipe);
    await new Promise((r) => setTimeout(r, 20));
    expect(await dst.exists('s', 'l')).toBe(0);
  });
});
