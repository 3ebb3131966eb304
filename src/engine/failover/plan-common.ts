// Steps every failover plan is made of: promote, repoint, keep the roles across a restart, list (and
// optionally disconnect) the clients left on the old master, verify the new topology, fence an old master
// that comes back, and say which writes were missed.
import { nodeId } from '../../options/endpoint.js';
import { parseClusterNodes } from '../topology/parse-cluster-nodes.js';
import { masterauthStep, type NodeAuth } from './auth.js';
import { applicationClients, clientsText, parseClientList } from './client-list.js';
import type { FoDeployment, FoNode } from './model.js';
import type { CommandStep, NodeId, NodeReport, StepContext, WaitStep } from './types.js';
import { pollUntil, promotedId, StopWaiting } from './waits.js';
import { secondsText } from '../../format/durations.js';

export interface FailoverPlanOptions {
  unplanned: boolean;
  /** plain replication, planned: CLIENT PAUSE + REPLICAOF (the default: milliseconds) or FAILOVER TO (up to ~2 s) */
  via: 'failover' | 'pause';
  /** FAILOVER's TIMEOUT, the longest write pause, the wait for the promotion */
  timeoutMs: number;
  /** how long replicas may take to follow the new master (a full resync takes longer than a partial one) */
  followTimeoutMs: number;
  /** unplanned: watch this long for the old master to come back, and fence it */
  fenceWaitMs: number;
  /** disconnect the clients still on the old master after the switch */
  killClients: boolean;
}

export function hostPort(n: { host: string; port: number }): [string, string] {
  return [n.host, String(n.port)];
}

function splitId(id: NodeId): [string, string] {
  const i = id.lastIndexOf(':');
  return [id.slice(0, i).replace(/^\[|\]$/g, ''), id.slice(i + 1)];
}

export function okReply(reply: unknown): string | undefined {
  return String(reply) === 'OK' ? undefined : `unexpected reply: ${String(reply)}`;
}

/**
 * REPLICAOF's reply: "OK", or "OK Already connected to specified master" when the node follows that master
 * already (the Sentinels repointed it a moment before): both are success.
 */
export function replicaofReply(reply: unknown): string | undefined {
  return /^OK\b/.test(String(reply)) ? undefined : `unexpected reply: ${String(reply)}`;
}

export function promoteStep(c: FoNode, why: string): CommandStep {
  return { kind: 'command', id: 'promote', node: c.id, argv: ['REPLICAOF', 'NO', 'ONE'], why, changesRole: true, check: replicaofReply, marksDone: ['writes-back'] };
}

export function repointStep(n: FoNode, target: FoNode, why: string, dynamic = false): CommandStep {
  return {
    kind: 'command',
    id: `repoint:${n.id}`,
    node: n.id,
    argv: ['REPLICAOF', ...hostPort(target)],
    why,
    changesRole: true,
    check: replicaofReply,
    ...(dynamic ? { resolve: (ctx: StepContext) => ['REPLICAOF', ...splitId(promotedId(ctx, target.id))] } : {}),
  };
}

/**
 * With Sentinels: a replica still pointing elsewhere once they have switched is repointed at once (what
 * the Sentinels want too; they would do it themselves only after their failover-timeout). Skipped for the
 * promoted node and for one that already follows it.
 */
export function repointIfNeededStep(n: FoNode, candidate: FoNode): CommandStep {
  return {
    ...repointStep(n, candidate, 'follow the new master now, rather than when the Sentinels get to it', true),
    condition: `${n.id} does not follow the promoted replica yet`,
    when: async (ctx: StepContext) => {
      const promoted = promotedId(ctx, candidate.id);
      if (promoted === n.id) return false;
      const r = (await ctx.info(n.id).catch(() => undefined))?.replication;
      return !(r?.role === 'replica' && r.masterHost && nodeId(r.masterHost, r.masterPort ?? 0) === promoted);
    },
  };
}

/**
 * The nodes that will follow the candidate must give its password: CONFIG SET masterauth on each that
 * does not already (before anything else, so the write pause is not made longer by it).
 */
export function followerAuthSteps(followers: FoNode[], candidate: FoNode, auth: Record<NodeId, NodeAuth | undefined>): { steps: CommandStep[]; notes: string[] } {
  const password = auth[candidate.id]?.requirepass || undefined;
  const steps: CommandStep[] = [];
  const notes: string[] = [];
  for (const f of followers) {
    const step = masterauthStep(f.id, auth[f.id], password, `the new master ${candidate.id}`);
    if (step) steps.push(step);
    else if (password && auth[f.id]?.masteruser) notes.push(`${f.id} replicates as ACL user ${auth[f.id]!.masteruser}: that user must exist on ${candidate.id} too`);
  }
  if (!auth[candidate.id] && followers.length) notes.push(`the new master's requirepass could not be read (CONFIG GET refused): the nodes that follow it must already give its password`);
  return { steps, notes };
}

/** CONFIG REWRITE on each node whose role changed: a restart then keeps the new role. Optional (no config file). */
export function rewriteSteps(nodes: FoNode[]): CommandStep[] {
  return nodes.map((n) => ({
    kind: 'command' as const,
    id: `rewrite:${n.id}`,
    node: n.id,
    argv: ['CONFIG', 'REWRITE'],
    why: 'keep the new role across a restart (skipped when the server has no config file)',
    changesRole: false,
    optional: true,
  }));
}

/** Post-check: the applications still connected to the old master, from CLIENT LIST. */
export function clientsStep(old: FoNode): WaitStep {
  return {
    kind: 'wait',
    id: 'clients',
    node: old.id,
    what: `list the clients still connected to ${old.id} (CLIENT LIST)`,
    why: 'applications left on the old master get READONLY (or MOVED) and must reconnect',
    timeoutMs: 3000,
    run: async (ctx) => {
      const clients = applicationClients(parseClientList(String(await ctx.read(old.id, ['CLIENT', 'LIST']))));
      ctx.facts.clientsLeft = clients.length;
      const text = clientsText(clients);
      if (clients.length) ctx.note(`on the old master ${old.id}: ${text}`);
      return text;
    },
  };
}

export function killClientsSteps(old: FoNode): CommandStep[] {
  return (['normal', 'pubsub'] as const).map((type) => ({
    kind: 'command' as const,
    id: `kill-clients:${type}`,
    node: old.id,
    argv: ['CLIENT', 'KILL', 'TYPE', type, 'SKIPME', 'yes'],
    why: `disconnect the ${type === 'normal' ? 'clients' : 'subscribers'} left on the old master, so they reconnect to the new one`,
    changesRole: false,
    when: (ctx: StepContext) => Number(ctx.facts.clientsLeft ?? 1) > 0,
    condition: 'clients are still connected',
  }));
}

/**
 * The new topology, verified: the promoted node is a master, every other node that answers replicates
 * (directly or down a chain) from it with its links up. Nodes down from the start are left out.
 */
export function verifyStep(nodes: FoNode[], candidate: FoNode, oldMaster: FoNode, timeoutMs: number): WaitStep {
  const watched = nodes.filter((n) => n.up || n.id === oldMaster.id);
  return {
    kind: 'wait',
    id: 'verify',
    node: candidate.id,
    what: `verify: ${candidate.id} is master and every node that answers replicates from it, links up (up to ${secondsText(timeoutMs)})`,
    why: 'the new topology is in place',
    timeoutMs,
    run: async (ctx) => {
      const promoted = promotedId(ctx, candidate.id);
      let problem = '';
      let count = 0;
      await pollUntil(
        ctx,
        timeoutMs,
        100,
        async () => {
          const seen = await Promise.all(
            watched.map(async (n) => {
              try {
                const r = (await ctx.info(n.id)).replication;
                return { id: n.id, up: true, role: r?.role, master: r?.masterHost && r.masterPort ? nodeId(r.masterHost, r.masterPort) : undefined, link: r?.linkStatus, syncing: r?.syncInProgress };
              } catch {
                return { id: n.id, up: false } as { id: NodeId; up: boolean; role?: string; master?: NodeId; link?: string; syncing?: boolean };
              }
            }),
          );
          const by = new Map(seen.map((s) => [s.id, s]));
          const top = by.get(promoted);
          if (!top?.up || top.role !== 'master') {
            problem = `${promoted} is ${top?.up ? top.role : 'not answering'}`;
            return undefined;
          }
          for (const s of seen) {
            if (s.id === promoted) continue;
            if (!s.up) {
              if (s.id === oldMaster.id && (!oldMaster.up || ctx.facts.oldMasterDown)) continue; // unplanned: it may stay down
              problem = `${s.id} does not answer`;
              return undefined;
            }
            // follow the chain up to the promoted master
            let at = s;
            const hops = new Set<string>();
            while (at.id !== promoted) {
              if (at.role !== 'replica' || !at.master || at.link !== 'up' || at.syncing || hops.has(at.id)) {
                problem = `${at.id} is ${at.role === 'replica' ? `a replica of ${at.master} with its link ${at.link}${at.syncing ? ', syncing' : ''}` : at.role}`;
                return undefined;
              }
              hops.add(at.id);
              const next = by.get(at.master);
              if (!next) {
                problem = `${at.id} replicates from ${at.master}, outside the deployment`;
                return undefined;
              }
              at = next;
            }
          }
          count = seen.filter((s) => s.up).length;
          return true;
        },
        (e) => `the new topology is not in place after ${secondsText(timeoutMs)}: ${e ?? problem}`,
      );
      return `${promoted} is master; ${followersText(count - 1)}`;
    },
  };
}

/** "1 other node follows it, link up" · "3 other nodes follow it, links up" · "no other node answers to follow it". */
export function followersText(n: number): string {
  if (n <= 0) return 'no other node answers to follow it';
  return n === 1 ? '1 other node follows it, link up' : `${n} other nodes follow it, links up`;
}

/**
 * Unplanned: the old master may come back (a restart, a network healed) still thinking it is the master.
 * Watch for it; the moment it answers, read where it stood (its offset: the missed-write range) and make
 * it a replica of the new master before any client writes to it. Not coming back is not a failure.
 */
export function fenceStep(old: FoNode, candidate: FoNode, waitMs: number, kind: FoDeployment['kind'], password?: string): WaitStep {
  const cluster = kind === 'cluster';
  const command = cluster ? ['CLUSTER', 'REPLICATE', candidate.cluster?.id ?? '<new master id>'] : ['REPLICAOF', ...hostPort(candidate)];
  const auth = !cluster && password ? [{ node: old.id, argv: ['CONFIG', 'SET', 'masterauth', password], why: "so it can replicate from the new master, which asks for a password" }] : [];
  return {
    kind: 'wait',
    id: 'fence',
    node: old.id,
    what: waitMs > 0 ? `watch ${old.id} for ${secondsText(waitMs)}; the moment it answers, make it a replica of the new master` : `check once whether ${old.id} answers; if it does, make it a replica of the new master`,
    why: 'an old master that comes back as a master takes writes that are lost',
    timeoutMs: waitMs + 15_000,
    changesRole: true,
    commands: [...auth, { node: old.id, argv: command, why: cluster ? 'if the cluster has not made it a replica by itself' : 'at once, before clients write to it' }],
    run: async (ctx) => {
      const end = Date.now() + waitMs;
      for (;;) {
        const info = await ctx.info(old.id).catch(() => undefined);
        if (info?.replication) {
          const r = info.replication;
          const promoted = promotedId(ctx, candidate.id);
          ctx.facts.oldMasterBack = { role: r.role, offset: r.masterReplOffset, replid: r.masterReplId };
          if (r.role === 'replica' && r.masterHost && nodeId(r.masterHost, r.masterPort ?? 0) === promoted) return `${old.id} is back and already a replica of ${promoted}`;
          if (cluster) {
            const selfAfter = await pollUntil(ctx, 5000, 100, async () => {
              const me = parseClusterNodes(String(await ctx.read(old.id, ['CLUSTER', 'NODES']))).find((x) => x.myself);
              return me?.role === 'replica' ? me : undefined;
            }, () => '').catch(() => undefined);
            if (selfAfter) return `${old.id} is back; the cluster made it a replica`;
            const id = candidate.cluster?.id;
            if (!id) throw new StopWaiting(`${old.id} is back as a master and the new master's cluster id is not known: run CLUSTER REPLICATE <id of ${promoted}> on it`);
            await ctx.call(old.id, ['CLUSTER', 'REPLICATE', id]);
            return `${old.id} was back as a master: made a replica of ${promoted}`;
          }
          if (password) await ctx.call(old.id, ['CONFIG', 'SET', 'masterauth', password]).catch(() => undefined);
          await ctx.call(old.id, ['REPLICAOF', ...splitId(promoted)]);
          return `${old.id} was back as a ${r.role} at offset ${r.masterReplOffset}: made a replica of ${promoted}`;
        }
        if (Date.now() >= end) {
          ctx.facts.oldMasterDown = true;
          const text = `${old.id} is still down: when it comes back, make it a replica before clients reach it: ${command.join(' ')}`;
          ctx.note(text);
          return waitMs > 0 ? `${old.id} did not come back within ${secondsText(waitMs)}` : `${old.id} does not answer`;
        }
        await ctx.sleep(100);
      }
    },
  };
}

/** Unplanned: the writes the promoted replica never received, as far as can be known. */
export function missedWritesStep(old: FoNode, candidate: FoNode, knownOldOffset: number | undefined): WaitStep {
  return {
    kind: 'wait',
    id: 'missed-writes',
    node: candidate.id,
    what: `report the missed-write range: ${old.id}'s last known offset against ${candidate.id}'s`,
    why: 'what the unplanned failover lost',
    timeoutMs: 3000,
    run: async (ctx) => {
      const promoted = promotedId(ctx, candidate.id);
      const fields = (await ctx.info(promoted)).sections.replication ?? {};
      // after REPLICAOF NO ONE the promoted node's history continues the old one up to second_repl_offset - 1
      const second = Number(fields.second_repl_offset ?? NaN);
      const at = Number.isFinite(second) && second > 0 ? second - 1 : (ctx.facts.promotedOffset as number | undefined);
      const back = ctx.facts.oldMasterBack as { offset?: number; replid?: string } | undefined;
      const replid2 = fields.master_replid2;
      let text: string;
      if (back?.offset !== undefined && back.replid && back.replid === replid2) {
        const missed = Math.max(0, back.offset - (at ?? 0));
        text = `missed writes: offsets ${at} to ${back.offset} of the old history (${missed} bytes) were on the old master only and are lost`;
      } else if (back) {
        text = `missed writes: the old master came back with another replication history (no persistence, or it was reset): what it took after offset ${at} is gone with it`;
      } else if (knownOldOffset !== undefined && at !== undefined) {
        text = `missed writes: the old master's last known offset ${knownOldOffset}, the promoted replica's ${at}: ${Math.max(0, knownOldOffset - at)} bytes lost at least`;
      } else {
        text = `missed writes: ${promoted} took over at offset ${at ?? '?'}; what the old master acknowledged after that is lost, and how much is not known while it is down`;
      }
      ctx.note(text);
      return text;
    },
  };
}

/** The nodes as the plan found them (the Sentinels too). */
export function nodeReports(d: FoDeployment, offsets: Record<NodeId, number | undefined> = {}): NodeReport[] {
  const data: NodeReport[] = d.nodes.map((n) => ({
    id: n.id,
    ...(n.label ? { label: n.label } : {}),
    reachable: n.up,
    role: n.up || n.role !== 'unknown' ? n.role : undefined,
    ...(n.masterId ? { masterId: n.masterId } : {}),
    ...(n.link ? { link: n.link } : {}),
    ...(offsets[n.id] ?? n.offset) !== undefined ? { offset: offsets[n.id] ?? n.offset } : {},
    ...(n.up ? {} : { error: n.error ?? 'does not answer' }),
  }));
  const sentinels: NodeReport[] = d.sentinels.map((s) => ({ id: s.id, ...(s.label ? { label: s.label } : {}), reachable: s.up, role: 'sentinel' as const, ...(d.master && d.masterName ? { masterId: d.master.id } : {}) }));
  return [...data, ...sentinels];
}
