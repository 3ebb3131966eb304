// What changed between two polls of a node, as event-log entries. Pure.
import type { SentinelEventInfo } from './parse-sentinel.js';
import type { LogEntry, NodeState } from './types.js';

/** "r1 127.0.0.1:6380", or the address alone for a node without a label. */
export function nodeName(n: NodeState): string {
  return n.label ? `${n.label} ${n.id}` : n.id;
}
const name = nodeName;

export function detectChanges(prev: NodeState | undefined, next: NodeState, at: number): LogEntry[] {
  const out: LogEntry[] = [];
  const push = (level: LogEntry['level'], kind: LogEntry['kind'], message: string) => out.push({ at, level, kind, node: next.id, message });
  if (!prev || prev.status === 'pending') return out;

  if (prev.status === 'up' && next.status === 'down') {
    // the error names the address already shown at the start of the line
    const why = (next.lastError ?? 'no answer').replace(` at ${next.id}`, '').replace(new RegExp(`^${next.id.replace(/[.[\]]/g, '\\$&')}:? ?`), '');
    // it answers, but no longer takes cutover's credentials (its requirepass or ACL changed): not down
    push('error', 'node-down', next.authFailed ? `${name(next)}: ${why}` : `${name(next)} is down: ${why}`);
    return out;
  }
  if (prev.status === 'down' && next.status === 'down' && !prev.authFailed && next.authFailed) {
    push('error', 'node-down', `${name(next)} answers again, but ${(next.lastError ?? 'authentication failed').replace(` at ${next.id}`, '')}`);
  }
  if (prev.status === 'down' && next.status === 'up') {
    const secs = prev.downSince !== undefined ? Math.round((at - prev.downSince) / 1000) : undefined;
    push('info', 'node-up', `${name(next)} is back${secs !== undefined ? ` after ${secs}s down` : ''}`);
  }
  if (next.status !== 'up') return out;

  const known = (r: NodeState['role']) => r !== 'unknown';
  if (known(prev.role) && known(next.role) && prev.role !== next.role) {
    const to = next.role === 'replica' && next.masterId ? `replica of ${next.masterId}` : next.role;
    push('warn', 'role-change', `${name(next)} role ${prev.role} → ${to}`);
  } else if (prev.role === 'replica' && next.role === 'replica' && prev.masterId && next.masterId && prev.masterId !== next.masterId) {
    push('warn', 'role-change', `${name(next)} now replicates from ${next.masterId} (was ${prev.masterId})`);
  }
  if (next.role === 'replica') {
    if (prev.linkStatus === 'up' && next.linkStatus === 'down') push('warn', 'link-down', `${name(next)} link to ${next.masterId} down`);
    if (prev.linkStatus === 'down' && next.linkStatus === 'up') push('info', 'link-up', `${name(next)} link to ${next.masterId} up`);
    if (!prev.syncInProgress && next.syncInProgress) push('info', 'sync-started', `${name(next)} full sync from ${next.masterId} started`);
    if (prev.syncInProgress && !next.syncInProgress) push('info', 'sync-finished', `${name(next)} sync from ${next.masterId} finished`);
  }
  const served = (next.server?.syncFull ?? 0) - (prev.server?.syncFull ?? next.server?.syncFull ?? 0);
  if (served > 0) push('info', 'sync-started', `${name(next)} served ${served === 1 ? 'a full sync' : `${served} full syncs`} to ${syncedTo(prev, next, served)}`);
  if (prev.cluster?.state && next.cluster?.state && prev.cluster.state !== next.cluster.state) {
    push(next.cluster.state === 'ok' ? 'info' : 'warn', 'cluster', `${name(next)} cluster_state ${prev.cluster.state} → ${next.cluster.state}`);
  }
  return out;
}

/** A replica entry (INFO replication) that is taking a full sync now: the master saves or sends its RDB. */
const syncing = (state: string) => state === 'wait_bgsave' || state === 'send_bulk';

/**
 * Who took the full syncs a master served since the last poll: cutover's own live stream (a replica entry on
 * listening port 0, see NodeState.streams) or a replica, told by the entries that are new or syncing now.
 */
function syncedTo(prev: NodeState, next: NodeState, served: number): string {
  const replicas = (n: NodeState) => (n.replication?.replicas ?? []).filter((r) => r.port !== 0);
  const known = new Set(replicas(prev).map((r) => `${r.host}:${r.port}`));
  const newReplicas = replicas(next).filter((r) => !known.has(`${r.host}:${r.port}`) || syncing(r.state)).length;
  const streams = next.streams ?? [];
  const newStreams = Math.max(streams.length - (prev.streams?.length ?? 0), streams.filter((s) => syncing(s.state)).length);
  const toStreams = newStreams > 0 && newReplicas === 0;
  // nothing new on either side (it came and went between two polls): a stream when no replica is listed at all
  const onlyStreams = newStreams === 0 && newReplicas === 0 && streams.length > 0 && replicas(next).length === 0;
  if (toStreams || onlyStreams) return served > 1 && streams.length > 1 ? "cutover's live streams" : "cutover's live stream";
  if (newStreams > 0) return served > 1 ? "replicas and cutover's live stream" : "a replica or cutover's live stream";
  return served > 1 ? 'replicas' : 'a replica';
}

/** The cluster's verdict on a node (its peers' CLUSTER NODES) changed: fail, pfail or ok again. */
export function peerFailingChange(n: NodeState, was: 'fail' | 'pfail' | null | undefined, now: 'fail' | 'pfail' | null, at: number): LogEntry | undefined {
  if ((was ?? null) === now || (was === undefined && now === null)) return undefined;
  const word = (f: 'fail' | 'pfail' | null | undefined) => (f === 'fail' ? 'FAIL' : f === 'pfail' ? 'PFAIL (suspected)' : 'ok');
  return { at, level: now ? 'warn' : 'info', kind: 'cluster', node: n.id, message: `${name(n)} is ${word(now)} in the cluster's view (was ${word(was)})` };
}

/** A Sentinel event in few words: "+switch-master mymaster 127.0.0.1:6379 → 127.0.0.1:6380", "+sdown replica 127.0.0.1:6381 of mymaster". */
export function sentinelEventText(e: SentinelEventInfo): string {
  if (e.kind === '+switch-master' && e.host && e.toHost) return `${e.kind} ${e.master ?? ''} ${e.host}:${e.port} → ${e.toHost}:${e.toPort}`.replace('  ', ' ');
  if (!e.host) return `${e.kind} ${e.text}`.trim();
  const what = e.instanceType === 'slave' ? 'replica' : e.instanceType ?? '';
  const of = e.master && e.instanceType !== 'master' ? ` of ${e.master}` : e.master ? ` (${e.master})` : '';
  const extra = /#quorum \S+/.exec(e.text)?.[0] ?? '';
  // cutover's own live stream announces listening port 0: Sentinel lists it as a replica it cannot reach (never promoted)
  const stream = e.port === 0 && e.instanceType === 'slave' ? " (cutover's live stream, not a replica)" : '';
  return `${e.kind} ${what} ${e.host}:${e.port}${of}${extra ? ' ' + extra : ''}${stream}`.replace(/ +/g, ' ');
}
