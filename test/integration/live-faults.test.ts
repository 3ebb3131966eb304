// Live replication when things break: the link cut (partial resync), the source killed and restarted (full
// resync), the target restarted, cutover itself restarted with --checkpoint, PSYNC refused. No loss, every time.
import { readFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CompareJob, differences } from '../../src/engine/replicate/compare.js';
import { freePort } from '../../src/lab/ports.js';
import { runCli, until } from './helpers.js';
import { Servers, startLive, Writer, type RunningLive } from './live-helpers.js';

const servers = new Servers();
const proxies: Server[] = [];
afterAll(async () => {
  for (const p of proxies) p.close();
  await servers.stop();
});

/** A TCP proxy in front of a server whose connections can be cut all at once. */
async function proxy(to: number): Promise<{ address: string; cut(): void }> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: to });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  proxies.push(server);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { address: `127.0.0.1:${port}`, cut: () => sockets.forEach((s) => s.destroy()) };
}

async function clean(live: RunningLive): Promise<void> {
  const job = new CompareJob(live.source, live.target, { scan: { count: 1000, include: [], exclude: [] }, readBatch: 500, readThreads: 2, ttlToleranceMs: 2000, checkExtra: true, maxDiffs: 10 });
  const c = await job.run();
  expect(c.diffs).toEqual([]);
  expect(differences(c.counts)).toBe(0);
}

/** Writes in the background until stopped. */
function keepWriting(w: Writer): { stop(): Promise<void> } {
  let going = true;
  const loop = (async () => {
    while (going) {
      await w.round(20).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    stop: async () => {
      going = false;
      await loop;
    },
  };
}

describe('live replication under faults', () => {
  it('a cut link resumes by partial resync: nothing lost', async () => {
    const [src, dst] = await Promise.all([servers.start('cut-source'), servers.start('cut-target')]);
    const p = await proxy(src.server.port);
    const live = await startLive(p.address, dst.server.address);
    const w = new Writer(src.redis);
    const load = keepWriting(w);
    await until('streaming', () => live.last().phase === 'streaming' && live.last().applied > 100, 15_000);
    p.cut();
    await until('a partial resync', () => live.last().partialResyncs >= 1, 15_000);
    await new Promise((r) => setTimeout(r, 300));
    await load.stop();
    await live.caughtUp();
    expect(live.last().fullResyncs).toBe(0);
    expect(await w.check(dst.redis)).toEqual({ lost: 0, extra: 0 });
    await clean(live);
    expect(live.logs.join('\n')).toMatch(/partial resync from offset \d+ \(nothing lost\)/);
    await live.stop();
  });

  it('a source killed with -9 and restarted: a full resync, then identical', async () => {
    const [src, dst] = await Promise.all([servers.start('kill-source', ['appendonly yes', 'appendfsync always']), servers.start('kill-target')]);
    const live = await startLive(src.server.address, dst.server.address);
    const w = new Writer(src.redis);
    const load = keepWriting(w);
    await until('streaming', () => live.last().phase === 'streaming' && live.last().applied > 100, 15_000);
    await src.server.kill();
    await load.stop();
    await src.server.start();
    await until('a full resync', () => live.last().fullResyncs >= 1, 20_000);
    for (let i = 0; i < 10; i++) await w.round(20);
    await live.caughtUp();
    expect(live.logs.join('\n')).toMatch(/FULL resync/);
    // counters: what the source kept (its AOF) is what the target has
    expect(await w.check(dst.redis)).toEqual(await w.check(src.redis));
    await clean(live);
    await live.stop();
  });

  it('a target restarted mid-stream: the streams resync in full, nothing lost', async () => {
    const [src, dst] = await Promise.all([servers.start('tr-source'), servers.start('tr-target')]);
    const live = await startLive(src.server.address, dst.server.address);
    const w = new Writer(src.redis);
    const load = keepWriting(w);
    await until('streaming', () => live.last().phase === 'streaming' && live.last().applied > 100, 15_000);
    await dst.server.restart(); // no persistence: it comes back empty
    await new Promise((r) => setTimeout(r, 500));
    await load.stop();
    await until('the resync after the target restart', () => live.logs.some((l) => /target restarted/.test(l)) && live.last().fullResyncs >= 1, 20_000);
    await live.caughtUp();
    expect(await w.check(dst.redis)).toEqual({ lost: 0, extra: 0 });
    await clean(live);
    await live.stop();
  });

  it('cutover restarted with --checkpoint resumes by partial resync', async () => {
    const [src, dst] = await Promise.all([servers.start('cp-source'), servers.start('cp-target')]);
    const file = join(servers.dir, 'checkpoint.json');
    const w = new Writer(src.redis);
    const first = await startLive(src.server.address, dst.server.address, { checkpoint: file });
    for (let i = 0; i < 10; i++) await w.round(20);
    await first.caughtUp();
    await first.stop();
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.values(saved.streams)[0]).toMatchObject({ replId: expect.stringMatching(/^[0-9a-f]{40}$/), offset: expect.any(Number) });
    // written while cutover was away
    for (let i = 0; i < 10; i++) await w.round(20);
    const second = await startLive(src.server.address, dst.server.address, { checkpoint: file });
    await second.caughtUp();
    expect(second.last().partialResyncs).toBe(1);
    expect(second.last().fullResyncs).toBe(0);
    expect(second.last().rdbKeys).toBe(0);
    expect(await w.check(dst.redis)).toEqual({ lost: 0, extra: 0 });
    await clean(second);
    await second.stop();
  });

  it('a source that refuses PSYNC: one line offering notifications, exit 2, nothing written', async () => {
    const [src, dst] = await Promise.all([servers.start('rf-source', ['rename-command PSYNC ""', 'rename-command SYNC ""']), servers.start('rf-target')]);
    await src.redis.set('k', 'v');
    const r = await runCli(['replicate', '--mode', 'live', '--source', src.server.address, '--target', dst.server.address, '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/refused PSYNC .*use --live-source notifications/);
    expect(await dst.redis.dbsize()).toBe(0);
  });

  it('a wrong source password is said as such, in one line, never shown', async () => {
    const [src, dst] = await Promise.all([servers.start('pw-source', ['requirepass s3cret-pw']), servers.start('pw-target')]);
    const r = await runCli(['replicate', '--mode', 'live', '--source', `redis://:not-it-9@${src.server.address}`, '--target', dst.server.address]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/authentication failed at 127\.0\.0\.1:\d+: wrong user or password/);
    expect(r.stderr + r.stdout).not.toMatch(/not-it-9|s3cret-pw/);
  });
});
