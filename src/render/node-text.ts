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

/** Sentinel's flags for a master, in capitals so they read as alarms. */
const FLAG_WORDS: Record<string, string> = {
  s_down: 'SDOWN',
  o_down: 'ODOWN',
  disconnected: 'DISCONNECTED',
  failover_in_progress: 'FAILOVER',
  promoted: 'PROMOTED',
  reconf_sent: 'RECONF',
  reconf_inprog: 'RECONF',
  reconf_done: 'RECONF-DONE',
};

/** How long a node has been down, never negative (the clock of the screen and of the poll differ a little). */
export function downFor(n: NodeState, now: number): string {
  return seconds(Math.max(0, now - (n.downSince ?? now)) / 1000);
}

/** What a row says beyond role and offset: slots for a cluster master, the watched master for a Sentinel, how long down. */
/** The longest of the ways to say it that fits the width (the shortest when none does). */
function fit(width: number, ...ways: string[]): string {
  return ways.find((w) => w.length <= width) ?? ways[ways.length - 1];
}

export function noteText(n: NodeState, now: number, width = Infinity): string {
  if (n.status === 'down') {
    const verdict = n.cluster?.peerFailing ? n.cluster.peerFailing.toUpperCase() + ' · ' : '';
    // a node that never answered has no "down since": we only know it is not answering now
    return verdict + (n.server ? `down ${downFor(n, now)}` : 'not answering');
  }
  if (n.role === 'sentinel') {
    const masters = n.sentinel?.masters ?? [];
    const say = (each: (m: (typeof masters)[number], tail: string) => string) =>
      masters
        .map((m) => {
          const flags = m.flags.filter((f) => f !== 'master').map((f) => FLAG_WORDS[f] ?? f);
          return each(m, `q${m.quorum}${flags.length ? ' ' + flags.join(',') : ''}`);
        })
        .join('; ');
    return fit(width, say((m, tail) => `${m.name} ${m.host}:${m.port} ${tail}`), say((m, tail) => `${m.name} ${tail}`), say((_m, tail) => tail));
  }
  if (n.conflict) return fit(width, `2ND MASTER: the Sentinels' is ${n.conflict}`, '2ND MASTER');
  const stream = streamText(n);
  const self = n.cluster?.self;
  const verdict = n.cluster?.peerFailing ? `${n.cluster.peerFailing.toUpperCase()} ` : '';
  if (self && n.role === 'master') {
    const ranges = slotRanges(self.slots);
    const slots = fit(width - verdict.length, `slots ${ranges || 'none'} (${countSlots(self.slots)})`, ranges || 'no slots');
    return verdict + slots + (stream && slots.length + verdict.length + stream.length + 3 <= width ? ` · ${stream}` : '');
  }
  if (stream) return fit(width, `${verdict}${stream}`, `${verdict}cutover stream`).trim();
  return verdict.trim();
}

/** "cutover stream lag 0 B" for a master followed by cutover's live stream(s). */
export function streamText(n: NodeState): string {
  const s = n.streams ?? [];
  if (!s.length) return '';
  const lag = Math.max(...s.map((x) => x.lagBytes ?? 0));
  return `${s.length > 1 ? `${s.length} cutover streams` : 'cutover stream'} lag ${bytes(lag)}`;
}

export function keysText(n: NodeState): string {
  return n.role === 'sentinel' ? '' : count(n.keys);
}
