// The console's jobs to metrics: the replication job the operator starts (snapshot, compare or live, between the
// marked source and target) and the drill. Labels are addresses only, read back from the jobs' shown endpoints.
import type { Registry } from 'prom-client';
import type { DrillRunnerEvent } from '../engine/drill/runner.js';
import type { JobEvent } from '../engine/replicate/runner.js';
import { drillMetrics } from './drill.js';
import { addressOfShown } from './labels.js';
import { liveMetrics } from './live.js';
import { snapshotMetrics } from './snapshot.js';

export function consoleJobMetrics(registry: Registry): { job(e: JobEvent): void; drill(e: DrillRunnerEvent): void } {
  const live = liveMetrics(registry);
  const progress = snapshotMetrics(registry);
  const drills = drillMetrics(registry);
  let stream = '';
  let db = 0;
  let drillTarget = '';
  return {
    job(e) {
      if (e.type === 'job-started') {
        stream = `${addressOfShown(e.source)}→${addressOfShown(e.target)}`;
        db = Number(/\/(\d+)$/.exec(e.source)?.[1] ?? 0);
      } else if (e.type === 'job-live') live.update(stream, e.stats);
      else if (e.type === 'job-progress' && e.progress.phase === 'snapshot') progress.snapshot(stream, db, e.progress);
      else if (e.type === 'job-progress') progress.verify(stream, db, e.progress);
    },
    drill(e) {
      if (e.type === 'drill-started') drillTarget = addressOfShown(e.target);
      else drills.on(drillTarget, e.event);
    },
  };
}
