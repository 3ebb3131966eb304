// A deployment the Sentinels watch: the switch is theirs (SENTINEL FAILOVER), so they agree with it.
// Planned, cutover makes it loss-free around them: writes paused on the master until the replica has
// every one, SENTINEL FAILOVER, and the old master made a replica of the new one before its writes
// resume (the Sentinels would take up to 10 s to do it). Unplanned: SENTINEL FAILOVER straight away.
import { InputError, nodeId } from '../../options/endpoint.js';
import type { LiveFacts } from './discover.js';
import type { FoDeployment, FoNode } from './model.js';
import { clientsStep, fenceStep, followerAuthSteps, killClientsSteps, missedWritesStep, nodeReports, okReply, repointIfNeededStep, repointStep, rewriteSteps, verifyStep, type FailoverPlanOptions } from './plan-common.js';
import { pauseStep, recordOffsetsStep, unpauseStep } from './plan-replication.js';
import type { Preflight } from './preflight.js';
import type { Plan, Step, WaitStep } from './types.js';
import { promotedId, waitCaughtUp, waitFollows, waitPromotedAny, waitSentinelsSwitched } from './waits.js';
import { secondsText } from '../../format/durations.js';
import { wayBack } from './wayback.js';

/** Only when the Sentinels promoted another replica than the one expected: that one follows the new master too. */
function expectedFollowsStep(c: FoNode, timeoutMs: number): WaitStep {
  return {
    kind: 'wait',
    id: `expected-follows:${c.id}`,
    node: c.id,
    what: `if the Sentinels promoted another replica than ${c.id}: make ${c.id} follow it and wait for its link (up to ${secondsText(timeoutMs)})`,
    why: 'every replica ends up following the new master',
    timeoutMs,
    changesRole: true,
    commands: [{ node: c.id, argv: ['REPLICAOF', '<the promoted replica>'], why: 'only if another replica was promoted' }],
    run: async (ctx) => {
      const promoted = promotedId(ctx, c.id);
      if (promoted === c.id) return `${c.id} was promoted, as expected`;
      const r = (await ctx.info(c.id)).replication;
      const at = promoted.lastIndexOf(':');
      if (!(r?.role === 'replica' && `${r.masterHost}:${r.masterPort}` === promoted)) await ctx.call(c.id, ['REPLICAOF', promoted.slice(0, at), promoted.slice(at + 1)]);
      return waitFollows(c.id, promoted, timeoutMs).run(ctx);
    },
  };
}

export function sentinelPlan(d: FoDeployment, pf: Preflight, f: LiveFacts, o: FailoverPlanOptions): Plan {
  const { master: m, candidate: c } = pf;
  const name = d.masterName!;
  const sentinels = d.sentinels.filter((s) => s.up);
  if (!sentinels.length) throw new InputError(`none of the Sentinels watching ${name} answers: a failover behind their backs would be undone; bring one back, or give one that answers with --sentinel`);
  const others = pf.others.filter((r) => r.up);
  const contenders = [c, ...others].map((r) => r.id);
  const auth = followerAuthSteps(o.unplanned ? others : [m, ...others], c, f.auth);
  const steps: Step[] = [...auth.steps];
  const failover = {
    kind: 'command' as const,
    id: 'sentinel-failover',
    node: sentinels[0].id,
    argv: ['SENTINEL', 'FAILOVER', name],
    why: 'the Sentinels promote the replica and reconfigure the others, agreeing with the switch',
    changesRole: true,
    check: okReply,
  };
  if (!o.unplanned) {
    const pauseMs = o.timeoutMs;
    steps.push(pauseStep(m, pauseMs));
    steps.push(waitCaughtUp(c.id, m.id, Math.max(500, pauseMs - 2500)));
    steps.push(failover);
    steps.push(waitPromotedAny(contenders, c.id, Math.max(1000, pauseMs - 1500)));
    steps.push({ ...repointStep(m, c, 'the old master follows the new one before its writes resume (they fail with READONLY, not lost)', true), id: 'demote' });
    steps.push(unpauseStep(m, c.id));
  } else {
    steps.push(recordOffsetsStep([c, ...others]));
    steps.push({
      ...failover,
      acceptErrors: { pattern: /INPROG/, meaning: 'the Sentinels are failing over already; cutover follows it' },
      why: 'the Sentinels promote a replica now, without waiting for the master to be judged down',
      // they may have promoted one by themselves since the plan was drawn up: another SENTINEL FAILOVER would move the master again
      condition: `the Sentinels still name ${m.id} as ${name}'s master`,
      when: async (ctx) => {
        const reply = (await ctx.read(sentinels[0].id, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name]).catch(() => null)) as string[] | null;
        const named = Array.isArray(reply) && reply.length >= 2 ? nodeId(String(reply[0]), Number(reply[1])) : undefined;
        if (!named || named === m.id) return true;
        ctx.note(`the Sentinels already promoted ${named} by themselves: cutover follows their failover`);
        return false;
      },
    });
    steps.push(waitPromotedAny(contenders, c.id, o.timeoutMs));
  }
  steps.push(waitSentinelsSwitched(sentinels.map((s) => s.id), name, c.id, o.followTimeoutMs));
  // the other replicas follow the new master now (and the expected one, if the Sentinels promoted another)
  for (const r of others) steps.push(repointIfNeededStep(r, c));
  steps.push(expectedFollowsStep(c, o.followTimeoutMs));
  if (!o.unplanned) steps.push(waitFollows(m.id, c.id, o.followTimeoutMs, 'the old master follows the new one', true));
  for (const r of others) steps.push(waitFollows(r.id, c.id, o.followTimeoutMs, 'follows the new master', true));
  if (!o.unplanned) {
    steps.push(...rewriteSteps([m]));
    steps.push(clientsStep(m));
    if (o.killClients) steps.push(...killClientsSteps(m));
  } else {
    steps.push(fenceStep(m, c, o.fenceWaitMs, 'sentinel', f.auth[c.id]?.requirepass || undefined));
    steps.push(missedWritesStep(m, c, undefined));
  }
  steps.push(verifyStep(d.nodes, c, m, o.followTimeoutMs));

  const nodes = nodeReports(d, f.offsets);
  return {
    procedure: 'failover',
    title: `${o.unplanned ? 'unplanned' : 'planned'} failover · sentinel ${name} · ${m.id} → ${c.id}`,
    mode: o.unplanned ? 'unplanned: SENTINEL FAILOVER at once' : 'planned: CLIENT PAUSE, catch up, SENTINEL FAILOVER (loss-free)',
    nodes,
    checks: pf.checks,
    notes: [...pf.notes, ...auth.notes, `the Sentinels choose the replica themselves (replica-priority, then offset); they are expected to choose ${c.id}`],
    steps,
    confirmWord: c.id,
    estimate: o.unplanned
      ? `writes are accepted again once the Sentinels have promoted ${c.id}: about half a second after you confirm; clients asking the Sentinels find it once they announce it, about 1.2 s after (measured in the lab)`
      : `writes pause on ${m.id} from CLIENT PAUSE until the Sentinels have promoted ${c.id}: about half a second; clients asking the Sentinels see about 1.1 s, until they announce the switch (they look at the promoted replica once a second); at most ${o.timeoutMs} ms (CLIENT PAUSE's own limit)`,
    masterName: name,
    wayBack: (now, ctx) => wayBack({ kind: 'sentinel', original: nodes, now, paused: ctx.paused, oldMaster: m.id, candidate: (ctx.facts.promoted as string) ?? c.id, masterName: name, sentinel: sentinels[0]?.id }),
    measures: o.unplanned
      ? [
          { label: 'confirmation → new master takes writes', from: 'confirmed', to: 'writes-back' },
          { label: 'confirmation → every Sentinel names it', from: 'confirmed', to: 'sentinels-switched' },
        ]
      : [
          { label: 'write pause (old master stops writes → new master takes them)', from: 'writes-stopped', to: 'writes-back' },
          { label: 'CLIENT PAUSE held', from: 'writes-stopped', to: 'unpaused' },
          { label: 'old master stops writes → every Sentinel names the new one', from: 'writes-stopped', to: 'sentinels-switched' },
        ],
  };
}
