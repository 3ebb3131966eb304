// The console on a terminal, its composition root: the store, the engine's jobs publishing into it, the intents
// the screen sends back, and the Ink screen until the operator quits; every job stopped on the way out.
import type { ConnectOptions } from '../engine/redis/connect.js';
import { ClusterOps } from '../engine/cluster/cluster-ops.js';
import { DrillRunner } from '../engine/drill/runner.js';
import { FailoverWizard } from '../engine/failover/wizard.js';
import { ReplicationRunner } from '../engine/replicate/runner.js';
import type { TopologyMonitor } from '../engine/topology/monitor.js';
import { sendWarningsTo } from '../headless/warnings.js';
import { initialState } from '../store/state.js';
import { createAppStore, publish, type EventSource } from '../store/store.js';
import type { Reach } from './deployment.js';
import { consoleIntents } from './intents.js';
import type { Registry } from 'prom-client';
import { consoleJobMetrics } from '../metrics/console-jobs.js';

export interface ConsoleOptions {
  title?: string;
  /** replication source and target marked from the start (the migration lab's master and target) */
  pair?: { source?: string; target?: string };
  /** --read-only: no key changes anything on a server */
  readOnly?: boolean;
  /** --metrics: the console's replication job and drill served to Prometheus too (the topology is the caller's) */
  registry?: Registry;
  /** more event sources for the event log (the lab's endpoint says each repoint) */
  events?: EventSource[];
}

/** Runs the console on the monitor's deployment until the operator quits. */
export async function runConsoleSession(monitor: TopologyMonitor, reach: Reach, conn: ConnectOptions, o: ConsoleOptions): Promise<void> {
  const base = initialState();
  const store = createAppStore({ ...base, ui: { ...base.ui, pair: o.pair ?? {} } });
  const jobs = { runner: new ReplicationRunner(conn), drills: new DrillRunner(), wizard: new FailoverWizard(), cluster: new ClusterOps(conn) };
  const detach = publish([monitor.events, jobs.runner.events, jobs.drills.events, jobs.wizard.events, jobs.cluster.events, ...(o.events ?? [])], store);
  const intents = consoleIntents(store, jobs, reach, conn);
  const figures = o.registry ? consoleJobMetrics(o.registry) : undefined;
  const unwatch = figures ? [jobs.runner.events.on((e) => figures.job(e)), jobs.drills.events.on((e) => figures.drill(e))] : [];
  // a warning from a library would tear the drawing: it goes to the event log instead
  sendWarningsTo((message) => monitor.events.emit({ type: 'log', entry: { at: Date.now(), level: 'warn', kind: 'info', message } }));
  const { runConsole } = await import('../ui/run.js');
  const started = monitor.start();
  started.catch(() => undefined);
  try {
    await runConsole(store, { title: o.title, intents, readOnly: o.readOnly });
  } finally {
    jobs.runner.stop();
    jobs.wizard.cancel();
    // a reshard (or rebalance) under way finishes the slots in hand (none is left open) before the console lets go
    const moving = jobs.cluster.moving;
    if (moving) process.stderr.write(`cutover: stopping the ${moving} after the slots in hand…\n`);
    jobs.cluster.stop();
    await jobs.cluster.idle();
    jobs.drills.stop();
    monitor.stop();
    detach();
    for (const off of unwatch) off();
  }
}
