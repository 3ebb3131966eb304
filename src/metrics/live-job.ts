// A live replication job's events (`cutover replicate --mode live|liveonly`) to the live and snapshot metrics of
// its stream: the meters a second, the snapshot's and the verification's progress, the verification's differences.
import type { Registry } from 'prom-client';
import type { LiveEvent } from '../engine/live/types.js';
import { liveMetrics } from './live.js';
import { snapshotDone, snapshotMetrics } from './snapshot.js';

export function liveJobMetrics(registry: Registry, stream: string, db: number): (e: LiveEvent) => void {
  const live = liveMetrics(registry);
  const progress = snapshotMetrics(registry);
  return (e) => {
    if (e.type === 'stats') live.update(stream, e.stats);
    else if (e.type === 'snapshot-progress') progress.snapshot(stream, db, e);
    else if (e.type === 'snapshot-done') {
      const c = e.summary.counts;
      progress.snapshot(stream, db, { done: snapshotDone(c), total: c.total }, c.failed);
    } else if (e.type === 'verify-progress') progress.verify(stream, db, e);
    else if (e.type === 'verify-done') {
      const c = e.summary.counts;
      progress.verify(stream, e.db, { done: c.compared + c.vanished, total: c.total });
      progress.differences(stream, e.db, c);
    }
  };
}
