// The short words a node's row is made of, the same on screen and in plain text. Pure.
import { countSlots } from '../engine/topology/parse-cluster-nodes.js';
import type { NodeState } from '../engine/topology/types.js';
import { slotRanges } from './format.js';
import { count } from '../format/counts.js';
import { seconds } from '../format/durations.js';
import { bytes } from '../format/units.js';

export { nodeName } from '../engine/topology/changes.js';

/** ROLE column: the role, or DOWN in words so it never rests on colour alone (NOAUTH: it answers, but refuses cutover's credentials). */
export function roleText(n: NodeState): string {
  if (n.status === 'down') return n.authFailed ? 'NOAUTH' : 'DOWN';
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
    // it answers: not down, not hung; the operator's credentials are refused there
    if (n.authFailed) return verdict + fit(width - verdict.length, 'authentication failed: wrong user or password', 'authentication failed', 'auth failed');
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
  const streams = streamWays(n);
  const self = n.cluster?.self;
  const verdict = n.cluster?.peerFailing ? `${n.cluster.peerFailing.toUpperCase()} ` : '';
  if (self && n.role === 'master') {
    const ranges = slotRanges(self.slots);
    const slots = fit(width - verdict.length, `slots ${ranges || 'none'} (${countSlots(self.slots)})`, ranges || 'no slots');
    const stream = streams.find((w) => slots.length + verdict.length + w.length + 3 <= width);
    return verdict + slots + (stream ? ` · ${stream}` : '');
  }
  if (streams.length) return fit(width, ...streams.map((w) => `${verdict}${w}`));
  return verdict.trim();
}

/** "cutover stream lag 0 B" for a master followed by cutover's live stream(s). */
export function streamText(n: NodeState): string {
  return streamWays(n)[0] ?? '';
}

/** Cutover's live stream(s) on a master, longest first: "cutover stream lag 0 B", "stream lag 0 B", "stream 0 B". */
function streamWays(n: NodeState, lagWords?: string): string[] {
  const s = n.streams ?? [];
  if (!s.length) return [];
  const lag = lagWords ?? bytes(Math.max(...s.map((x) => x.lagBytes ?? 0)));
  const what = s.length > 1 ? `${s.length} streams` : 'stream';
  return [`${s.length > 1 ? `${s.length} cutover streams` : 'cutover stream'} lag ${lag}`, `${what} lag ${lag}`, `${what} ${lag}`];
}

/**
 * The note of a node marked S or T: "SOURCE · stream lag 0 B", the note as long as the width lets it be; the
 * mark alone when even its shortest does not fit (the ROLE column says DOWN, the replication pane the stream's lag).
 */
export function taggedNote(tag: string, n: NodeState, now: number, width = Infinity): string {
  const note = noteText(n, now, Math.max(0, width - tag.length - 3));
  const joined = note ? `${tag} · ${note}` : tag;
  return joined.length <= width ? joined : tag;
}

/**
 * The width a node's note needs to say what matters, the same whatever the lag (so the columns do not come and go
 * as it changes): a marked source's live stream, "SOURCE · stream 1023 KB"; 0 for the rest (they fit or shorten).
 */
export function noteRoom(n: NodeState, tag = ''): number {
  const streams = n.streams?.length ? n : tag === 'SOURCE' && n.role === 'master' ? { ...n, streams: [{ host: '', state: '', offset: 0 }] } : undefined;
  if (!streams) return 0;
  const shortest = streamWays(streams, '1023 KB').at(-1)!;
  return (tag ? tag.length + 3 : 0) + shortest.length;
}

export function keysText(n: NodeState): string {
  return n.role === 'sentinel' ? '' : count(n.keys);
}
