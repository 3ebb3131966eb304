// Plain replication (no Sentinel, no cluster): the planned switch by CLIENT PAUSE … WRITE, the candidate
// caught up, REPLICAOF NO ONE, the old master made its replica, CLIENT UNPAUSE (a pause of milliseconds),
// or by FAILOVER TO (`via: 'failover'`: up to ~2 s, it waits for the replica's once-a-second ACK); then
// the replicas left behind the old master repointed;
// the unplanned one by REPLICAOF NO ONE on the most advanced replica, the others repointed, the old
// master fenced when it comes back.
import { bytes } from '../../format/units.js';
import type { LiveFacts } from './discover.js';
import type { FoDeployment, FoNode } from './model.js';
import {
  clientsStep,
  fenceStep,
  followerAuthSteps,
  hostPort,
  killClientsSteps,
  missedWritesStep,
  nodeReports,
  okReply,
  promoteStep,
  repointStep,
  rewriteSteps,
  verifyStep,
  type FailoverPlanOptions,
} from './plan-common.js';
import type { Preflight } from './preflight.js';
import type { CommandStep, NodeId, Plan, Step, StepContext, WaitStep } from './types.js';
import { promotedId, waitCaughtUp, waitFailoverTo, waitFollows } from './waits.js';
import { wayBack } from './wayback.js';

/** CLIENT PAUSE for at most ms, writes only; the master's offset right after it is every write it took. */
export function pauseStep(m: FoNode, ms: number): CommandStep {
  return {
    kind: 'command',
    id: 'pause',
    node: m.id,
    argv: ['CLIENT', 'PAUSE', String(ms), 'WRITE'],
    why: `stop writes on the master (for at most ${ms} ms, even if cutover is gone)`,
    changesRole: false,
    check: okReply,
    marksSent: ['writes-stopped'],
    after: async (_reply, ctx) => {
      ctx.facts.pausedOffset = (await ctx.info(m.id)).replication?.masterReplOffset;
    },
  };
}

/**
 * CLIENT UNPAUSE, also after a failure, but only once a CLIENT PAUSE was sent; and (guardTwoMasters) not when
 * the new master was promoted while the old one is still a master (its paused writes would be lost).
 */
export function unpauseStep(m: FoNode, candidate: NodeId, o: { guardTwoMasters?: boolean; why?: string } = {}): CommandStep {
  const guard = o.guardTwoMasters ?? true;
  return {
    kind: 'command',
    id: 'unpause',
    node: m.id,
    argv: ['CLIENT', 'UNPAUSE'],
    why: o.why ?? 'writes that waited now fail with READONLY and go to the new master',
    changesRole: false,
    always: true,
    condition: guard ? `${m.id} was paused, and it is no longer a master or no replica was promoted` : `${m.id} was paused`,
    when: async (ctx: StepContext) => {
      if (ctx.marks['writes-stopped'] === undefined) return false; // no CLIENT PAUSE was sent: nothing to undo
      if (!guard) return true;
      const c = promotedId(ctx, candidate);
      const [mr, cr] = await Promise.all([ctx.info(m.id).then((i) => i.replication?.role, () => undefined), ctx.info(c).then((i) => i.replication?.role, () => undefined)]);
      if (mr === 'master' && cr === 'master') {
        ctx.note(`writes stay paused on ${m.id}: it is still a master while ${c} was promoted; run REPLICAOF ${c.replace(/:(\d+)$/, ' $1')} on it, then CLIENT UNPAUSE`);
        return false;
      }
      return true;
    },
    check: okReply,
    marksDone: ['unpaused'],
  };
}

/** Plain replication has no list of replicas but the master's own: one whose link never came up is not in it. */
export const UNLISTED_NOTE =
  "only the replicas the master lists (INFO replication) and those named with --uri are seen and repointed: a replica whose link to the master is down (a wrong masterauth …) is not listed; name it with --uri to include it";

export function replicationPlan(d: FoDeployment, pf: Preflight, f: LiveFacts, o: FailoverPlanOptions): Plan {
  const { master: m, candidate: c } = pf;
  const others = pf.others.filter((r) => r.up);
  const auth = followerAuthSteps(o.unplanned ? others : [m, ...others], c, f.auth);
  const steps: Step[] = [...auth.steps];
  let estimate: string;
  const lag = f.lags[c.id] ?? 0;

  if (!o.unplanned && o.via === 'failover') {
    steps.push({
      kind: 'command',
      id: 'failover',
      node: m.id,
      argv: ['FAILOVER', 'TO', ...hostPort(c), 'TIMEOUT', String(o.timeoutMs)],
      why: 'the master pauses writes, waits until the replica has every one, then hands over and follows it',
      changesRole: true,
      check: okReply,
      marksSent: ['writes-stopped'],
    });
    steps.push(waitFailoverTo(m.id, c.id, o.timeoutMs + 3000));
    estimate = `writes pause on ${m.id} from FAILOVER until ${c.id} has every write and takes over: usually under a second (a replica acknowledges its offset once a second; ${bytes(lag)} behind now); at most ${o.timeoutMs} ms, after which FAILOVER gives up and nothing has changed`;
  } else if (!o.unplanned) {
    const pauseMs = o.timeoutMs;
    steps.push(pauseStep(m, pauseMs));
    steps.push(waitCaughtUp(c.id, m.id, Math.max(500, pauseMs - 1500)));
    steps.push(promoteStep(c, 'the replica has every write: it takes writes from now on'));
    steps.push({ ...repointStep(m, c, 'the old master follows the new one before its writes resume: they fail with READONLY rather than being lost'), id: 'demote' });
    steps.push(unpauseStep(m, c.id));
    estimate = `writes pause on ${m.id} from CLIENT PAUSE until ${c.id} has caught up (${bytes(lag)} behind now) and is promoted: a few round trips; at most ${pauseMs} ms (CLIENT PAUSE's own limit)`;
  } else {
    steps.push(recordOffsetsStep([c, ...others]));
    steps.push(promoteStep(c, `the most advanced replica takes writes from now on`));
    estimate = `writes are accepted again once ${c.id} answers REPLICAOF NO ONE: one round trip after you confirm`;
  }

  for (const r of others) {
    steps.push(repointStep(r, c, o.unplanned ? 'follow the new master' : o.via === 'failover' ? 'FAILOVER leaves it replicating from the old master: repoint it to the new one' : 'it replicates from the old master: repoint it to the new one'));
  }
  if (!o.unplanned) steps.push(waitFollows(m.id, c.id, o.followTimeoutMs, 'the old master follows the new one'));
  for (const r of others) steps.push(waitFollows(r.id, c.id, o.followTimeoutMs));
  steps.push(...rewriteSteps(o.unplanned ? [c, ...others] : [c, m, ...others]));
  if (!o.unplanned) {
    steps.push(clientsStep(m));
    if (o.killClients) steps.push(...killClientsSteps(m));
  } else {
    steps.push(fenceStep(m, c, o.fenceWaitMs, 'replication', f.auth[c.id]?.requirepass || undefined));
    steps.push(missedWritesStep(m, c, undefined));
  }
  steps.push(verifyStep(d.nodes, c, m, o.followTimeoutMs));

  const nodes = nodeReports(d, f.offsets);
  return {
    procedure: 'failover',
    title: `${o.unplanned ? 'unplanned' : 'planned'} failover · replication · ${m.id} → ${c.id}`,
    mode: o.unplanned ? 'unplanned: REPLICAOF NO ONE on the most advanced replica' : o.via === 'failover' ? 'planned: FAILOVER TO (loss-free)' : 'planned: CLIENT PAUSE, catch up, REPLICAOF (loss-free)',
    nodes,
    checks: pf.checks,
    notes: [...pf.notes, ...auth.notes, UNLISTED_NOTE],
    steps,
    confirmWord: c.id,
    estimate,
    wayBack: (now, ctx) => wayBack({ kind: 'replication', original: nodes, now, paused: ctx.paused, oldMaster: m.id, candidate: c.id }),
    measures: o.unplanned
      ? [{ label: 'confirmation → new master takes writes', from: 'confirmed', to: 'writes-back' }]
      : [
          { label: 'write pause (old master stops writes → new master takes them)', from: 'writes-stopped', to: 'writes-back' },
          { label: 'CLIENT PAUSE held', from: 'writes-stopped', to: 'unpaused' },
        ],
  };
}

/** Unplanned, step 1: every replica's offset, read again now (the record the missed-write report uses). */
export function recordOffsetsStep(replicas: FoNode[]): WaitStep {
  const [c] = replicas;
  return {
    kind: 'wait',
    id: 'offsets',
    node: c.id,
    what: `record every replica's offset (${replicas.map((r) => r.id).join(', ')})`,
    why: 'the record of where each replica stood when the master went',
    timeoutMs: 3000,
    run: async (ctx) => {
      const offsets = await Promise.all(
        replicas.map((r) =>
          ctx.info(r.id).then(
            (i) => i.replication?.replicaOffset ?? i.replication?.masterReplOffset,
            () => undefined,
          ),
        ),
      );
      ctx.facts.offsets = Object.fromEntries(replicas.map((r, i) => [r.id, offsets[i]]));
      ctx.facts.promotedOffset = offsets[0];
      return replicas.map((r, i) => `${r.id} ${offsets[i] ?? '?'}`).join(', ');
    },
  };
}
