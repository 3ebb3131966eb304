// Opens the drill's target: a standalone master, a master found through Sentinel, or a Redis Cluster, as the entry
// point answers.
import { InputError, nodeId, type Endpoint } from '../../options/endpoint.js';
import { checkEndpoint } from '../redis/connect.js';
import { ClusterTarget } from './cluster.js';
import { SentinelTarget } from './sentinel.js';
import { StandaloneTarget } from './standalone.js';
import type { DrillTarget, TargetHooks, TargetSpec } from './target.js';

/** Opens the target the spec names, after checking the entry point answers (an Error or InputError otherwise). */
export async function openTarget(spec: TargetSpec, hooks: TargetHooks): Promise<DrillTarget> {
  if (spec.sentinels.length) {
    if (!spec.masterName) throw new InputError(`--sentinel needs --master-name NAME (the name the Sentinels monitor the master under)`);
    await anySentinel(spec.sentinels, spec);
    return SentinelTarget.open(spec, spec.sentinels, hooks);
  }
  const ep = spec.endpoint;
  if (!ep) throw new InputError(`no endpoint: give --uri redis://host:port, or --sentinel host:port --master-name NAME`);
  const { mode } = await checkEndpoint(ep, spec.conn, spec.masterName);
  if (mode === 'sentinel') {
    if (!spec.masterName) throw new InputError(`${nodeId(ep.host, ep.port)} is a Sentinel: add --master-name NAME (SENTINEL MASTERS lists the names it monitors)`);
    return SentinelTarget.open(spec, [ep], hooks);
  }
  if (spec.masterName) throw new InputError(`--master-name goes with a Sentinel, and ${nodeId(ep.host, ep.port)} is not one: drop --master-name, or give a Sentinel's address`);
  if (mode === 'cluster') {
    if (ep.db) throw new InputError(`${nodeId(ep.host, ep.port)} is a cluster node: a cluster has only database 0, drop the URI's /${ep.db}`);
    return ClusterTarget.open(ep, spec, hooks);
  }
  return StandaloneTarget.open(ep, spec, hooks);
}

/** At least one Sentinel must answer and know the master; the first wrong one (not a Sentinel, no such master) is bad input. */
async function anySentinel(sentinels: Endpoint[], spec: TargetSpec): Promise<void> {
  const results = await Promise.allSettled(sentinels.map((s) => checkEndpoint(s, spec.conn, spec.masterName, true)));
  const bad = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && r.reason instanceof InputError);
  if (bad) throw bad.reason;
  if (results.every((r) => r.status === 'rejected')) throw (results[0] as PromiseRejectedResult).reason;
}
