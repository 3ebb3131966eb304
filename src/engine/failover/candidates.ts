// Which replica to promote. Pure.
// Planned: link up, no sync under way, replica-priority not 0; then the smallest lag, the highest offset,
// the lowest replica-priority (as Sentinel does). Unplanned: the most advanced replica (highest offset),
// ties broken by replica-priority. Also Sentinel's own choice, from SENTINEL REPLICAS, to predict it.
import { bytes } from '../../format/units.js';
import type { SentinelPeerView } from '../topology/types.js';
import type { FoNode } from './model.js';

export interface Ranked {
  node: FoNode;
  /** empty when it may be promoted */
  reasons: string[];
  /** bytes behind the master (planned) */
  lagBytes?: number;
}

/** 0 means never promote (sorted last); unknown counts as the default 100. */
function priorityOf(n: FoNode): number {
  return n.priority === 0 ? Number.MAX_SAFE_INTEGER : (n.priority ?? 100);
}

/** A node that answers but refuses the credentials: never "down" or "hung". */
export function authFailedText(n: FoNode): string {
  return `authentication failed: it answers, but refuses the user and password given (its own requirepass or ACL?)`;
}

export function ineligibleReasons(n: FoNode, mode: 'planned' | 'unplanned', lagBytes?: number, maxLagBytes = Infinity): string[] {
  const out: string[] = [];
  if (!n.up) out.push(n.authFailed ? authFailedText(n) : `it does not answer${n.error ? ` (${n.error})` : ''}`);
  if (n.role !== 'replica') out.push(`it is not a replica (${n.role})`);
  if (n.priority === 0) out.push('its replica-priority is 0 (configured never to be promoted)');
  if (n.syncing) out.push('a full sync is under way on it');
  if (mode === 'planned' && n.up && n.role === 'replica' && n.link !== 'up') out.push(`its link to the master is ${n.link ?? 'unknown'}`);
  if (mode === 'planned' && lagBytes !== undefined && lagBytes > maxLagBytes) out.push(`it is ${bytes(lagBytes)} behind the master`);
  return out;
}

/** Best first; the ineligible ones last, each with why. */
export function rankCandidates(replicas: FoNode[], mode: 'planned' | 'unplanned', lags: Record<string, number | undefined> = {}, maxLagBytes = Infinity): Ranked[] {
  const ranked = replicas.map((node) => ({ node, lagBytes: lags[node.id], reasons: ineligibleReasons(node, mode, lags[node.id], maxLagBytes) }));
  const lagKey = (r: Ranked) => r.lagBytes ?? Number.MAX_SAFE_INTEGER;
  return ranked.sort(
    (a, b) =>
      Number(a.reasons.length > 0) - Number(b.reasons.length > 0) ||
      (mode === 'planned' ? lagKey(a) - lagKey(b) : 0) ||
      (b.node.offset ?? -1) - (a.node.offset ?? -1) ||
      priorityOf(a.node) - priorityOf(b.node) ||
      a.node.id.localeCompare(b.node.id),
  );
}

/** The best eligible candidate, or undefined. */
export function bestCandidate(ranked: Ranked[]): Ranked | undefined {
  return ranked.find((r) => r.reasons.length === 0);
}

/** A replica as a Sentinel lists it, with how fresh its INFO is (a Sentinel skips a replica it has no recent INFO from). */
export type SentinelReplicaView = SentinelPeerView & { infoRefreshMs?: number };

/**
 * The replica a Sentinel would promote (sentinelSelectSlave): not down or disconnected, answered a ping
 * within 5 s, INFO fresh (30 s; 5 s once the master is judged down), priority not 0; then the lowest
 * priority, the highest offset, the smallest run id.
 */
export function sentinelChoice(replicas: SentinelReplicaView[], masterDown = false): SentinelReplicaView | undefined {
  const validity = masterDown ? 5000 : 30_000;
  const ok = replicas.filter(
    (r) =>
      !r.flags.some((f) => f === 's_down' || f === 'o_down' || f === 'disconnected') &&
      (r.replicaPriority ?? 100) !== 0 &&
      (r.lastOkPingReplyMs === undefined || r.lastOkPingReplyMs <= 5000) &&
      (r.infoRefreshMs === undefined || r.infoRefreshMs <= validity),
  );
  return ok.sort(
    (a, b) =>
      (a.replicaPriority ?? 100) - (b.replicaPriority ?? 100) ||
      (b.replOffset ?? 0) - (a.replOffset ?? 0) ||
      (a.runId ?? '\uffff').toLowerCase().localeCompare((b.runId ?? '\uffff').toLowerCase()),
  )[0];
}
