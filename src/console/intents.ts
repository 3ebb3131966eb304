// The console's intents wired to the engine's jobs: replication jobs between two marked nodes, a drill, the
// failover wizard (with a drill alongside when the operator asked for one).
import type { ConnectOptions } from '../engine/redis/connect.js';
import type { DrillRunner } from '../engine/drill/runner.js';
import type { ClusterOps } from '../engine/cluster/cluster-ops.js';
import type { FailoverWizard } from '../engine/failover/wizard.js';
import type { ReplicationRunner } from '../engine/replicate/runner.js';
import type { AppStore } from '../store/store.js';
import type { ConsoleIntents } from '../ui/context.js';
import type { NodeState } from '../engine/topology/types.js';
import { drillConnectionFor, endpointOf, failoverRequestFor, type Nodes, type Reach } from './deployment.js';

/**
 * The node a cluster operation is read through: the one named (by address or cluster node id) when it is an up
 * cluster master, otherwise any up cluster master.
 */
export function clusterEntryOf(nodes: Nodes, idOrClusterId: string): NodeState | undefined {
  const masters = Object.values(nodes).filter((n) => n.status === 'up' && n.role === 'master' && n.cluster?.self);
  return masters.find((n) => n.id === idOrClusterId || n.cluster?.self?.id === idOrClusterId) ?? masters[0];
}

/** A drill alongside a failover writes at least this long before the switch, and this long after it before its verdict. */
export const DRILL_AROUND_FAILOVER_MS = 1000;

export interface ConsoleJobs {
  runner: ReplicationRunner;
  drills: DrillRunner;
  wizard: FailoverWizard;
  /** the cluster check and the reshard and rebalance wizards (a console on a cluster) */
  cluster?: ClusterOps;
}

/**
 * `journalPath`: where a failover's journal goes (default: ./cutover-failover-<time>.jsonl, as for the command);
 * `reshardJournalPath`: a reshard's or a rebalance's (default ./cutover-reshard-<time>.jsonl, ./cutover-rebalance-<time>.jsonl).
 */
export function consoleIntents(store: AppStore, jobs: ConsoleJobs, reach: Reach, conn: ConnectOptions, o: { journalPath?: string; reshardJournalPath?: string } = {}): ConsoleIntents {
  const { runner, drills, wizard, cluster } = jobs;
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
    checkCluster: (id) => {
      const node = clusterEntryOf(nodes(), id);
      if (node && cluster) cluster.check(endpointOf(node, reach));
    },
    planReshard: (ask) => {
      // a reshard is read through its target; a rebalance through the selected master (redis-cli's first node), or any
      const node = clusterEntryOf(nodes(), ask.kind === 'reshard' ? ask.to : (store.getState().ui.selected ?? ''));
      if (node && cluster) cluster.plan(endpointOf(node, reach), ask);
    },
    answerReshard: (typed) => {
      if (!cluster) return;
      const view = store.getState().cluster;
      // a drill alongside (Tab before confirming) writes through the target master's cluster for a second first (a
      // rebalance's: the first master to receive)
      const to = view?.kind === 'rebalance' ? view.rebalance?.preview.pairs[0]?.to : view?.preview?.to.id;
      const target = to ? clusterEntryOf(nodes(), to) : undefined;
      const drill = !!view?.drill && !!target;
      let drilled = false;
      cluster.answer(typed, {
        journalPath: o.reshardJournalPath,
        before: drill
          ? async () => {
              if (!startDrill(target!.id)) return;
              drilled = true;
              await drills.writesFor(DRILL_AROUND_FAILOVER_MS);
            }
          : undefined,
        after: () => {
          if (drilled) void drills.writesFor(DRILL_AROUND_FAILOVER_MS).then(() => drills.stop());
        },
      });
    },
    stopReshard: () => cluster?.stop(),
  };
}
