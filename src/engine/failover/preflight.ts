// The preflight of a failover: which replica, and whether it may be promoted now. Pure: it decides from
// the deployment and the facts read just before. A failed check refuses the plan (nothing is changed).
import { InputError } from '../../options/endpoint.js';
import { bytes } from '../../format/units.js';
import { masterAnswersText } from './already-switched.js';
import { authFailedText, bestCandidate, rankCandidates, sentinelChoice, type Ranked } from './candidates.js';
import type { LiveFacts } from './discover.js';
import type { FoDeployment, FoNode } from './model.js';
import type { Check, NodeId } from './types.js';

export const MAX_LAG_BYTES = 1024 * 1024;

export interface PreflightOptions {
  unplanned: boolean;
  to?: NodeId;
  maxLagBytes?: number;
}

export interface Preflight {
  master: FoNode;
  candidate: FoNode;
  /** the master's other direct replicas */
  others: FoNode[];
  ranked: Ranked[];
  checks: Check[];
  notes: string[];
}

function versionAtLeast(v: string | undefined, major: number, minor: number): boolean {
  const [a, b] = (v ?? '0.0').split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

function name(n: FoNode): string {
  return n.label ? `${n.label} ${n.id}` : n.id;
}

/** Picks the candidate and runs the checks. Throws InputError when no plan can even be drawn up. */
export function preflight(d: FoDeployment, f: LiveFacts, o: PreflightOptions): Preflight {
  const mode = o.unplanned ? 'unplanned' : 'planned';
  const maxLag = o.maxLagBytes ?? MAX_LAG_BYTES;
  if (d.problem || !d.master) throw new InputError(d.problem ?? 'no master found: name a node of the deployment with --uri');
  const master = d.master;
  if (!o.unplanned && !master.up) {
    if (master.authFailed) throw new InputError(`the master ${name(master)}: ${authFailedText(master)}; give the master's password (in the URI or REDISCLI_AUTH)`);
    throw new InputError(`the master ${name(master)} does not answer (${master.error ?? 'down'}): for a failover without it, add --unplanned`);
  }
  if (o.unplanned && master.up) {
    throw new InputError(masterAnswersText(d, f));
  }
  if (d.kind === 'replication' && f.sentinelClients > 0) {
    throw new InputError(
      `Sentinels watch this deployment (${f.sentinelClients} connected to its replicas) but none was found: a failover behind their backs would be undone; give --sentinel host:port --master-name NAME`,
    );
  }
  const ranked = rankCandidates(d.replicas, mode, f.lags, maxLag);
  let chosen: Ranked | undefined;
  if (o.to) {
    chosen = ranked.find((r) => r.node.id === o.to);
    if (!chosen) {
      const node = d.nodes.find((n) => n.id === o.to);
      const where =
        node?.role === 'replica' && node.masterId
          ? `it replicates from ${node.masterId}, not from the master ${master.id}: name one of the master's own replicas`
          : node?.role === 'master'
            ? `it is a master`
            : node
              ? `it is not one of ${master.id}'s replicas`
              : `no such node was found from --uri`;
      throw new InputError(`--to ${o.to}: ${where}${d.replicas.length ? ` (replicas of the master: ${d.replicas.map((r) => r.id).join(', ')})` : ''}`);
    }
  } else {
    // with Sentinels, their own choice: a failover they run promotes that one whatever cutover proposes
    const pick = d.kind === 'sentinel' ? sentinelChoice(f.sentinelReplicas ?? [], !!f.sentinelMasterFlags?.includes('s_down')) : undefined;
    chosen = (pick && ranked.find((r) => r.node.id === `${pick.host}:${pick.port}` && r.reasons.length === 0)) || bestCandidate(ranked);
    if (!chosen) {
      const why = ranked.map((r) => `${r.node.id}: ${r.reasons.join(', ')}`).join('; ');
      throw new InputError(`no replica of ${master.id} can be promoted${why ? `: ${why}` : ' (it has none)'}`);
    }
  }
  const candidate = chosen.node;
  const checks: Check[] = [];
  const notes: string[] = [];
  const add = (ok: boolean, text: string, warn = false) => checks.push({ ok, text, ...(warn ? { warn: true } : {}) });

  add(candidate.up, candidate.up ? `${candidate.id} answers` : candidate.authFailed ? `${candidate.id}: ${authFailedText(candidate)}` : `${candidate.id} does not answer: ${candidate.error ?? 'down'}`);
  if (candidate.priority === 0) add(false, `${candidate.id} has replica-priority 0: it is configured never to be promoted (CONFIG SET replica-priority 100 on it first, if it should be)`);
  if (candidate.syncing) add(false, `${candidate.id} is in the middle of a full sync: its data is not complete`);

  if (!o.unplanned) {
    // a candidate that cannot be read (down, or refusing the credentials) is refused above: its link is not known, not down
    if (candidate.up) add(candidate.link === 'up', candidate.link === 'up' ? `${candidate.id}'s link to the master is up` : `${candidate.id}'s link to the master is ${candidate.link ?? 'unknown'}: it cannot have every write; fix its link first or choose another replica`);
    const lag = f.lags[candidate.id];
    if (candidate.link !== 'up') {
      // refused by the link check above; its lag is not known while its link is down (never "0 B behind")
    } else if (lag === undefined) add(false, `${candidate.id}'s lag could not be read`);
    else add(lag <= maxLag, lag <= maxLag ? `${candidate.id} is ${bytes(lag)} behind (at most ${bytes(maxLag)})` : `${candidate.id} is ${bytes(lag)} behind the master (more than ${bytes(maxLag)}): wait for it to catch up`);
    if (d.kind !== 'cluster') {
      const v = f.masterVersion;
      add(versionAtLeast(v, 6, 2), versionAtLeast(v, 6, 2) ? `the master runs Redis ${v} (FAILOVER, CLIENT PAUSE WRITE)` : `the master runs Redis ${v ?? '?'}: a loss-free switch needs 6.2 or newer (FAILOVER, CLIENT PAUSE WRITE)`);
    }
  } else {
    const offsets = d.replicas.map((r) => `${r.id} ${f.offsets[r.id] ?? r.offset ?? '?'}`).join(', ');
    notes.push(`replica offsets now: ${offsets}`);
    const best = Math.max(...d.replicas.map((r) => f.offsets[r.id] ?? r.offset ?? -1));
    const mine = f.offsets[candidate.id] ?? candidate.offset ?? -1;
    if (mine < best) add(true, `${candidate.id} is ${best - mine} bytes behind the most advanced replica: those writes are lost if it is promoted`, true);
    const silent = candidate.linkDownSeconds ?? candidate.lastIoSeconds;
    notes.push(
      `data that may be lost: whatever the master acknowledged after offset ${mine} and no replica received${silent !== undefined && silent >= 0 ? ` (its link went down ${silent} s ago)` : ''}; how much is not known while the master is down`,
    );
  }

  // min-replicas-to-write: the new master must find enough replicas, or it refuses writes
  const mr = f.minReplicas[candidate.id];
  if (mr && mr.toWrite > 0) {
    const followers = d.replicas.filter((r) => r !== candidate && r.up).length + (o.unplanned ? 0 : 1) + d.nodes.filter((n) => n.masterId === candidate.id && n.up).length;
    add(followers >= mr.toWrite, `${candidate.id} has min-replicas-to-write ${mr.toWrite}: it will have ${followers} replica${followers === 1 ? '' : 's'}${followers >= mr.toWrite ? '' : ' and refuse writes'}`);
  } else if (!mr) add(true, `min-replicas-to-write of ${candidate.id} could not be read (CONFIG GET refused)`, true);
  const mm = f.minReplicas[master.id];
  if (!o.unplanned && mm && mm.toWrite > 0 && f.goodReplicas !== undefined) {
    add(true, `the master has min-replicas-to-write ${mm.toWrite}, ${f.goodReplicas} good replicas now${f.goodReplicas < mm.toWrite ? ': it refuses writes already' : ''}`, f.goodReplicas < mm.toWrite);
  }

  if (d.kind === 'sentinel') {
    if (!d.masterName) add(false, `the Sentinels' name for ${master.id} is not known: give --master-name`);
    if (f.quorum) add(f.quorum.ok || o.unplanned, `Sentinel quorum: ${f.quorum.text.replace(/^[-+]?(ERR )?/, '')}`, !f.quorum.ok && o.unplanned);
    else add(false, `no Sentinel answered SENTINEL CKQUORUM`);
    if (f.sentinelFailoverState && f.sentinelFailoverState !== 'none') add(o.unplanned, `the Sentinels are failing over already (${f.sentinelFailoverState})`, o.unplanned);
    const views = f.sentinelReplicas ?? [];
    const known = views.find((v) => `${v.host}:${v.port}` === candidate.id);
    if (!known) add(false, `the Sentinels do not list ${candidate.id} as a replica of ${d.masterName}: they can only promote one they know`);
    const pick = sentinelChoice(views, !!f.sentinelMasterFlags?.includes('s_down'));
    const pickId = pick ? `${pick.host}:${pick.port}` : undefined;
    if (pickId && pickId !== candidate.id) {
      add(false, `the Sentinels would promote ${pickId} (replica-priority ${pick!.replicaPriority ?? '?'}, offset ${pick!.replOffset ?? '?'}), not ${candidate.id}: use --to ${pickId}, or give ${candidate.id} the lowest replica-priority first`);
    } else if (!pickId) add(false, `the Sentinels see no replica they would promote (all down, disconnected or priority 0)`);
  }
  if (d.kind === 'cluster') {
    const state = candidate.cluster?.state;
    add(state === 'ok' || o.unplanned, `cluster state seen from ${candidate.id}: ${state ?? '?'}`, o.unplanned && state !== 'ok');
  }
  if (f.streams) notes.push(`${f.streams} replication stream${f.streams > 1 ? 's' : ''} of cutover's own (port 0) on the master: not replicas, never candidates`);
  const others = d.replicas.filter((r) => r !== candidate);
  for (const r of others.filter((x) => x.up && x.role === 'replica' && x.link !== 'up')) {
    const since = r.linkDownSeconds !== undefined && r.linkDownSeconds >= 0 ? ` for ${r.linkDownSeconds} s` : '';
    add(true, `${r.id}'s link to the master is ${r.link ?? 'unknown'}${since} (a wrong masterauth, the network?): it is not up to date and the master does not list it; it is repointed with the others but its link may not come up`, true);
  }
  for (const r of others.filter((x) => !x.up)) {
    notes.push(
      r.authFailed
        ? `${r.id}: ${authFailedText(r)}; cutover cannot repoint it: point it at the new master yourself (REPLICAOF ${candidate.host} ${candidate.port})`
        : `${r.id} does not answer: when it is back, point it at the new master (REPLICAOF ${candidate.host} ${candidate.port})`,
    );
  }
  return { master, candidate, others, ranked, checks, notes };
}
