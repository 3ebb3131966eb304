// --metrics: each mapper's engine events to registry text, read back; the option's address; the HTTP endpoint.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Registry } from 'prom-client';
import type { LiveStats } from '../../src/engine/live/types.js';
import type { DrillTick, UnavailabilityWindow } from '../../src/engine/drill/types.js';
import type { NodeState } from '../../src/engine/topology/types.js';
import type { CompareCounts } from '../../src/engine/replicate/compare.js';
import { liveMetrics } from '../../src/metrics/live.js';
import { liveJobMetrics } from '../../src/metrics/live-job.js';
import { snapshotMetrics } from '../../src/metrics/snapshot.js';
import { drillMetrics } from '../../src/metrics/drill.js';
import { topologyMetrics } from '../../src/metrics/topology.js';
import { consoleJobMetrics } from '../../src/metrics/console-jobs.js';
import { addressOfShown, streamLabel } from '../../src/metrics/labels.js';
import { startMetricsServer } from '../../src/metrics/server.js';
import { parseMetricsAddress } from '../../src/options/metrics-address.js';
import { InputError } from '../../src/options/endpoint.js';
import { parseCommand } from '../../src/options/args.js';
import { zeroCounts } from '../../src/engine/drill/types.js';
import { parseExposition } from './prometheus-text.js';

const STATS: LiveStats = {
  phase: 'streaming', source: 'psync', sourceOffset: 5000, receivedOffset: 4800, appliedOffset: 4000, lagBytes: 1000,
  ageP50Ms: 2, ageP99Ms: 40, queueDepth: 7, opsPerSec: 1200, applied: 900, rdbKeys: 100, rdbBigKeys: 0, filtered: 3,
  failed: 1, fullResyncs: 1, partialResyncs: 2, reconnects: 2, flushes: 0, splitTransactions: 0, events: 0,
  droppedEvents: 0, overflows: 0, idleMs: 1500, streams: 1,
};

const read = async (r: Registry) => parseExposition(await r.metrics());

describe('live metrics', () => {
  const stream = '127.0.0.1:6379→127.0.0.1:6380';

  it('a stats event: offsets and lag in bytes, event age p50/p99 in seconds, queue, ops/s, totals as counters', async () => {
    const r = new Registry();
    liveMetrics(r).update(stream, STATS);
    const m = await read(r);
    expect(m.value('cutover_live_source_offset_bytes', { stream })).toBe(5000);
    expect(m.value('cutover_live_received_offset_bytes', { stream })).toBe(4800);
    expect(m.value('cutover_live_applied_offset_bytes', { stream })).toBe(4000);
    expect(m.value('cutover_live_lag_bytes', { stream })).toBe(1000);
    expect(m.value('cutover_live_event_age_seconds', { stream, quantile: '0.5' })).toBe(0.002);
    expect(m.value('cutover_live_event_age_seconds', { stream, quantile: '0.99' })).toBe(0.04);
    expect(m.value('cutover_live_queue_depth', { stream })).toBe(7);
    expect(m.value('cutover_live_ops_per_second', { stream })).toBe(1200);
    expect(m.value('cutover_live_ops_total', { stream })).toBe(900);
    expect(m.value('cutover_live_failed_keys_total', { stream })).toBe(1);
    expect(m.value('cutover_live_rdb_keys', { stream })).toBe(100);
    expect(m.value('cutover_live_resyncs_total', { stream, kind: 'full' })).toBe(1);
    expect(m.value('cutover_live_resyncs_total', { stream, kind: 'partial' })).toBe(2);
    expect(m.value('cutover_live_phase', { stream, phase: 'streaming' })).toBe(1);
    expect(m.value('cutover_live_phase', { stream, phase: 'sync' })).toBe(0);
    expect(m.value('cutover_live_idle_seconds', { stream })).toBe(1.5);
    expect(m.types.cutover_live_ops_total).toBe('counter');
    expect(m.types.cutover_live_lag_bytes).toBe('gauge');
  });

  it('totals only go up: a second stats event adds the difference; a lower total (a new run) counts from it', async () => {
    const r = new Registry();
    const live = liveMetrics(r);
    live.update(stream, STATS);
    live.update(stream, { ...STATS, applied: 1500 });
    expect((await read(r)).value('cutover_live_ops_total', { stream })).toBe(1500);
    live.update(stream, { ...STATS, applied: 20 });
    expect((await read(r)).value('cutover_live_ops_total', { stream })).toBe(1520);
  });

  it('keyspace notifications have no offsets: events and dropped events instead', async () => {
    const r = new Registry();
    liveMetrics(r).update(stream, { ...STATS, source: 'notifications', events: 50, droppedEvents: 4 });
    const m = await read(r);
    expect(m.value('cutover_live_lag_bytes', { stream })).toBeUndefined();
    expect(m.value('cutover_live_events_total', { stream })).toBe(50);
    expect(m.value('cutover_live_dropped_events_total', { stream })).toBe(4);
  });

  it("a live job's snapshot and verification progress and its differences", async () => {
    const r = new Registry();
    const on = liveJobMetrics(r, stream, 0);
    on({ type: 'snapshot-progress', done: 40, total: 100, keysPerSec: 400 });
    on({ type: 'verify-progress', done: 10, total: 100, keysPerSec: 1000 });
    const counts: CompareCounts = { total: 100, compared: 98, ok: 95, missing: 2, type: 0, value: 1, ttl: 0, extra: 0, vanished: 2, skipped: 0, chunked: 0 } as CompareCounts;
    on({ type: 'verify-done', summary: { counts } as never, db: 0, targetDb: 0 });
    const m = await read(r);
    expect(m.value('cutover_snapshot_keys', { stream, db: '0' })).toBe(100);
    expect(m.value('cutover_snapshot_keys_done', { stream, db: '0' })).toBe(40);
    expect(m.value('cutover_verify_keys_done', { stream, db: '0' })).toBe(100);
    expect(m.value('cutover_verify_keys_per_second', { stream, db: '0' })).toBe(1000);
    expect(m.value('cutover_verify_differences', { stream, db: '0', kind: 'missing' })).toBe(2);
    expect(m.value('cutover_verify_differences', { stream, db: '0', kind: 'value' })).toBe(1);
    expect(m.value('cutover_verify_differences', { stream, db: '0', kind: 'extra' })).toBe(0);
  });
});

describe('snapshot metrics', () => {
  it('per stream and db: keys to copy, done, failed, keys a second', async () => {
    const r = new Registry();
    const s = snapshotMetrics(r);
    s.snapshot('a:1→b:2', 3, { done: 10, total: 20, keysPerSec: 5 }, 1);
    s.snapshot('a:1→b:2', 3, { done: 20, total: 20 }, 2);
    const m = await read(r);
    expect(m.value('cutover_snapshot_keys_done', { stream: 'a:1→b:2', db: '3' })).toBe(20);
    expect(m.value('cutover_snapshot_keys_per_second', { stream: 'a:1→b:2', db: '3' })).toBe(5);
    expect(m.value('cutover_snapshot_failed_keys', { stream: 'a:1→b:2', db: '3' })).toBe(2);
  });
});

describe('drill metrics', () => {
  const target = '127.0.0.1:7000';
  const tick = (over: Partial<DrillTick> = {}): DrillTick => ({
    target, at: 1000, elapsedMs: 1000, state: 'running', counts: { ...zeroCounts(), writes: 990, writeErrors: 10, reads: 1000, lost: 0 },
    perSecond: { reads: 1000, readErrors: 0, writes: 990, writeErrors: 10 }, slowestWriteMs: 250, windows: { count: 1, longestMs: 800, totalMs: 800, open: 0 }, ...over,
  });
  const window = (id: number, startedAt: number): UnavailabilityWindow => ({ id, group: 'master', startedAt, firstErrorAt: startedAt, firstError: 'x', failedWrites: 1, stalledWrites: 0 });

  afterEach(() => vi.useRealTimers());

  it('writes, errors, lost writes, windows and the slowest write from a tick', async () => {
    const r = new Registry();
    drillMetrics(r).on(target, { type: 'tick', tick: tick() });
    const m = await read(r);
    expect(m.value('cutover_drill_writes_total', { target })).toBe(990);
    expect(m.value('cutover_drill_errors_total', { target })).toBe(10);
    expect(m.value('cutover_drill_lost_writes', { target })).toBe(0);
    expect(m.value('cutover_drill_slowest_write_seconds', { target })).toBe(0.25);
    expect(m.value('cutover_drill_unavailability_windows_total', { target })).toBe(1);
    expect(m.value('cutover_drill_longest_unavailability_seconds', { target })).toBe(0.8);
    expect(m.value('cutover_drill_unavailable_seconds', { target })).toBe(0);
  });

  it('the current unavailability counts up at scrape time while a window is open, and is 0 once it closes', async () => {
    vi.useFakeTimers({ now: 10_000 });
    const r = new Registry();
    const d = drillMetrics(r);
    d.on(target, { type: 'tick', tick: tick() });
    d.on(target, { type: 'window', phase: 'opened', window: window(2, 10_000) });
    vi.advanceTimersByTime(1500);
    expect((await read(r)).value('cutover_drill_unavailable_seconds', { target })).toBe(1.5);
    vi.advanceTimersByTime(500);
    expect((await read(r)).value('cutover_drill_unavailable_seconds', { target })).toBe(2);
    d.on(target, { type: 'window', phase: 'closed', window: { ...window(2, 10_000), endedAt: 12_100, durationMs: 2100 } });
    expect((await read(r)).value('cutover_drill_unavailable_seconds', { target })).toBe(0);
  });

  it("the summary's read-back sets the final lost writes", async () => {
    const r = new Registry();
    const d = drillMetrics(r);
    d.on(target, { type: 'tick', tick: tick() });
    const counts = { ...zeroCounts(), writes: 2000, lost: 3 };
    d.on(target, { type: 'done', summary: { counts, lost: 3, windows: { count: 1, longestMs: 800, totalMs: 800, open: 0 } } as never });
    const m = await read(r);
    expect(m.value('cutover_drill_lost_writes', { target })).toBe(3);
    expect(m.value('cutover_drill_writes_total', { target })).toBe(2000);
  });
});

describe('topology metrics', () => {
  const node = (over: Partial<NodeState>): NodeState => ({ id: '127.0.0.1:7001', host: '127.0.0.1', port: 7001, role: 'replica', status: 'up', ...over });

  it('per node: up, the role as a 1 among 0s, link up, lag bytes and seconds', async () => {
    const r = new Registry();
    const t = topologyMetrics(r);
    t.on({ type: 'node', node: node({ id: '127.0.0.1:7000', port: 7000, role: 'master', offset: 900, connectedClients: 4, keys: 10 }) });
    t.on({ type: 'node', node: node({ linkStatus: 'up', lagBytes: 120, lagSeconds: 0.5, offset: 780 }) });
    const m = await read(r);
    expect(m.value('cutover_node_up', { node: '127.0.0.1:7000' })).toBe(1);
    expect(m.value('cutover_node_role', { node: '127.0.0.1:7000', role: 'master' })).toBe(1);
    expect(m.value('cutover_node_role', { node: '127.0.0.1:7000', role: 'replica' })).toBe(0);
    expect(m.value('cutover_node_link_up', { node: '127.0.0.1:7000' })).toBeUndefined();
    expect(m.value('cutover_node_link_up', { node: '127.0.0.1:7001' })).toBe(1);
    expect(m.value('cutover_node_lag_bytes', { node: '127.0.0.1:7001' })).toBe(120);
    expect(m.value('cutover_node_lag_seconds', { node: '127.0.0.1:7001' })).toBe(0.5);
    expect(m.value('cutover_node_keys', { node: '127.0.0.1:7000' })).toBe(10);
  });

  it('a node going down, a replica promoted, a node merged away', async () => {
    const r = new Registry();
    const t = topologyMetrics(r);
    t.on({ type: 'node', node: node({ linkStatus: 'up', lagBytes: 0 }) });
    t.on({ type: 'node', node: node({ linkStatus: 'down', status: 'down' }) });
    let m = await read(r);
    expect(m.value('cutover_node_up', { node: '127.0.0.1:7001' })).toBe(0);
    expect(m.value('cutover_node_link_up', { node: '127.0.0.1:7001' })).toBe(0);
    expect(m.value('cutover_node_lag_bytes', { node: '127.0.0.1:7001' })).toBeUndefined();
    t.on({ type: 'node', node: node({ role: 'master' }) });
    m = await read(r);
    expect(m.value('cutover_node_role', { node: '127.0.0.1:7001', role: 'master' })).toBe(1);
    expect(m.value('cutover_node_role', { node: '127.0.0.1:7001', role: 'replica' })).toBe(0);
    expect(m.value('cutover_node_link_up', { node: '127.0.0.1:7001' })).toBeUndefined();
    t.on({ type: 'node-removed', id: '127.0.0.1:7001' });
    m = await read(r);
    expect(m.samples.filter((s) => s.labels.node === '127.0.0.1:7001')).toEqual([]);
  });
});

describe("the console's jobs", () => {
  it('labels a job by addresses only, whatever the shown endpoints hold', async () => {
    const r = new Registry();
    const c = consoleJobMetrics(r);
    c.job({ type: 'job-started', kind: 'live', source: 'redis://alice:***@10.0.0.1:6379', target: 'rediss://:***@10.0.0.2:6380/2', at: 0 });
    c.job({ type: 'job-live', stats: STATS });
    c.drill({ type: 'drill-started', target: '10.0.0.1:6379', at: 0 });
    c.drill({ type: 'drill', event: { type: 'tick', tick: { target: 'x', at: 0, elapsedMs: 0, state: 'running', counts: zeroCounts(), perSecond: { reads: 0, readErrors: 0, writes: 0, writeErrors: 0 }, slowestWriteMs: 0, windows: { count: 0, longestMs: 0, totalMs: 0, open: 0 } } } });
    const text = await r.metrics();
    expect(parseExposition(text).value('cutover_live_lag_bytes', { stream: '10.0.0.1:6379→10.0.0.2:6380' })).toBe(1000);
    expect(parseExposition(text).value('cutover_drill_writes_total', { target: '10.0.0.1:6379' })).toBe(0);
    expect(text).not.toMatch(/alice|\*\*\*|redis:\/\//);
  });

  it('label helpers', () => {
    expect(streamLabel({ host: '127.0.0.1', port: 1 }, { host: '::1', port: 2 })).toBe('127.0.0.1:1→[::1]:2');
    expect(addressOfShown('redis://u:***@h:1/3')).toBe('h:1');
    expect(addressOfShown('h:1')).toBe('h:1');
  });
});

describe('--metrics HOST:PORT', () => {
  it('reads host:port, [v6]:port and :port (every interface)', () => {
    expect(parseMetricsAddress('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseMetricsAddress('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(parseMetricsAddress(':9464')).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(parseMetricsAddress('localhost:9464')).toEqual({ host: 'localhost', port: 9464 });
  });

  it.each(['9464', 'nope', '127.0.0.1:', '127.0.0.1:0', '127.0.0.1:70000', 'http://127.0.0.1:9464', '127.0.0.1:94x'])("refuses '%s' in one line", (text) => {
    expect(() => parseMetricsAddress(text)).toThrow(InputError);
    expect(() => parseMetricsAddress(text)).toThrow(/^--metrics '.*'.*HOST:PORT, like 127\.0\.0\.1:9464[^\n]*$/);
  });

  it('is taken by replicate, compare, drill, console, lab and cluster reshard/rebalance; refused by topology', () => {
    expect(parseCommand(['lab', '--metrics', '127.0.0.1:9464'])).toMatchObject({ kind: 'lab', metrics: { port: 9464 } });
    expect(parseCommand(['cluster', 'reshard', '--uri', 'a:1', '--from', 'all', '--to', 'x', '--slots', '1', '--metrics', ':9464'])).toMatchObject({ metrics: { host: '0.0.0.0', port: 9464 } });
    expect(parseCommand(['cluster', 'rebalance', '--uri', 'a:1', '--metrics', '127.0.0.1:9464'])).toMatchObject({ metrics: { port: 9464 } });
    expect(() => parseCommand(['lab', '--metrics', 'nope'])).toThrow(/^--metrics 'nope' is not an address to listen on/);
    expect(parseCommand(['replicate', '--source', 'a:1', '--target', 'b:2', '--metrics', '127.0.0.1:9464'])).toMatchObject({ metrics: { host: '127.0.0.1', port: 9464 } });
    expect(parseCommand(['compare', '--source', 'a:1', '--target', 'b:2', '--metrics', ':9'])).toMatchObject({ metrics: { host: '0.0.0.0', port: 9 } });
    expect(parseCommand(['drill', '--uri', 'a:1', '--metrics', '127.0.0.1:9464'])).toMatchObject({ metrics: { port: 9464 } });
    expect(parseCommand(['console', 'a:1', '--metrics', '127.0.0.1:9464'])).toMatchObject({ metrics: { port: 9464 } });
    expect(parseCommand(['replicate', '--source', 'a:1', '--target', 'b:2'])).not.toHaveProperty('metrics');
    expect(() => parseCommand(['topology', 'a:1', '--metrics', '127.0.0.1:9464'])).toThrow(/--metrics is for 'cutover console'/);
    expect(() => parseCommand(['drill', '--uri', 'a:1', '--metrics'])).toThrow(/--metrics needs HOST:PORT/);
  });
});

describe('the metrics server', () => {
  it('serves GET /metrics with the registry content type, 404 elsewhere, and closes', async () => {
    const r = new Registry();
    liveMetrics(r).update('a:1→b:2', STATS);
    const server = await startMetricsServer(r, { host: '127.0.0.1', port: await freeLoopbackPort() });
    try {
      const res = await fetch(server.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(r.contentType);
      expect(parseExposition(await res.text()).value('cutover_live_lag_bytes', { stream: 'a:1→b:2' })).toBe(1000);
      expect((await fetch(server.url.replace('/metrics', '/'))).status).toBe(404);
    } finally {
      await server.close();
    }
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('a port in use is one line, bad input', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const err = await startMetricsServer(new Registry(), { host: '127.0.0.1', port }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toBe(`--metrics 127.0.0.1:${port}: the port is in use by another process; pick a free port`);
    } finally {
      busy.close();
    }
  });
});

async function freeLoopbackPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
