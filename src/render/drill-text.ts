// The consistency checker's figures as words: the per-second line, windows of unavailability, the summary.
// Pure; used by `cutover drill` and by the console's drill pane.
import type { DrillCounts, DrillLogEntry, DrillSummary, DrillTick, UnavailabilityWindow, WindowTotals } from '../engine/drill/types.js';
import { count, thousands } from '../format/counts.js';
import { clockMs, ms, seconds } from '../format/durations.js';

/** Every count in the drill's output: "1,141". */
const num = thousands;

/** A narrow pane's count: "1,141" below ten thousand (as everywhere else), then "12.0k". */
function short(n: number): string {
  return n < 10_000 ? num(n) : count(n);
}

/**
 * "12,000 reads (0 err) | 12,000 writes (3 err) | lost 0 | unacked 0", and "| writes unavailable for 850 ms" while a
 * window is open. `compact`: counts as 12.0k, for a narrow pane.
 */
export function tickLine(t: DrillTick, compact = false, now = t.at): string {
  const open = t.open ? ` | writes unavailable for ${ms(Math.max(0, now - t.open.startedAt))}` : '';
  return countsLine(t.counts, compact) + open;
}

/** "12,000 reads (0 err) | 12,000 writes (3 err) | lost 0 | unacked 0" */
export function countsLine(c: DrillCounts, compact = false): string {
  const n = compact ? short : num;
  return `${n(c.reads)} reads (${n(c.readErrors)} err) | ${n(c.writes)} writes (${n(c.writeErrors)} err) | lost ${n(c.lost)} | unacked ${n(c.unacked)}`;
}

/** "write unavailability: 2 windows, longest 842 ms, total 910 ms" */
export function windowsLine(w: WindowTotals): string {
  if (!w.count) return 'write unavailability: none';
  const open = w.open ? ` (${w.open} still open)` : '';
  return `write unavailability: ${w.count} window${w.count === 1 ? '' : 's'}${open}, longest ${ms(w.longestMs)}, total ${ms(w.totalMs)}`;
}

/** "#1 master 12:00:01.234 → 12:00:02.076 842 ms · 290 failed · 127.0.0.1:7001 → 127.0.0.1:7002 · READONLY …" */
export function windowLine(w: UnavailabilityWindow, now?: number): string {
  const group = w.group === 'master' ? '' : ` ${w.group}`;
  const end = w.endedAt !== undefined ? clockMs(w.endedAt) : 'still open';
  const dur = w.endedAt !== undefined ? ms(w.durationMs ?? 0) : now !== undefined ? `${ms(now - w.startedAt)} so far` : w.durationMs !== undefined ? `${ms(w.durationMs)} so far` : '';
  const writes = [w.failedWrites ? `${num(w.failedWrites)} failed` : '', w.stalledWrites ? `${num(w.stalledWrites)} stalled` : ''].filter(Boolean).join(', ');
  const moved = w.masterAfter && w.masterBefore && w.masterAfter !== w.masterBefore ? ` · ${w.masterBefore} → ${w.masterAfter}` : '';
  return `#${w.id}${group} ${clockMs(w.startedAt)} → ${end} ${dur}${writes ? ` · ${writes}` : ''}${moved} · first error: ${w.firstError}`;
}

/** A narrow pane's window: "#1 842 ms from 12:00:01.234 · 290 failed · 127.0.0.1:7001 → 127.0.0.1:7002" */
export function shortWindowLine(w: UnavailabilityWindow, now?: number): string {
  const group = w.group === 'master' ? '' : ` ${w.group}`;
  const dur = w.endedAt !== undefined ? ms(w.durationMs ?? 0) : `${ms(now !== undefined ? now - w.startedAt : (w.durationMs ?? 0))}, still open`;
  const writes = [w.failedWrites ? `${num(w.failedWrites)} failed` : '', w.stalledWrites ? `${num(w.stalledWrites)} stalled` : ''].filter(Boolean).join(', ');
  const moved = w.masterAfter && w.masterBefore && w.masterAfter !== w.masterBefore ? ` · ${w.masterBefore} → ${w.masterAfter}` : '';
  return `#${w.id}${group} ${dur} from ${clockMs(w.startedAt)}${writes ? ` · ${writes}` : ''}${moved}`;
}

/** A log entry with milliseconds: "12:00:01.234 WARN  writes unavailable since …" */
export function drillLogLine(e: DrillLogEntry): string {
  const mark = e.level === 'error' ? 'ERROR' : e.level === 'warn' ? 'WARN ' : 'info ';
  return `${clockMs(e.at)} ${mark} ${e.message}`;
}

/** The verdict in one line. */
export function verdictLine(s: DrillSummary): string {
  if (s.reason === 'failed') return `drill FAILED: ${s.error ?? 'could not start'}`;
  const unchecked = s.finalCheck.unchecked ? ` (${num(s.finalCheck.unchecked)} counters could not be read back: not verified)` : '';
  return s.lost ? `LOST ${num(s.lost)} acknowledged write${s.lost === 1 ? '' : 's'}${unchecked}` : `no acknowledged write lost${unchecked}`;
}

const SHOWN_WINDOWS = 10;

/** The summary at the end of a drill, several lines. */
export function summaryText(s: DrillSummary): string {
  const c = s.counts;
  const rate = s.rate ? `at ${num(s.rate)} writes/s` : 'at the maximum rate';
  const limit = s.stallMs !== undefined ? ` ${ms(s.stallMs)}` : '';
  const lines = [
    `drill ${s.reason === 'duration' ? 'done' : s.reason === 'stopped' ? 'stopped' : 'FAILED'} · ${s.mode === 'sentinel' ? '' : `${s.mode} `}${s.target} · ${seconds(s.durationMs / 1000)} · ${num(s.counters)} counter${s.counters === 1 ? '' : 's'} ${rate}`,
    // "stalled" here is the windows' "stalled": the same writes, on the same clock as "the slowest"
    `  writes: ${num(c.writes)} acknowledged (the slowest in ${ms(s.slowestWriteMs)}), ${num(c.writeErrors)} failed (${num(c.uncertain)} with no reply), ${num(c.stalled)} stalled (acknowledged after the${limit} stall limit)`,
    `  reads: ${num(c.reads)}, ${num(c.readErrors)} failed`,
    `  ${windowsLine(s.windows)}`,
  ];
  const shown = s.windowList.slice(-SHOWN_WINDOWS);
  for (const w of shown) lines.push(`    ${windowLine(w)}`);
  if (s.windows.count > shown.length) lines.push(`    … ${num(s.windows.count - shown.length)} earlier window${s.windows.count - shown.length === 1 ? '' : 's'} not shown`);
  if (s.masters.length > 1) lines.push(`  masters: ${s.masters.join(' → ')}`);
  else if (s.masters.length === 1) lines.push(`  master: ${s.masters[0]}`);
  lines.push(
    `  lost acknowledged writes: ${num(s.lost)} · unacked (applied, no reply): ${num(c.unacked)} · final read-back: ${num(s.finalCheck.checked)}/${num(s.finalCheck.checked + s.finalCheck.unchecked)} counters`,
  );
  lines.push(verdictLine(s));
  return lines.join('\n') + '\n';
}
