// The consistency checker's figures (drill ticks, windows, summary) as Prometheus metrics, labelled by target
// (the address the drill was pointed at, or the Sentinel master name). The current unavailability is computed at
// scrape time from the windows still open, so it counts up between ticks.
import type { Registry } from 'prom-client';
import type { DrillCounts, DrillEvent, DrillTick, UnavailabilityWindow, WindowTotals } from '../engine/drill/types.js';
import { gauge, seconds, TotalCounter } from './registry.js';

export interface DrillMetrics {
  on(target: string, e: DrillEvent): void;
}

const T = ['target'] as const;

export function drillMetrics(registry: Registry, now: () => number = Date.now): DrillMetrics {
  const c = (name: string, help: string) => new TotalCounter<'target'>(registry, name, help, T);
  const writes = c('cutover_drill_writes_total', 'acknowledged writes (INCR)');
  const writeErrors = c('cutover_drill_errors_total', 'writes that failed: an error reply, no reply within the timeout, the connection lost');
  const reads = c('cutover_drill_reads_total', 'reads answered (GET)');
  const readErrors = c('cutover_drill_read_errors_total', 'reads that failed');
  const stalled = c('cutover_drill_stalled_writes_total', 'acknowledged writes slower than the stall limit');
  const windowsTotal = c('cutover_drill_unavailability_windows_total', 'windows of write unavailability, closed or open');
  const lost = gauge(registry, 'cutover_drill_lost_writes', 'acknowledged writes missing on read-back (should stay 0)', T);
  const unacked = gauge(registry, 'cutover_drill_unacked_writes', 'increments found on read-back that were never acknowledged', T);
  const slowest = gauge(registry, 'cutover_drill_slowest_write_seconds', 'the slowest acknowledged write of the last second', T);
  const longest = gauge(registry, 'cutover_drill_longest_unavailability_seconds', 'the longest window of write unavailability so far', T);
  const unavailableTotal = c('cutover_drill_unavailable_seconds_total', 'time writes were unavailable, summed over the windows');
  const open = new Map<string, Map<number, UnavailabilityWindow>>();
  const openOf = (target: string) => open.get(target) ?? open.set(target, new Map()).get(target)!;
  // at scrape time: the oldest window still open, counted up to now
  gauge(registry, 'cutover_drill_unavailable_seconds', 'the current window of write unavailability: seconds since the first failed or stalled write (0 when writes go through)', T, (g) => {
    for (const [target, windows] of open) {
      const start = Math.min(...[...windows.values()].map((w) => w.startedAt));
      g.set({ target }, windows.size ? Math.max(0, seconds(now() - start)) : 0);
    }
  });

  const totals = (target: string, c: DrillCounts, w: WindowTotals) => {
    const l = { target };
    writes.set(l, c.writes);
    writeErrors.set(l, c.writeErrors);
    reads.set(l, c.reads);
    readErrors.set(l, c.readErrors);
    stalled.set(l, c.stalled);
    lost.set(l, c.lost);
    unacked.set(l, c.unacked);
    windowsTotal.set(l, w.count);
    longest.set(l, seconds(w.longestMs));
    unavailableTotal.set(l, seconds(w.totalMs));
  };
  const tick = (target: string, t: DrillTick) => {
    totals(target, t.counts, t.windows);
    slowest.set({ target }, seconds(t.slowestWriteMs));
    // a tick with no window open closes whatever a lost event left open
    if (!t.open && t.windows.open === 0) openOf(target).clear();
  };
  return {
    on(target, e) {
      if (e.type === 'tick') tick(target, e.tick);
      else if (e.type === 'window' && e.phase === 'opened') openOf(target).set(e.window.id, e.window);
      else if (e.type === 'window') openOf(target).delete(e.window.id);
      else if (e.type === 'done') {
        // the end's read-back: the final lost and unacked figures
        totals(target, e.summary.counts, e.summary.windows);
        openOf(target).clear();
      }
      if (!open.has(target)) openOf(target);
    },
  };
}
