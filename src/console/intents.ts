// The console's intents wired to the engine's jobs: replication jobs between two marked nodes, a drill, the
// failover wizard (with a drill alongside when the operator asked for one).
import type { ConnectOptions } from '../engine/redis/connect.js';
import type { DrillRunner } from '../engine/drill/runner.js';
import type { FailoverWizard } from '../engine/failover/wizard.js';
import type { ReplicationRunner } from '../engine/replicate/runner.js';
import type { AppStore } from '../store/store.js';
import type { ConsoleIntents } from '../ui/context.js';
import { drillConnectionFor, endpointOf, failoverRequestFor, type Reach } from './deployment.js';

/** A drill alongside a failover writes at least this long before the switch, and this long after it before its verdict. */
export const DRILL_AROUND_FAILOVER_MS = 1000;

export interface ConsoleJobs {
  runner: ReplicationRunner;
  drills: DrillRunner;
  wizard: FailoverWizard;
}

/** `journalPath`: where a failover's journal goes (default: ./cutover-failover-<time>.jsonl, as for the command). */
export function consoleIntents(store: AppStore, jobs: ConsoleJobs, reach: Reach, conn: ConnectOptions, o: { journalPath?: string } = {}): ConsoleIntents {
  const { runner, drills, wizard } = jobs;
  const nodes = () => store.getState().nodes;
  /** Starts a drill on a node's deployment; false when there is none to start there. */
  const startDrill = (id: string): boolean => {
    const c = drillConnectionFor(nodes(), id, reach, conn);
    if (c) drills.start(c, c.label);
    return !!c;
  };
  return {
    startJob: (kind, sourceId, targetId) => {
      const [source, target] = [nodes()[sourceId], nodes()[targetId]];
      if (source && target) runner.start(kind, endpointOf(source, reach), endpointOf(target, reach), { type: 'dump', overwrite: true });
    },
    stopJob: () => runner.stop(),
    startDrill: (id) => void startDrill(id),
    stopDrill: () => drills.stop(),
    startFailover: (id) => {
      const req = failoverRequestFor(nodes(), id, reach, conn);
      if (!req) return;
      let drilled = false;
      wizard.start(req, id, {
        journalPath: o.journalPath,
        // a drill alongside (Tab before confirming): started once confirmed, writing for a second before the first step
        before: async () => {
          if (!store.getState().wizard?.drill || !startDrill(id)) return;
          drilled = true;
          await drills.writesFor(DRILL_AROUND_FAILOVER_MS);
        },
        // a second of writes after it, then the drill's verdict: the window and the lost writes
        after: () => {
          if (drilled) void drills.writesFor(DRILL_AROUND_FAILOVER_MS).then(() => drills.stop());
        },
      });
    },
    answerFailover: (typed) => wizard.answer(typed),
    cancelFailover: () => wizard.cancel(),
  };
}
