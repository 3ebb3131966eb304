// What changed between two polls of a node, as event-log entries. Pure.
import type { LogEntry, NodeState } from './types.js';

function name(n: NodeState): string {
  return n.label ? `${n.label} ${n.id}` : n.id;
}

export function detectChanges(prev: NodeState | undefined, next: NodeState, at: number): LogEntry[] {
  const out: LogEntry[] = [];
  const push = (level: LogEntry['level'], kind: LogEntry['kind'], message: string) => out.push({ at, level, kind, node: next.id, message });
  if (!prev || prev.status === 'pending') return out;

  if (prev.status === 'up' && next.status === 'down') {
    // the error names the address already shown at the start of the line
    const why = (next.lastError ?? 'no answer').replace(` at ${next.id}`, '').replace(new RegExp(`^${next.id.replace(/[.[\]]/g, '\\$&')}:? ?`), '');
    push('error', 'node-down', `${name(next)} is down: ${why}`);
    return out;
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
  const pf = prev.cluster?.self?.failing;
  const nf = next.cluster?.self?.failing;
  if (pf !== nf && next.cluster) push(nf ? 'warn' : 'info', 'cluster', `${name(next)} cluster flag ${nf ?? 'ok'} (was ${pf ?? 'ok'})`);
  if (prev.cluster?.state && next.cluster?.state && prev.cluster.state !== next.cluster.state) {
    push(next.cluster.state === 'ok' ? 'info' : 'warn', 'cluster', `${name(next)} cluster_state ${prev.cluster.state} → ${next.cluster.state}`);
  }
  return out;
}
