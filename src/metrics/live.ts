// Live replication's meters (the `stats` event, once a second) as Prometheus metrics, labelled by stream
// (`source→target` addresses). The psync stream has offsets; keyspace notifications have events instead.
import type { Registry } from 'prom-client';
import type { LiveStats } from '../engine/live/types.js';
import { gauge, seconds, TotalCounter } from './registry.js';

type S = 'stream';
const STREAM = ['stream'] as const;
const PHASES: readonly LiveStats['phase'][] = ['snapshot', 'sync', 'streaming', 'verifying', 'stopping'];

export interface LiveMetrics {
  /** one `stats` event's figures for the stream */
  update(stream: string, s: LiveStats): void;
}

export function liveMetrics(registry: Registry): LiveMetrics {
  const g = <L extends string>(name: string, help: string, labels: readonly L[] = STREAM as unknown as readonly L[]) => gauge(registry, name, help, labels);
  const c = (name: string, help: string) => new TotalCounter<S>(registry, name, help, STREAM);
  const phase = g<'stream' | 'phase'>('cutover_live_phase', 'the stream phase now: 1 for the current one (snapshot, sync, streaming, verifying, stopping)', ['stream', 'phase']);
  const sourceOffset = g('cutover_live_source_offset_bytes', "psync: the source's master_repl_offset (summed over a cluster's masters)");
  const receivedOffset = g('cutover_live_received_offset_bytes', 'psync: replication offset received by cutover');
  const appliedOffset = g('cutover_live_applied_offset_bytes', 'psync: offset of the last command the target acknowledged');
  const lag = g('cutover_live_lag_bytes', 'psync: source offset minus applied offset');
  const age = g<'stream' | 'quantile'>('cutover_live_event_age_seconds', 'age of a change when the target acknowledged it, over the last 10 s (quantile 0.5 and 0.99)', ['stream', 'quantile']);
  const queue = g('cutover_live_queue_depth', 'commands (psync) or keys (notifications) waiting to be written');
  const opsPerSec = g('cutover_live_ops_per_second', 'changes applied in the last second');
  const idle = g('cutover_live_idle_seconds', 'seconds since the last change was applied');
  const applied = c('cutover_live_ops_total', 'changes applied to the target');
  const rdbKeys = g('cutover_live_rdb_keys', "keys applied from the source's last RDB (the first sync, or the last full resync)");
  const failed = c('cutover_live_failed_keys_total', 'changes the target refused (failed keys)');
  const filtered = c('cutover_live_filtered_total', 'changes left out by the key filters');
  const resyncs = new TotalCounter<'stream' | 'kind'>(registry, 'cutover_live_resyncs_total', 'resynchronisations after the first sync, by kind (full: a new RDB; partial: PSYNC continued where it stopped)', ['stream', 'kind']);
  const reconnects = c('cutover_live_reconnects_total', 'reconnections of the stream to the source');
  const flushes = c('cutover_live_flushes_total', 'FLUSHALL/FLUSHDB seen on the source');
  const events = c('cutover_live_events_total', 'notifications: keyspace events received');
  const dropped = c('cutover_live_dropped_events_total', 'notifications: keyspace events dropped (queue full)');
  return {
    update(stream, s) {
      const l = { stream };
      for (const p of PHASES) phase.set({ stream, phase: p }, p === s.phase ? 1 : 0);
      if (s.source === 'psync') {
        sourceOffset.set(l, s.sourceOffset);
        receivedOffset.set(l, s.receivedOffset);
        appliedOffset.set(l, s.appliedOffset);
        lag.set(l, s.lagBytes);
      } else {
        events.set(l, s.events);
        dropped.set(l, s.droppedEvents);
      }
      if (s.ageP50Ms !== undefined) age.set({ stream, quantile: '0.5' }, seconds(s.ageP50Ms));
      if (s.ageP99Ms !== undefined) age.set({ stream, quantile: '0.99' }, seconds(s.ageP99Ms));
      queue.set(l, s.queueDepth);
      opsPerSec.set(l, s.opsPerSec);
      idle.set(l, seconds(s.idleMs));
      applied.set(l, s.applied);
      rdbKeys.set(l, s.rdbKeys);
      failed.set(l, s.failed);
      filtered.set(l, s.filtered);
      resyncs.set({ stream, kind: 'full' }, s.fullResyncs);
      resyncs.set({ stream, kind: 'partial' }, s.partialResyncs);
      reconnects.set(l, s.reconnects);
      flushes.set(l, s.flushes);
    },
  };
}
