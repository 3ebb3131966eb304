// Live replication through keyspace notifications (RIOT's way): refused when they are off, turned on only when
// asked, changed keys re-read and written (deletes too), the snapshot first in live mode, overflows counted.
import { afterAll, describe, expect, it } from 'vitest';
import { CompareJob, differences } from '../../src/engine/replicate/compare.js';
import { runCli, until } from './helpers.js';
import { Servers, startLive, Writer } from './live-helpers.js';

const servers = new Servers();
afterAll(() => servers.stop());

describe('notifications live replication', () => {
  it('refuses, in one line and exit 2, a source whose notifications are off; nothing changed anywhere', async () => {
    const [src, dst] = await Promise.all([servers.start('off-source'), servers.start('off-target')]);
    await src.redis.set('k', 'v');
    const r = await runCli(['replicate', '--mode', 'live', '--live-source', 'notifications', '--source', src.server.address, '--target', dst.server.address, '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/does not publish keyspace notifications .*CONFIG SET notify-keyspace-events KA .*--enable-notifications/);
    expect(await src.redis.config('GET', 'notify-keyspace-events')).toEqual(['notify-keyspace-events', '']);
    expect(await dst.redis.dbsize()).toBe(0);
  });

  it('with --enable-notifications: snapshot, then the changes; deletes and expiries follow; compare clean', async () => {
    const [src, dst] = await Promise.all([servers.start('on-source'), servers.start('on-target')]);
    const w = new Writer(src.redis);
    for (let i = 0; i < 10; i++) await w.round(50);
    const live = await startLive(src.server.address, dst.server.address, { liveSource: 'notifications', enableNotifications: true });
    await until('streaming', () => live.last().phase === 'streaming', 15_000);
    expect(((await src.redis.config('GET', 'notify-keyspace-events')) as string[])[1]).toMatch(/K/);
    for (let i = 0; i < 20; i++) await w.round(50);
    await src.redis.set('short', 'x', 'PX', 50);
    await src.redis.del('s:1', 's:2');
    await until('quiet', () => live.last().queueDepth === 0 && live.last().idleMs > 300, 15_000);
    expect(await w.check(dst.redis)).toEqual({ lost: 0, extra: 0 });
    const c = await new CompareJob(live.source, live.target, { scan: { count: 1000, include: [], exclude: [] }, readBatch: 500, readThreads: 2, ttlToleranceMs: 2000, checkExtra: true, maxDiffs: 10 }).run();
    expect(c.diffs).toEqual([]);
    expect(differences(c.counts)).toBe(0);
    expect(live.last().events).toBeGreaterThan(0);
    expect(live.last().droppedEvents).toBe(0);
    await live.stop();
  });

  it('a full event queue drops events and counts them; the end summary says so', async () => {
    const [src, dst] = await Promise.all([servers.start('ov-source', ['notify-keyspace-events KA']), servers.start('ov-target')]);
    const live = await startLive(src.server.address, dst.server.address, { liveSource: 'notifications', mode: 'liveonly', eventQueue: 5, flushIntervalMs: 2000, readBatch: 10_000 });
    await until('streaming', () => live.last().phase === 'streaming', 15_000);
    const p = src.redis.pipeline();
    for (let i = 0; i < 200; i++) p.set(`burst:${i}`, String(i));
    await p.exec();
    await until('overflow counted', () => live.last().droppedEvents > 0, 5000);
    const summary = await live.stop();
    expect(summary.stats.overflows).toBeGreaterThanOrEqual(1);
    expect(summary.stats.droppedEvents).toBeGreaterThanOrEqual(190);
    expect(live.logs.join('\n')).toMatch(/event queue full \(5 keys\): events are being dropped/);
  });

  it('headless --idle-timeout: verifies, prints the summary and exits 0 when identical', async () => {
    const [src, dst] = await Promise.all([servers.start('idle-source', ['notify-keyspace-events KEA']), servers.start('idle-target')]);
    await src.redis.mset('a', '1', 'b', '2');
    const r = await runCli(['replicate', '--mode', 'live', '--live-source', 'notifications', '--source', src.server.address, '--target', dst.server.address, '--idle-timeout', '1s', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const end = lines.at(-1);
    expect(end).toMatchObject({ event: 'summary', phase: 'live', reason: 'idle', verify: { counts: { missing: 0, value: 0 } } });
    expect(lines.some((l) => l.event === 'summary' && l.phase === 'snapshot')).toBe(true);
    expect(await dst.redis.mget('a', 'b')).toEqual(['1', '2']);
  });
});
