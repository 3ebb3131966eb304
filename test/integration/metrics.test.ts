// --metrics against real servers: /metrics scraped during a live replicate between two password-protected lab
// servers and parsed (offsets, lag, no password anywhere), the endpoint gone when the command ends; a port in use
// refused before anything is written; the drill's and the console's figures.
import { createServer, type Server } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/lab/ports.js';
import { parseExposition } from '../unit/prometheus-text.js';
import { runCli, startCli, until, type CliRun } from './helpers.js';
import { Servers } from './live-helpers.js';

const servers = new Servers();
const runs: CliRun[] = [];
const clients: Redis[] = [];
afterAll(async () => {
  for (const r of runs) if (r.code === undefined) r.child.kill('SIGKILL');
  for (const c of clients) c.disconnect();
  await servers.stop();
});

const SRC_PW = 'src-s3cret-pw';
const DST_PW = 'dst-s3cret-pw';
const FAST = ['repl-diskless-sync-delay 0'];

function client(port: number, password: string): Redis {
  const c = new Redis({ host: '127.0.0.1', port, password, maxRetriesPerRequest: 2 });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

async function scrape(url: string): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

/** Resolves once the run has exited. */
async function exited(run: CliRun, timeoutMs = 20_000): Promise<number | null> {
  await until('the command to exit', () => run.code !== undefined, timeoutMs);
  return run.code!;
}

describe('--metrics', () => {
  it('a live replicate: offsets, lag and event age scraped and parsed while it streams, no password in the body, the endpoint closed at the end', async () => {
    const [src, dst] = await Promise.all([servers.start('mx-source', [...FAST, `requirepass ${SRC_PW}`]), servers.start('mx-target', [`requirepass ${DST_PW}`])]);
    const s = client(src.server.port, SRC_PW);
    const t = client(dst.server.port, DST_PW);
    for (let i = 0; i < 200; i++) await s.set(`k${i}`, `v${i}`);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const stream = `127.0.0.1:${src.server.port}→127.0.0.1:${dst.server.port}`;
    const run = startCli(['replicate', '--source', `redis://:${SRC_PW}@127.0.0.1:${src.server.port}`, '--target', `redis://:${DST_PW}@127.0.0.1:${dst.server.port}`, '--mode', 'live', '--json', '--metrics', `127.0.0.1:${port}`]);
    runs.push(run);
    // streaming, then a change applied: the applied offset reaches the source's
    await until('the stream to stream', async () => parseExposition((await scrape(url)).body).value('cutover_live_phase', { stream, phase: 'streaming' }) === 1, 20_000);
    await s.set('after', 'x');
    const m = await until(
      'the change applied and the lag at 0',
      async () => {
        const r = await scrape(url);
        const e = parseExposition(r.body);
        const applied = e.value('cutover_live_applied_offset_bytes', { stream });
        const source = e.value('cutover_live_source_offset_bytes', { stream });
        return (await t.get('after')) === 'x' && applied && applied === source && e.value('cutover_live_lag_bytes', { stream }) === 0 ? { ...r, e } : undefined;
      },
      20_000,
    );
    expect(m.status).toBe(200);
    expect(m.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(m.e.value('cutover_live_ops_total', { stream })).toBeGreaterThanOrEqual(1);
    expect(m.e.value('cutover_live_rdb_keys', { stream })).toBe(200);
    expect(m.e.value('cutover_live_resyncs_total', { stream, kind: 'full' })).toBe(0);
    expect(m.e.value('cutover_live_queue_depth', { stream })).toBe(0);
    expect(m.e.types.cutover_live_event_age_seconds).toBe('gauge');
    expect(m.e.value('cutover_live_event_age_seconds', { stream, quantile: '0.99' })).toBeGreaterThanOrEqual(0);
    expect(m.e.value('cutover_live_failed_keys_total', { stream })).toBe(0);
    for (const secret of [SRC_PW, DST_PW, 'redis://', '***']) expect(m.body).not.toContain(secret);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    expect(run.stderr).toContain(`cutover: Prometheus metrics on ${url}`);
    run.child.kill('SIGINT');
    expect(await exited(run)).toBe(130);
    await expect(fetch(url)).rejects.toThrow();
    expect(run.stdout + run.stderr).not.toContain(SRC_PW);
  });

  it('a port in use: one line, exit 2, nothing written on the target', async () => {
    const [src, dst] = await Promise.all([servers.start('mx-busy-source'), servers.start('mx-busy-target')]);
    await src.redis.set('k', 'v');
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await runCli(['replicate', '--source', src.server.address, '--target', dst.server.address, '--metrics', `127.0.0.1:${port}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`cutover: --metrics 127.0.0.1:${port}: the port is in use by another process; pick a free port\n`);
      expect(r.stdout).toBe('');
      expect(await dst.redis.dbsize()).toBe(0);
      const bad = await runCli(['drill', '--uri', src.server.address, '--metrics', 'localhost']);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(await src.redis.exists('cutover:drill:0')).toBe(0);
    } finally {
      busy.close();
    }
  });

  it('a snapshot with its verification, and --all-dbs passes: served while they run, exit 0, the port free again', async () => {
    const [src, dst] = await Promise.all([servers.start('mx-snap-source'), servers.start('mx-snap-target')]);
    await src.redis.set('a', '1');
    await src.redis.select(2);
    await src.redis.set('b', '2');
    const port = await freePort();
    const r = await runCli(['replicate', '--source', src.server.address, '--target', dst.server.address, '--all-dbs', '--json', '--metrics', `127.0.0.1:${port}`]);
    expect(r.stderr).toBe(`cutover: Prometheus metrics on http://127.0.0.1:${port}/metrics\n`);
    expect(r.code).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it('a drill: writes, errors, lost writes and the current unavailability, the endpoint closed when it ends', async () => {
    const { server } = await servers.start('mx-drill');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const target = `127.0.0.1:${server.port}`;
    const run = startCli(['drill', '--uri', server.address, '--counters', '50', '--rate', '200', '--duration', '3s', '--json', '--metrics', `127.0.0.1:${port}`]);
    runs.push(run);
    const e = await until('drill writes counted', async () => {
      const m = parseExposition((await scrape(url)).body);
      return (m.value('cutover_drill_writes_total', { target }) ?? 0) > 0 ? m : undefined;
    });
    expect(e.value('cutover_drill_lost_writes', { target })).toBe(0);
    expect(e.value('cutover_drill_unavailable_seconds', { target })).toBe(0);
    expect(e.types.cutover_drill_errors_total).toBe('counter');
    expect(await exited(run)).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('the console (plain, not a terminal): every node up with its role, link and lag', async () => {
    const { server: master } = await servers.start('mx-master');
    const { server: replica } = await servers.start('mx-replica', [`replicaof 127.0.0.1 ${master.port}`]);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const run = startCli(['console', master.address, '--interval', '200ms', '--metrics', `127.0.0.1:${port}`]);
    runs.push(run);
    const r = replica.address.replace(/^redis:\/\//, '');
    const m = await until('both nodes with their roles and the link up', async () => {
      const e = parseExposition((await scrape(url)).body);
      return e.value('cutover_node_role', { node: `127.0.0.1:${master.port}`, role: 'master' }) === 1 && e.value('cutover_node_link_up', { node: r }) === 1 ? e : undefined;
    });
    expect(m.value('cutover_node_up', { node: r })).toBe(1);
    expect(m.value('cutover_node_role', { node: r, role: 'replica' })).toBe(1);
    expect(m.value('cutover_node_lag_bytes', { node: r })).toBeGreaterThanOrEqual(0);
    run.child.kill('SIGTERM');
    expect(await exited(run)).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });
});
