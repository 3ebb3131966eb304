// Snapshot and compare progress and summaries as words: one updating line on a terminal, NDJSON otherwise. Pure.
import type { CompareCounts, CompareSummary } from '../engine/replicate/compare.js';
import { summaryLine } from '../engine/replicate/compare.js';
import type { SnapshotCounts, SnapshotSummary } from '../engine/replicate/snapshot.js';
import { thousands } from '../format/counts.js';
import { seconds } from '../format/durations.js';

const num = thousands;

/** "Scanning 12,000/100,000 (12%) · 45,100 keys/s · ETA 2.0s" */
export function progressLine(phase: 'Scanning' | 'Verifying', done: number, total: number, keysPerSec: number): string {
  const pct = total ? Math.min(100, Math.floor((done * 100) / total)) : 0;
  const eta = keysPerSec && total > done ? ` · ETA ${seconds((total - done) / keysPerSec)}` : '';
  return `${phase} ${num(done)}/${num(total)} (${pct}%) · ${num(keysPerSec)} keys/s${eta}`;
}

export function snapshotDone(c: SnapshotCounts): number {
  return c.written + c.wouldWrite + c.vanished + c.skipped + c.failed;
}

export function snapshotSummaryText(s: SnapshotSummary): string {
  const c = s.counts;
  const rate = s.elapsedMs ? Math.round((snapshotDone(c) * 1000) / s.elapsedMs) : 0;
  const lines = [
    `snapshot${s.dryRun ? ' (dry run: nothing written)' : ''}${s.stopped ? ' (stopped)' : ''}${s.lost ? ` (ended: ${s.lostSide ?? 'a side'} unreachable)` : ''}: ${num(c.scanned)} scanned, ${s.dryRun ? `${num(c.wouldWrite)} would be written` : `${num(c.written)} written`}, ` +
      `${num(c.vanished)} vanished, ${num(c.skipped)} skipped, ${num(c.failed)} failed` +
      `${c.chunked ? `, ${num(c.chunked)} over --mem-limit copied in chunks` : ''}` +
      `${c.fallbacks ? `, ${num(c.fallbacks)} DUMP-format fallbacks` : ''}${c.retries ? `, ${num(c.retries)} retries` : ''} in ${seconds(s.elapsedMs / 1000)} (${num(rate)} keys/s)`,
  ];
  for (const [reason, n] of Object.entries(s.skipReasons)) lines.push(`  skipped ${num(n)}: ${reason}`);
  for (const f of s.failures) lines.push(`  failed ${f.key}: ${f.error}`);
  if (c.failed > s.failures.length) lines.push(`  … and ${num(c.failed - s.failures.length)} more failed keys`);
  if (s.lost && !s.dryRun) lines.push(`  ${num(s.notAttempted ?? 0)} not attempted: the target holds a partial copy (run the snapshot again once the ${s.lostSide ?? 'server'} is back)`);
  return lines.join('\n') + '\n';
}

export function compareSummaryText(s: CompareSummary, showDiffs: boolean): string {
  const c: CompareCounts = s.counts;
  const lines = [
    `compare${s.stopped ? ' (stopped)' : ''}: ${num(c.compared)} compared, ${num(c.ok)} identical` +
      `${c.vanished ? `, ${num(c.vanished)} vanished meanwhile` : ''}${c.skipped ? `, ${num(c.skipped)} not comparable by type` : ''} in ${seconds(s.elapsedMs / 1000)}`,
    summaryLine(c, s.checkExtra),
  ];
  if (showDiffs) for (const d of s.diffs) lines.push(`  ${d.kind.padEnd(7)} ${d.key}: ${d.detail}`);
  return lines.join('\n') + '\n';
}
