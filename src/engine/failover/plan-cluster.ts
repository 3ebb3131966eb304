// Redis Cluster: the switch is the replica's own CLUSTER FAILOVER. Planned, the default mode: the master
// pauses its clients until the replica has caught up (loss-free). Unplanned, FORCE (no word from the
// dead master; a majority of masters votes) or TAKEOVER (no vote at all, when most masters are gone).
// The cluster repoints the shard's other replicas and demotes the old master itself when it comes back.
import type { LiveFacts } from './discover.js';
import type { FoDeployment } from './model.js';
import { clientsStep, fenceStep, killClientsSteps, missedWritesStep, nodeReports, okReply, verifyStep, type FailoverPlanOptions } from './plan-common.js';
import { recordOffsetsStep } from './plan-replication.js';
import type { Preflight } from './preflight.js';
import type { Plan, Step } from './types.js';
import { waitClusterAgrees, waitClusterSwitched, waitFollows } from './waits.js';
import { wayBack } from './wayback.js';

/** FORCE needs a majority of the masters that serve slots to vote; without one, only TAKEOVER works. */
export function unplannedMode(d: FoDeployment): 'FORCE' | 'TAKEOVER' {
  const masters = d.nodes.filter((n) => n.role === 'master' && (n.cluster?.slots.length ?? 0) > 0);
  const failing = d.master && !masters.includes(d.master) ? [d.master] : [];
  const all = [...masters, ...failing];
  const up = all.filter((n) => n.up && n.cluster?.failing !== 'fail').length;
  return up * 2 > all.length ? 'FORCE' : 'TAKEOVER';
}

export function clusterPlan(d: FoDeployment, pf: Preflight, f: LiveFacts, o: FailoverPlanOptions): Plan {
  const { master: m, candidate: c } = pf;
  const others = pf.others.filter((r) => r.up);
  const shard = [m, c, ...pf.others];
  const steps: Step[] = [];
  const mode = o.unplanned ? unplannedMode(d) : undefined;
  if (o.unplanned) steps.push(recordOffsetsStep([c, ...others]));
  const voters = d.nodes.filter((n) => n !== m && n.up && n.role === 'master' && (n.cluster?.slots.length ?? 0) > 0).map((n) => n.id);
  steps.push(waitClusterAgrees(m.id, c.id, voters, !o.unplanned, o.unplanned ? 3000 : 10_000));
  steps.push({
    kind: 'command',
    id: 'cluster-failover',
    node: c.id,
    argv: mode ? ['CLUSTER', 'FAILOVER', mode] : ['CLUSTER', 'FAILOVER'],
    why: mode === 'TAKEOVER'
      ? 'most masters are unreachable: the replica takes the shard over without a vote'
      : mode === 'FORCE'
        ? 'the master is unreachable: the replica takes over once a majority of masters agree'
        : "a manual failover: the master pauses its clients until the replica has every write, then the replica takes over",
    changesRole: true,
    check: okReply,
    marksSent: o.unplanned ? [] : ['writes-stopped'],
    ...(o.unplanned ? { acceptErrors: { pattern: /to a replica/i, meaning: 'it is a master already: the cluster failed over by itself' } } : {}),
  });
  steps.push(waitClusterSwitched(c.id, m.id, !o.unplanned, Math.max(o.timeoutMs, 12_000), o.unplanned ? undefined : ['CLUSTER', 'FAILOVER'], voters));
  for (const r of others) steps.push(waitFollows(r.id, c.id, o.followTimeoutMs, 'the cluster moves the shard\'s other replicas to the new master'));
  if (!o.unplanned) {
    steps.push(clientsStep(m));
    if (o.killClients) steps.push(...killClientsSteps(m));
  } else {
    steps.push(fenceStep(m, c, o.fenceWaitMs, 'cluster'));
    steps.push(missedWritesStep(m, c, undefined));
  }
  steps.push(verifyStep(shard, c, m, o.followTimeoutMs));

  const nodes = nodeReports({ ...d, nodes: shard, sentinels: [] }, f.offsets);
  const slots = m.cluster?.slots.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
  return {
    procedure: 'failover',
    title: `${o.unplanned ? 'unplanned' : 'planned'} failover · cluster shard ${slots || '?'} · ${m.id} → ${c.id}`,
    mode: o.unplanned ? `unplanned: CLUSTER FAILOVER ${mode}` : 'planned: CLUSTER FAILOVER (manual failover, loss-free)',
    nodes,
    checks: pf.checks,
    notes: pf.notes,
    steps,
    confirmWord: c.id,
    estimate: o.unplanned
      ? `writes to the shard are accepted again once ${c.id} has won the election and claimed the slots: usually under a second`
      : `writes to the shard pause from CLUSTER FAILOVER until ${c.id} has caught up and taken over: usually well under a second; the master gives up after 5 s and nothing has changed`,
    wayBack: (now, ctx) => wayBack({ kind: 'cluster', original: nodes, now, paused: ctx.paused, oldMaster: m.id, candidate: c.id }),
    measures: o.unplanned
      ? [{ label: 'confirmation → new master takes writes', from: 'confirmed', to: 'writes-back' }]
      : [{ label: 'write pause (CLUSTER FAILOVER → new master owns the slots)', from: 'writes-stopped', to: 'writes-back' }],
  };
}
