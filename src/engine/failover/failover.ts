// A failover, prepared: the deployment discovered, the facts read, the candidate chosen and checked, and
// the plan for its kind (plain replication, Sentinel, cluster) × (planned, unplanned) drawn up. Nothing is
// changed here; a Procedure runs the plan.
import { InputError, nodeId } from '../../options/endpoint.js';
import { discoverDeployment, readLiveFacts, registerNodes, type DeploymentTarget } from './discover.js';
import type { FoDeployment } from './model.js';
import { clusterPlan } from './plan-cluster.js';
import type { FailoverPlanOptions } from './plan-common.js';
import { replicationPlan } from './plan-replication.js';
import { sentinelPlan } from './plan-sentinel.js';
import type { NodePool } from './pool.js';
import { preflight } from './preflight.js';
import type { Plan } from './types.js';

export interface FailoverRequest extends DeploymentTarget, FailoverPlanOptions {
  maxLagBytes?: number;
}

export const FAILOVER_DEFAULTS = { timeoutMs: 5000, followTimeoutMs: 60_000, fenceWaitMs: 0, via: 'pause' as const };

export async function prepareFailover(req: FailoverRequest, pool: NodePool): Promise<{ plan: Plan; deployment: FoDeployment }> {
  const deployment = await discoverDeployment(req);
  if (req.via === 'failover' && deployment.kind !== 'replication') {
    const how = deployment.kind === 'cluster' ? 'in a cluster the switch is CLUSTER FAILOVER on the replica' : "with Sentinels the switch is theirs (CLIENT PAUSE, then SENTINEL FAILOVER)";
    throw new InputError(`--via failover is for plain replication: ${how}; leave out --via`);
  }
  registerNodes(pool, deployment, req);
  const facts = await readLiveFacts(pool, deployment, { masterName: deployment.masterName });
  const pf = preflight(deployment, facts, { unplanned: req.unplanned, to: req.to ? nodeId(req.to.host, req.to.port) : undefined, maxLagBytes: req.maxLagBytes });
  const build = deployment.kind === 'cluster' ? clusterPlan : deployment.kind === 'sentinel' ? sentinelPlan : replicationPlan;
  return { plan: build(deployment, pf, facts, req), deployment };
}
