// A reshard's events as Prometheus metrics: slots done and planned, in flight, keys and bytes as counters, keys/s,
// failovers followed, slots left open; read back from the exposition text.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { slotMoveMetrics } from '../../src/metrics/slot-moves.js';
import type { MoveTotals } from '../../src/engine/cluster/move/types.js';
import { parseExposition } from './prometheus-text.js';

const totals = (t: Partial<MoveTotals>): MoveTotals => ({ slotsDone: 0, slotsTotal: 100, inFlight: [], keys: 0, bytes: 0, elapsedMs: 0, keysPerSec: 0, ...t });

describe('slotMoveMetrics', () => {
  it('progress, a failover and the summary', async () => {
    const r = new Registry();
    const m = slotMoveMetrics(r);
    m.on('rebalance', { type: 'progress', totals: totals({ slotsDone: 64, inFlight: [64, 65, 66], keys: 1000, bytes: 50_000, keysPerSec: 20_000 }) });
    m.on('rebalance', { type: 'failover', role: 'source', old: '127.0.0.1:7001', now: '127.0.0.1:7004', slots: [64], at: 0 });
    m.on('rebalance', { type: 'progress', totals: totals({ slotsDone: 100, keys: 1500, bytes: 75_000, keysPerSec: 21_000 }) });
    let e = parseExposition(await r.metrics());
    const l = { procedure: 'rebalance' };
    expect(e.value('cutover_cluster_move_slots_done', l)).toBe(100);
    expect(e.value('cutover_cluster_move_slots', l)).toBe(100);
    expect(e.value('cutover_cluster_move_slots_in_flight', l)).toBe(0);
    expect(e.value('cutover_cluster_move_keys_total', l)).toBe(1500);
    expect(e.value('cutover_cluster_move_bytes_total', l)).toBe(75_000);
    expect(e.value('cutover_cluster_move_keys_per_second', l)).toBe(21_000);
    expect(e.value('cutover_cluster_move_failovers_total', l)).toBe(1);
    expect(e.types.cutover_cluster_move_keys_total).toBe('counter');
    m.on('rebalance', { type: 'summary', summary: { status: 'failed', totals: totals({ slotsDone: 100, keys: 1500, bytes: 75_000 }), open: [{ slot: 7, from: 'a', to: 'b', stage: 'keys' }], notStarted: 0, duplicates: [] } });
    e = parseExposition(await r.metrics());
    expect(e.value('cutover_cluster_move_open_slots', l)).toBe(1);
  });
});
