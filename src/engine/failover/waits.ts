// Wait steps the plans share: a node promoted, a replica following its new master, a replica caught up
// with a paused master, FAILOVER finished, the Sentinels switched, a cluster switched. Each polls with
// plain reads (not journaled), reports progress, keeps its own deadline and says what did not happen.
import { nodeId } from '../../options/endpoint.js';
import { secondsText } from '../../format/durations.js';
import { parseClusterNodes } from '../topology/parse-cluster-nodes.js';
import type { ParsedInfo } from '../topology/parse-info.js';
import type { Mark, NodeId, StepContext, WaitStep } from './types.js';

/** Thrown inside a poll: stop waiting at once, with this message (no retry until the deadline). */
export class StopWaiting extends Error {}

/** Polls `check` every intervalMs until it returns a value; errors (a node reconnecting) are retried. */
export async function pollUntil<T>(
  ctx: StepContext,
  timeoutMs: number,
  intervalMs: number,
  check: () => Promise<T | undefined>,
  onTimeout: (lastError?: string) => string,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastError: string | undefined;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
      lastError = undefined;
    } catch (err) {
      if (err instanceof StopWaiting || ctx.signal.aborted) throw err;
      lastError = String((err as Error)?.message ?? err);
    }
    if (Date.now() >= end) throw new Error(onTimeout(lastError));
    await ctx.sleep(intervalMs);
  }
}

function role(info: ParsedInfo): { role?: 'master' | 'replica'; master?: NodeId; link?: string; offset?: number; syncing?: boolean } {
  const r = info.replication;
  if (!r) return {};
  return {
    role: r.role,
    master: r.masterHost && r.masterPort ? nodeId(r.masterHost, r.masterPort) : undefined,
    link: r.linkStatus,
    offset: r.role === 'master' ? r.masterReplOffset : (r.replicaOffset ?? r.masterReplOffset),
    syncing: r.syncInProgress,
  };
}

/**
 * The Sentinels promote the replica of their choice: whichever of these reports role:master first is
 * the new master (facts.promoted); the one expected is said in the plan.
 */
export function waitPromotedAny(replicas: NodeId[], expected: NodeId, timeoutMs: number): WaitStep {
  return {
    kind: 'wait',
    id: 'promoted',
    node: expected,
    what: `until ${expected} (or another replica the Sentinels choose) reports role:master (up to ${secondsText(timeoutMs)})`,
    why: 'the new master takes writes from then on',
    timeoutMs,
    run: async (ctx) => {
      const id = await pollUntil(
        ctx,
        timeoutMs,
        10,
        async () => {
          const roles = await Promise.all(replicas.map((r) => ctx.info(r).then((i) => i.replication?.role, () => undefined)));
          const i = roles.findIndex((x) => x === 'master');
          return i >= 0 ? replicas[i] : undefined;
        },
        () => `no replica was promoted within ${secondsText(timeoutMs)}`,
      );
      ctx.mark('writes-back');
      ctx.facts.promoted = id;
      if (id !== expected) ctx.note(`the Sentinels promoted ${id}, not ${expected}`);
      return `${id} is master`;
    },
  };
}

/** The candidate reports role:master (polled every 10 ms, so the moment is measured closely). */
export function waitPromoted(candidate: NodeId, timeoutMs: number, marks: Mark[] = ['writes-back']): WaitStep {
  return {
    kind: 'wait',
    id: 'promoted',
    node: candidate,
    what: `until ${candidate} reports role:master (up to ${secondsText(timeoutMs)})`,
    why: 'the new master takes writes from then on',
    timeoutMs,
    run: async (ctx) => {
      await pollUntil(
        ctx,
        timeoutMs,
        10,
        async () => ((await ctx.info(candidate)).replication?.role === 'master' ? true : undefined),
        (e) => `${candidate} was not a master after ${secondsText(timeoutMs)}${e ? ` (${e})` : ''}`,
      );
      for (const m of marks) ctx.mark(m);
      return `${candidate} is master`;
    },
  };
}

/** The replica that was promoted: the candidate, unless the Sentinels chose another (facts.promoted). */
export function promotedId(ctx: StepContext, candidate: NodeId): NodeId {
  return (ctx.facts.promoted as NodeId | undefined) ?? candidate;
}

/**
 * A replica follows `master` with its link up and no sync under way. `dynamic`: the master is whichever
 * replica was promoted (the Sentinels choose), `master` being the one expected.
 */
export function waitFollows(replica: NodeId, master: NodeId, timeoutMs: number, why = 'replicates from the new master', dynamic = false): WaitStep {
  return {
    kind: 'wait',
    id: `follows:${replica}`,
    node: replica,
    what: `until ${replica} replicates from ${master} with its link up (up to ${secondsText(timeoutMs)})`,
    why,
    timeoutMs,
    run: async (ctx) => {
      if (dynamic) master = promotedId(ctx, master);
      if (replica === master) return `${replica} was promoted itself`;
      let last = '';
      const r = await pollUntil(
        ctx,
        timeoutMs,
        50,
        async () => {
          const s = role(await ctx.info(replica));
          last = s.role === 'master' ? 'it is a master' : `it replicates from ${s.master ?? '?'}, link ${s.link ?? '?'}${s.syncing ? ', syncing' : ''}`;
          return s.role === 'replica' && s.master === master && s.link === 'up' && !s.syncing ? s : undefined;
        },
        (e) => `${replica} did not follow ${master} within ${secondsText(timeoutMs)}: ${e ?? last}`,
      );
      return `${replica} follows ${master}, offset ${r.offset}`;
    },
  };
}

/**
 * After CLIENT PAUSE … WRITE on the master: its offset then (kept in facts.pausedOffset by the step that
 * read it) is every write it acknowledged; the candidate must have reached it.
 */
export function waitCaughtUp(candidate: NodeId, master: NodeId, timeoutMs: number): WaitStep {
  return {
    kind: 'wait',
    id: 'caught-up',
    node: candidate,
    what: `until ${candidate}'s offset reaches ${master}'s offset at the pause (up to ${secondsText(timeoutMs)})`,
    why: 'every write the master acknowledged is on the replica',
    timeoutMs,
    run: async (ctx) => {
      const target = Number(ctx.facts.pausedOffset ?? NaN);
      if (!Number.isFinite(target)) throw new Error(`internal: the master's offset at the pause was not read`);
      let at = 0;
      await pollUntil(
        ctx,
        timeoutMs,
        5,
        async () => {
          const s = role(await ctx.info(candidate));
          at = s.offset ?? 0;
          ctx.progress({ text: `offset ${at} of ${target}`, done: at, total: target, unit: 'offset' });
          return s.role === 'replica' && at >= target ? true : undefined;
        },
        () => `${candidate} had not caught up after ${secondsText(timeoutMs)}: offset ${at}, the master's ${target} (${target - at} bytes behind)`,
      );
      return `${candidate} at offset ${at}, the master's at the pause ${target}`;
    },
  };
}

/**
 * FAILOVER TO: the old master pauses writes, waits for the replica, hands over, and becomes its replica.
 * Watches both: the candidate's promotion is the end of the write pause; an old master back to
 * no-failover while still a master means FAILOVER gave up (its TIMEOUT) and nothing changed.
 */
export function waitFailoverTo(master: NodeId, candidate: NodeId, timeoutMs: number): WaitStep {
  return {
    kind: 'wait',
    id: 'switched',
    node: candidate,
    what: `until ${candidate} is master and ${master} its replica (up to ${secondsText(timeoutMs)})`,
    why: 'FAILOVER hands over once the replica has every write',
    timeoutMs,
    run: async (ctx) => {
      let promotedAt: number | undefined;
      let state = '';
      await pollUntil(
        ctx,
        timeoutMs,
        10,
        async () => {
          const [m, c] = await Promise.all([ctx.info(master), promotedAt ? undefined : ctx.info(candidate)]);
          if (c?.replication?.role === 'master') {
            promotedAt = Date.now();
            ctx.mark('writes-back', promotedAt);
          }
          const fs = m.sections.replication?.master_failover_state ?? '';
          const mr = role(m);
          state = fs;
          if (mr.role === 'replica' && mr.master === candidate && promotedAt) return true;
          if (mr.role === 'master' && fs === 'no-failover' && !promotedAt && Date.now() - (ctx.marks['writes-stopped'] ?? 0) > 200) {
            throw new StopWaiting(`FAILOVER gave up: ${candidate} did not catch up in time; ${master} is still the master and takes writes again`);
          }
          return undefined;
        },
        (e) => `the switch did not finish within ${secondsText(timeoutMs)} (FAILOVER state ${state || '?'})${e ? `: ${e}` : ''}`,
      );
      return `${candidate} is master, ${master} its replica`;
    },
  };
}

/** Every Sentinel names the candidate as the master (GET-MASTER-ADDR-BY-NAME). */
export function waitSentinelsSwitched(sentinels: NodeId[], masterName: string, expected: NodeId, timeoutMs: number): WaitStep {
  return {
    kind: 'wait',
    id: 'sentinels-switched',
    node: sentinels[0],
    what: `until every Sentinel (${sentinels.length}) names ${expected} as ${masterName}'s master (up to ${secondsText(timeoutMs)})`,
    why: 'clients that ask the Sentinels find the new master',
    timeoutMs,
    run: async (ctx) => {
      const candidate = promotedId(ctx, expected);
      let named: string[] = [];
      await pollUntil(
        ctx,
        timeoutMs,
        50,
        async () => {
          named = await Promise.all(
            sentinels.map(async (s) => {
              const reply = (await ctx.read(s, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName]).catch(() => null)) as string[] | null;
              return Array.isArray(reply) ? nodeId(String(reply[0]), Number(reply[1])) : '?';
            }),
          );
          return named.every((n) => n === candidate) ? true : undefined;
        },
        () => `not every Sentinel names ${candidate} after ${secondsText(timeoutMs)}: ${sentinels.map((s, i) => `${s} → ${named[i] ?? '?'}`).join(', ')}`,
      );
      ctx.mark('sentinels-switched');
      return `${sentinels.length} Sentinels name ${candidate}`;
    },
  };
}

/**
 * Before a cluster failover: the masters that vote know the candidate as the old master's replica (right
 * after a switch the cluster's gossip may not have said so yet: a master then ignores a manual failover
 * request, and voters refuse their vote). Planned, the old master must know it too; a majority of all
 * masters must agree.
 */
export function waitClusterAgrees(oldMaster: NodeId, candidate: NodeId, voters: NodeId[], planned: boolean, timeoutMs: number): WaitStep {
  const needed = Math.floor((voters.length + 1) / 2) + 1;
  return {
    kind: 'wait',
    id: 'cluster-agrees',
    node: candidate,
    what: `until ${planned ? `${oldMaster} and ` : ''}a majority of the masters list ${candidate} as ${oldMaster}'s replica (up to ${secondsText(timeoutMs)})`,
    why: 'masters ignore a failover request from a node they do not know as the replica of that master',
    timeoutMs,
    run: async (ctx) => {
      let agree = 0;
      await pollUntil(
        ctx,
        timeoutMs,
        100,
        async () => {
          const mine = parseClusterNodes(String(await ctx.read(candidate, ['CLUSTER', 'NODES']))).find((n) => n.myself);
          if (!mine?.masterId) return undefined;
          const views = await Promise.all(
            [...(planned ? [oldMaster] : []), ...voters].map(async (v) => {
              const nodes = parseClusterNodes(String(await ctx.read(v, ['CLUSTER', 'NODES']).catch(() => '')));
              const c = nodes.find((n) => n.id === mine.id);
              return c?.role === 'replica' && c.masterId === mine.masterId;
            }),
          );
          agree = views.filter(Boolean).length;
          if (planned && !views[0]) return undefined;
          return agree >= needed ? true : undefined;
        },
        () => `only ${agree} of the ${needed} masters needed list ${candidate} as ${oldMaster}'s replica after ${secondsText(timeoutMs)}`,
      );
      return `${agree} masters list ${candidate} as ${oldMaster}'s replica`;
    },
  };
}

/**
 * A cluster replica's failover: the candidate owns its master's slots, a majority of the other masters say so too
 * (its own view is not enough: see below), and (when it answers) the old master says it is the candidate's replica.
 * `retry`: a manual failover that timed out on the master's side (5 s) is asked for once more.
 *
 * Redis 7.0: a replica that won an election less than 4 × cluster-node-timeout ago may "win" again at once with
 * the configEpoch it already had, lower than its old master's: it calls itself master, but the others keep the old
 * owner (and the cluster goes down once that one is marked failing). When the others still name the old owner,
 * `CLUSTER BUMPEPOCH` on the candidate gives it a new epoch that wins; asked once, journaled.
 */
export function waitClusterSwitched(candidate: NodeId, oldMaster: NodeId, oldMasterUp: boolean, timeoutMs: number, retry?: string[], peers: NodeId[] = []): WaitStep {
  return {
    kind: 'wait',
    id: 'cluster-switched',
    node: candidate,
    what: `until ${candidate} is a master owning slots${peers.length ? ' in the other masters\' view too' : ''}${oldMasterUp ? ` and ${oldMaster} its replica` : ''}, cluster state ok (up to ${secondsText(timeoutMs)})`,
    why: 'the cluster routes the shard to the new master',
    timeoutMs,
    commands: [
      ...(retry ? [{ node: candidate, argv: retry, why: 'once more, if the first manual failover timed out (5 s)' }] : []),
      ...(peers.length ? [{ node: candidate, argv: ['CLUSTER', 'BUMPEPOCH'], why: "if the other masters keep the old owner (the candidate's configEpoch is not above it)" }] : []),
    ],
    run: async (ctx) => {
      let last = '';
      const t0 = Date.now();
      let retried = !retry;
      let bumped = false;
      let masterSince: number | undefined;
      await pollUntil(
        ctx,
        timeoutMs,
        20,
        async () => {
          const nodes = parseClusterNodes(String(await ctx.read(candidate, ['CLUSTER', 'NODES'])));
          const me = nodes.find((n) => n.myself);
          if (!retried && me?.role !== 'master' && Date.now() - t0 > 5500) {
            retried = true;
            ctx.note(`${candidate}: the manual failover timed out; asked once more`);
            await ctx.call(candidate, retry!);
          }
          const state = /cluster_state:(\w+)/.exec(String(await ctx.read(candidate, ['CLUSTER', 'INFO'])))?.[1];
          last = `${candidate} is ${me?.role ?? '?'} with ${me?.slots.length ?? 0} slot ranges, cluster state ${state ?? '?'}`;
          if (me?.role !== 'master' || me.slots.length === 0) return undefined;
          masterSince ??= Date.now();
          // the other masters must route the shard to it too
          const slot = me.slots[0][0];
          const views = await Promise.all(
            peers.map(async (p) => {
              const owner = parseClusterNodes(String(await ctx.read(p, ['CLUSTER', 'NODES']).catch(() => ''))).find((n) => n.role === 'master' && n.slots.some(([a, b]) => slot >= a && slot <= b));
              return owner?.id;
            }),
          );
          const agree = views.filter((id) => id === me.id).length;
          const answered = views.filter((id) => id !== undefined).length;
          if (peers.length && agree * 2 <= answered) {
            last = `${candidate} says it is master, but ${answered - agree} of ${answered} other masters still route slot ${slot} elsewhere`;
            if (!bumped && Date.now() - masterSince > 1500) {
              bumped = true;
              ctx.note(`${candidate} won with a configEpoch the other masters do not accept (a recent failover of its own): CLUSTER BUMPEPOCH`);
              await ctx.call(candidate, ['CLUSTER', 'BUMPEPOCH']);
            }
            return undefined;
          }
          // writes are back once the cluster agrees on the owner (a first "master" that does not hold is not it)
          ctx.mark('writes-back');
          if (state !== 'ok') return undefined;
          if (!oldMasterUp) return true;
          const old = parseClusterNodes(String(await ctx.read(oldMaster, ['CLUSTER', 'NODES']))).find((n) => n.myself);
          last = `${oldMaster} is ${old?.role ?? '?'}${old?.masterId ? ` of ${old.masterId.slice(0, 8)}` : ''}`;
          return old?.role === 'replica' && old.masterId === me.id ? true : undefined;
        },
        (e) => `the cluster did not switch within ${secondsText(timeoutMs)}: ${e ?? last}`,
      );
      return `${candidate} is master${peers.length ? ' for the other masters too' : ''}${oldMasterUp ? `, ${oldMaster} its replica` : ''}`;
    },
  };
}
