// Live replication of keys too big to hold: with a small --mem-limit, the RDB's big keys (hashtable hashes, sets and
// sorted sets, quicklists, a stream with a consumer group and pending entries, raw and LZF strings) are read and
// written in pieces; the target ends identical, stream groups and pending entries included, and commands after
// the RDB land on top of the pieced-together keys in order.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompareJob, differences } from '../../src/engine/replicate/compare.js';
import { loadDataset } from '../../src/lab/dataset.js';
import { Servers, startLive } from './live-helpers.js';

const servers = new Servers();
afterAll(() => servers.stop());
const N = 50_000;

describe('psync live replication of big keys', () => {
  let src: Awaited<ReturnType<Servers['start']>>;
  let dst: Awaited<ReturnType<Servers['start']>>;

  beforeAll(async () => {
    [src, dst] = await Promise.all([servers.start('source'), servers.start('target')]);
    await loadDataset(src.redis, { keys: 500 });
    const r = src.redis;
    const p = r.pipeline();
    for (let i = 0; i < N; i += 1000) {
      const ids = Array.from({ length: 1000 }, (_, j) => i + j);
      p.hset('big:hash', ...ids.flatMap((n) => [`field:${n}`, `value:${n}`]));
      p.rpush('big:list', ...ids.map((n) => `item:${n}:${randomBytes(6).toString('hex')}`));
      p.sadd('big:set', ...ids.map((n) => `member:${n}`));
      p.zadd('big:zset', ...ids.flatMap((n) => [String(n / 7), `m:${n}`]));
    }
    for (let i = 0; i < 20_000; i++) p.xadd('big:stream', '*', 'n', String(i), 'payload', randomBytes(24).toString('hex'));
    p.set('big:lzf', 'abcdefgh'.repeat(2_000_000)); // 16 MB, LZF in the RDB: small in the file, big once decompressed
    p.set('big:raw', randomBytes(1_000_000)); // incompressible: raw in the RDB
    p.pexpire('big:hash', 3_600_000);
    await p.exec();
    await r.xgroup('CREATE', 'big:stream', 'readers', '0');
    await r.xreadgroup('GROUP', 'readers', 'alice', 'COUNT', 25, 'STREAMS', 'big:stream', '>');
    await r.xreadgroup('GROUP', 'readers', 'bob', 'COUNT', 10, 'STREAMS', 'big:stream', '>');
    const ids = ((await r.xrange('big:stream', '-', '+', 'COUNT', 50)) as [string, string[]][]).map(([id]) => id);
    await r.xdel('big:stream', ids[40], ids[41]);
  });

  it('reads them in pieces, writes them so, and the target ends identical', async () => {
    const live = await startLive(src.server.address, dst.server.address, { memLimitBytes: 64 * 1024 });
    await live.caughtUp(60_000);
    // commands after the RDB land on the keys built from pieces
    await src.redis.hset('big:hash', 'field:new', 'after');
    await src.redis.rpush('big:list', 'tail');
    await src.redis.append('big:raw', 'END');
    await src.redis.xack('big:stream', 'readers', ((await src.redis.xpending('big:stream', 'readers', '-', '+', 1)) as [string][])[0][0]);
    await live.caughtUp(60_000);
    const s = live.last();
    // hash, list, set, zset, stream, both strings: each record is bigger than a socket read, or inflates past the limit
    expect(s.rdbBigKeys).toBe(7);
    expect(s.failed).toBe(0);

    const compare = new CompareJob(live.source, live.target, { scan: { count: 1000, include: [], exclude: [] }, readBatch: 500, readThreads: 2, ttlToleranceMs: 2000, checkExtra: true, maxDiffs: 10, memLimitBytes: 64 * 1024 });
    const c = await compare.run();
    expect(c.diffs).toEqual([]);
    expect(differences(c.counts)).toBe(0);

    const a = src.redis;
    const b = dst.redis;
    expect(await b.hget('big:hash', 'field:new')).toBe('after');
    expect(await b.lindex('big:list', -1)).toBe('tail');
    expect(await b.llen('big:list')).toBe(N + 1);
    expect(await b.strlen('big:lzf')).toBe(16_000_000);
    expect(await b.getBuffer('big:raw')).toEqual(await a.getBuffer('big:raw'));
    expect(Math.abs((await b.pttl('big:hash')) - (await a.pttl('big:hash')))).toBeLessThan(5000);
    // the stream's groups, consumers and pending entries came too
    const info = async (r: typeof a) => {
      const groups = (await r.xinfo('GROUPS', 'big:stream')) as unknown[][];
      return groups.map((g) => Object.fromEntries(Array.from({ length: g.length / 2 }, (_, i) => [g[2 * i], g[2 * i + 1]])));
    };
    expect(await info(b)).toEqual(await info(a));
    const pending = async (r: typeof a) => ((await r.xpending('big:stream', 'readers', '-', '+', 100)) as [string, string, number, number][]).map(([id, who, , count]) => [id, who, count]);
    expect(await pending(b)).toEqual(await pending(a));
    expect((await b.xinfo('STREAM', 'big:stream')) as unknown[]).toEqual(expect.arrayContaining(['length', await a.xlen('big:stream'), 'entries-added', 20_000]));
    await live.stop();
  });
});
