// The short words a node's row is made of, the same on screen and in plain text. Pure.
import { countSlots } from '../engine/topology/parse-cluster-nodes.js';
import type { NodeState } from '../engine/topology/types.js';
import { bytes, count, seconds, slotRanges } from './format.js';

export { nodeName } from '../engine/topology/changes.js';

/** ROLE column: the role, or DOWN in words so it never rests on colour alone. */
export function roleText(n: NodeState): string {
  if (n.status === 'down') return 'DOWN';
  if (n.status === 'pending') return '…';
  return n.role;
}

export function linkText(n: NodeState): string {
  if (n.status !== 'up') return '-';
  if (n.role !== 'replica') return '';
  if (n.syncInProgress) return 'sync';
  return n.linkStatus ?? '?';
}

export function lagText(n: NodeState): string {
  if (n.role !== 'replica' || n.status !== 'up') return '';
  if (n.lagBytes === undefined) return '?';
  return n.lagBytes === 0 ? '0 B' : `${bytes(n.lagBytes)} ${seconds(n.lagSeconds)}`;
}

/** What a row says beyond role and offset: slots for a cluster master, the watched master for a Sentinel, how long down. */
export function noteText(n: NodeState, now: number, compact = false): string {
  if (n.status === 'down') return `${n.cluster?.peerFailing ? n.cluster.peerFailing.toUpperCase() + ' · ' : ''}down ${seconds((now - (n.downSince ?? now)) / 1000)}`;
  if (n.role === 'sentinel') {
    return (n.sentinel?.masters ?? [])
      .map((m) => {
        const flags = m.flags.filter((f) => f !== 'master');
        return compact ? `${m.name} q${m.quorum}${flags.length ? ' ' + flags.join(',') : ''}` : `${m.name} ${m.host}:${m.port} q${m.quorum}${flags.length ? ` ${flags.join(',')}` : ''}`;
      })
      .join('; ');
  }
  const self = n.cluster?.self;
  const verdict = n.cluster?.peerFailing ? `${n.cluster.peerFailing.toUpperCase()} ` : '';
  if (self && n.role === 'master') return verdict + (compact ? slotRanges(self.slots) || 'no slots' : `slots ${slotRanges(self.slots) || 'none'} (${countSlots(self.slots)})`);
  return verdict.trim();
}

export function keysText(n: NodeState): string {
  return n.role === 'sentinel' ? '' : count(n.keys);
}
