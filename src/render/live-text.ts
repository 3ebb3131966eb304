// Live replication's figures as words: the Listening line (terminal and console) and the end summary. Pure.
import type { LiveStats, LiveSummary } from '../engine/live/types.js';
import { thousands } from '../format/counts.js';
import { ms, seconds } from '../format/durations.js';
import { bytes } from '../format/units.js';

const num = thousands;

/** An event's age: "4 ms" ("-" before the first). */
function age(n: number | undefined): string {
  return n === undefined ? '-' : ms(n);
}

/** "lag 0 B · age p50 1 ms p99 4 ms · queue 0 · 10,012 ops/s · resyncs 0" */
export function liveMeters(s: LiveStats): string {
  const parts: string[] = [];
  if (s.source === 'psync') parts.push(`lag ${bytes(s.lagBytes)}`);
  parts.push(`age p50 ${age(s.ageP50Ms)} p99 ${age(s.ageP99Ms)}`, `queue ${num(s.queueDepth)}`, `${num(s.opsPerSec)} ops/s`);
  if (s.source === 'psync') parts.push(`resyncs ${s.fullResyncs + s.partialResyncs}${s.fullResyncs ? ` (${s.fullResyncs} full)` : ''}`);
  else parts.push(`dropped ${num(s.droppedEvents)}${s.overflows ? ` (${s.overflows} overflows)` : ''}`);
  if (s.failed) parts.push(`${num(s.failed)} failed`);
  return parts.join(' · ');
}

/** Offsets in words: "offset source 1,234,567 · applied 1,234,560". */
export function liveOffsets(s: LiveStats): string {
  return s.source === 'psync' ? `offset source ${num(s.sourceOffset)} · applied ${num(s.appliedOffset)}` : `${num(s.events)} events`;
}

const PHASE: Record<LiveStats['phase'], string> = {
  snapshot: 'Snapshot',
  sync: 'Syncing',
  streaming: 'Listening',
  verifying: 'Verifying',
  stopping: 'Stopping',
};

/** The one line a terminal shows, rewritten each second. */
export function liveLine(s: LiveStats): string {
  const what = s.phase === 'sync' ? `${num(s.rdbKeys)} RDB keys` : `${num(s.applied)} applied`;
  return `${PHASE[s.phase]} ▸ ${what} · ${liveMeters(s)}`;
}

/** " (1 too big to hold, written in pieces; 2 written as typed commands: fallbacks)", or nothing. */
function rdbNotes(st: LiveStats): string {
  const notes: string[] = [];
  if (st.rdbBigKeys) notes.push(`${num(st.rdbBigKeys)} too big to hold, written in pieces`);
  if (st.fallbacks) notes.push(`${num(st.fallbacks)} written as typed commands: fallbacks`);
  return notes.length ? ` (${notes.join('; ')})` : '';
}

export function liveSummaryText(s: LiveSummary): string {
  const st = s.stats;
  const how = s.reason === 'idle' ? `idle for the --idle-timeout` : s.reason === 'stopped' ? 'stopped' : 'failed';
  const lines = [
    `live (${st.source}, ${how}): ${num(st.applied)} commands applied` +
      (st.source === 'psync' ? `, ${num(st.rdbKeys)} keys from the ${st.fullResyncs ? 'last ' : ''}RDB${rdbNotes(st)}, ${num(st.filtered)} left out by filters` : `, ${num(st.events)} events, ${num(st.droppedEvents)} dropped, ${st.overflows} queue overflows`) +
      `, ${num(st.failed)} failed in ${seconds(s.elapsedMs / 1000)}`,
  ];
  if (st.source === 'psync') {
    lines.push(
      `  offsets: source ${num(st.sourceOffset)}, ${st.receivedOffset || st.appliedOffset ? `applied ${num(st.appliedOffset)} (lag ${bytes(st.lagBytes)})` : 'nothing received'} · resyncs: ${st.partialResyncs} partial, ${st.fullResyncs} full · reconnects ${st.reconnects}` +
        (st.flushes ? ` · ${st.flushes} FLUSH seen` : '') +
        (st.splitTransactions ? ` · ${st.splitTransactions} transactions split over target masters` : ''),
    );
  } else lines.push(`  notifications are not a change log: the verification, not this line, says whether anything was lost`);
  if (s.error) lines.push(`  ${s.error}`);
  return lines.join('\n') + '\n';
}
