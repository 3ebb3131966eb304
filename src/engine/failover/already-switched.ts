// Unplanned, yet the master answers: most often the Sentinels or the cluster failed over by themselves in
// the seconds before cutover looked (a hung master loses that race). Says so, with what they did, instead
// of a bare refusal. Pure.
import type { LiveFacts } from './discover.js';
import type { FoDeployment, FoNode } from './model.js';

function name(n: FoNode): string {
  return n.label ? `${n.label} ${n.id}` : n.id;
}

function slotsText(n: FoNode): string {
  return (n.cluster?.slots ?? []).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
}

/** Why --unplanned does not apply to a master that answers: one line, naming what already happened when it can tell. */
export function masterAnswersText(d: FoDeployment, f: Pick<LiveFacts, 'sentinelFailoverState'>): string {
  const m = d.master!;
  const plain = `the master ${name(m)} answers: --unplanned is for a master that is unreachable; leave it out for a planned, loss-free failover`;
  const silent = d.nodes.filter((n) => n !== m && !n.up);
  if (d.kind === 'sentinel') {
    const state = f.sentinelFailoverState;
    if (state && state !== 'none') return `the Sentinels are failing over ${d.masterName ?? 'the master'} right now (${state}): let them finish, then look again (cutover failover --dry-run); nothing was changed`;
    // the old master, down, now counted by the Sentinels as a replica of the one they promoted
    const old = silent.filter((n) => n.role === 'replica' && n.masterId === m.id);
    if (old.length) {
      return `the Sentinels already promoted ${name(m)}: they name it as ${d.masterName}'s master and it answers, while ${old.map(name).join(', ')} (which they now count as its replica) does not; nothing to fail over: when it comes back they make it a replica. Nothing was changed`;
    }
    return plain;
  }
  if (d.kind === 'cluster') {
    // a master the cluster marks failing and that holds no slots any more: its slots went to a replica
    const failed = silent.filter((n) => (n.cluster?.failing === 'fail' || !n.up) && n.role === 'master' && !(n.cluster?.slots.length ?? 0));
    if (failed.length && (m.cluster?.slots.length ?? 0) > 0) {
      return `the cluster already failed over: ${name(m)} answers and owns slots ${slotsText(m)}, while ${failed.map(name).join(', ')} is marked failing and holds no slots; nothing to fail over: when it comes back the cluster makes it a replica. Nothing was changed`;
    }
  }
  return plain;
}
