// Live replication over the replica protocol against real servers: the RDB then the stream, in order, counters
// exact, transactions, SELECT and filters, FLUSH only when allowed, liveonly, the stream's identity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompareJob, differences } from '../../src/engine/replicate/compare.js';
import { loadDataset } from '../../src/lab/dataset.js';
import { noteText } from '../../src/render/node-text.js';
import { monitorOn, until } from './helpers.js';
import { Servers, startLive, Writer } from './live-helpers.js';

const servers = new Servers();
afterAll(() => servers.stop());

async function compare(live: Awaited<ReturnType<typeof startLive>>) {
  const job = new CompareJob(live.source, live.target, { scan: { count: 1000, include: [], exclude: [] }, readBatch: 500, readThreads: 2, ttlToleranceMs: 2000, checkExtra: true, maxDiffs: 10 });
  return job.run();
}

describe('psync live replication', () => {
  let src: Awaited<ReturnType<Servers['start']>>;
  let dst: Awaited<ReturnType<Servers['start']>>;

  beforeAll(async () => {
    [src, dst] = await Promise.all([servers.start('source'), servers.start('target')]);
    await loadDataset(src.redis, { keys: 3000 });
  });

  it('applies the RDB, then every command in order: counters exact, compare clean', async () => {
    const live = await startLive(src.server.address, dst.server.address);
    const w = new Writer(src.redis);
    // writes while the RDB is taken and applied, and after
    for (let i = 0; i < 40; i++) await w.round(50);
    await live.caughtUp();
    expect(await w.check(dst.redis)).toEqual({ lost: 0, extra: 0 });
    const c = await compare(live);
    expect(c.diffs).toEqual([]);
    expect(differences(c.counts)).toBe(0);
    const s = live.last();
    expect(s.rdbKeys).toBeGreaterThanOrEqual(3000);
    expect(s.lagBytes).toBe(0);
    expect(s.failed).toBe(0);
    expect(s.ageP99Ms).toBeGreaterThan(0);
    // the stream is cutover's, named so, on listening port 0
    const clients = (await src.redis.call('CLIENT', 'LIST', 'TYPE', 'replica')) as string;
    expect(clients).toMatch(/name=cutover-psync/);
    expect(await src.redis.info('replication')).toMatch(/slave0:ip=127\.0\.0\.1,port=0,state=online/);
    // the topology shows it as cutover's stream on the master, not as a replica node
    const { monitor } = monitorOn([src.server.address], { subscribe: false });
    const nodes = await monitor.discover();
    monitor.stop();
    expect(nodes).toHaveLength(1);
    expect(nodes[0].streams).toEqual([expect.objectContaining({ host: '127.0.0.1', state: 'online' })]);
    expect(noteText(nodes[0], Date.now())).toMatch(/^cutover stream lag /);
    const summary = await live.stop();
    expect(summary.reason).toBe('stopped');
    expect(summary.stats.fullResyncs).toBe(0);
    await dst.redis.flushall();
  });

  it('keeps transactions atomic, follows SELECT (other dbs left out), leaves PUBLISH and FLUSHDB alone without --allow-flush', async () => {
    await src.redis.flushall();
    const live = await startLive(src.server.address, dst.server.address);
    await live.caughtUp();
    await src.redis.multi().set('a', '1').incr('n').hset('h', 'f', 'v').exec();
    const other = servers.client(src.server.port);
    await other.select(3);
    await other.set('db3-only', 'x');
    await src.redis.publish('chan', 'hello');
    await src.redis.set('b', '2');
    await live.caughtUp();
    expect(await dst.redis.mget('a', 'n', 'b')).toEqual(['1', '1', '2']);
    expect(await dst.redis.hget('h', 'f')).toBe('v');
    const d3 = servers.client(dst.server.port);
    await d3.select(3);
    expect(await d3.exists('db3-only')).toBe(0);
    await src.redis.flushdb();
    await src.redis.set('after', '1');
    await live.caughtUp();
    expect(await dst.redis.exists('a', 'after')).toBe(2); // FLUSHDB not forwarded
    expect(live.logs.join('\n')).toMatch(/FLUSHDB on db 0 on the source: not forwarded \(add --allow-flush/);
    expect(live.last().flushes).toBe(1);
    await live.stop();
    await dst.redis.flushall();
  });

  it('forwards FLUSHDB with --allow-flush, and applies --key-exclude to the RDB and the stream', async () => {
    await src.redis.flushall();
    await src.redis.mset('keep:1', 'a', 'skip:1', 'b');
    const live = await startLive(src.server.address, dst.server.address, { allowFlush: true, scan: { count: 1000, include: [], exclude: [/^skip:/] } });
    await live.caughtUp();
    await src.redis.mset('keep:2', 'c', 'skip:2', 'd');
    await src.redis.del('keep:1', 'skip:1');
    await live.caughtUp();
    expect((await dst.redis.keys('*')).sort()).toEqual(['keep:2']);
    // with key filters on, a FLUSHDB would empty keys they leave out: not forwarded
    await src.redis.flushdb();
    await live.caughtUp();
    expect(await dst.redis.dbsize()).toBe(1);
    expect(live.logs.join('\n')).toMatch(/not forwarded, key filters are on/);
    await live.stop();
    const all = await startLive(src.server.address, dst.server.address, { allowFlush: true });
    await src.redis.set('x', '1');
    await all.caughtUp();
    expect(await dst.redis.dbsize()).toBe(2);
    await src.redis.flushdb();
    await all.caughtUp();
    expect(await dst.redis.dbsize()).toBe(0);
    expect(all.logs.join('\n')).toMatch(/FLUSHDB on db 0 on the source: forwarded as FLUSHDB on target db 0/);
    await all.stop();
  });

  it('liveonly: the changes alone, from the current offset, into a target that already has data', async () => {
    await src.redis.flushall();
    await dst.redis.flushall();
    await src.redis.set('before', '1');
    await dst.redis.set('theirs', '1');
    const live = await startLive(src.server.address, dst.server.address, { mode: 'liveonly' });
    await until('streaming', () => live.last().phase === 'streaming', 15_000);
    await src.redis.set('after', '2');
    await src.redis.incr('before');
    await live.caughtUp();
    expect(await dst.redis.exists('before')).toBe(1); // INCR of a key the target did not have makes it 1
    expect(await dst.redis.get('after')).toBe('2');
    expect(await dst.redis.get('theirs')).toBe('1');
    expect(live.last().rdbKeys).toBe(0);
    await live.stop();
  });

  it('--verify-on-idle: verifies when the stream goes quiet, and goes on', async () => {
    await src.redis.flushall();
    await dst.redis.flushall();
    await src.redis.mset('a', '1', 'b', '2');
    const live = await startLive(src.server.address, dst.server.address, { verifyOnIdle: true, idleTimeoutMs: 500 });
    await until('a verification', () => live.events.some((e) => e.type === 'verify-done'), 15_000);
    const v = live.events.find((e) => e.type === 'verify-done');
    expect(v).toMatchObject({ summary: { counts: { compared: 2, missing: 0, value: 0 } } });
    await src.redis.set('c', '3');
    await until('a second verification after the change', () => live.events.filter((e) => e.type === 'verify-done').length >= 2, 15_000);
    expect(live.last().phase).toBe('streaming');
    const summary = await live.stop();
    expect(summary.reason).toBe('stopped');
  });

  it('falls back to typed writes when the target cannot read the payload format', async () => {
    await dst.redis.flushall();
    const { TargetWriter } = await import('../../src/engine/live/writer.js');
    const { restoreOf, typedWrites } = await import('../../src/engine/live/rdb-ops.js');
    await src.redis.set('fmt', 'hello');
    const dump = (await src.redis.dumpBuffer('fmt'))!;
    const ev = { type: 'key' as const, db: 0, key: Buffer.from('fmt'), rdbType: dump[0], value: { type: 'string' as const, value: Buffer.from('hello') }, raw: dump.subarray(0, dump.length - 10), expireAtMs: Date.now() + 60_000 };
    const live = await startLive(src.server.address, dst.server.address, { mode: 'liveonly' });
    const logs: string[] = [];
    const w = new TargetWriter(live.target, { log: (_l, m) => void logs.push(m), onTargetRestart: () => undefined, onDrain: () => undefined });
    const ticket = { done: false, offset: -1, at: -1 };
    // RDB version 99: newer than any server reads
    w.push({ db: 0, cmds: [restoreOf(ev, 99)], keys: [ev.key], fallback: () => typedWrites(ev), ticket, bytes: 10 });
    await until('applied', () => ticket.done, 5000);
    expect(w.counts.fallbacks).toBe(1);
    expect(w.counts.failed).toBe(0);
    expect(await dst.redis.get('fmt')).toBe('hello');
    expect(await dst.redis.pttl('fmt')).toBeGreaterThan(50_000);
    w.close();
    await live.stop();
  });
});
