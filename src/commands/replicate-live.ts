// `cutover replicate --mode live|liveonly`, headless: a line a second on a terminal (log lines above it), NDJSON
// otherwise ({"event":"live",…} a second, {"event":"log",…}, {"event":"summary",…}). Runs until Ctrl-C, a failure,
// or --idle-timeout (then a verification decides the exit code).
import type { ReplicateArgs } from '../options/args.js';
import { redact } from '../options/redact.js';
import { differences, summaryLine } from '../engine/replicate/compare.js';
import { LiveJob } from '../engine/live/job.js';
import type { LiveEvent, LiveStats } from '../engine/live/types.js';
import type { Side } from '../engine/replicate/side.js';
import { EXIT } from '../headless/exit-codes.js';
import { writeNdjson } from '../headless/ndjson.js';
import { onStopSignals } from '../headless/signals.js';
import { TtyLine } from '../headless/tty-line.js';
import { liveLine, liveSummaryText } from '../render/live-text.js';
import { liveStopLine } from '../engine/live/stop-line.js';
import { compareSummaryText, progressLine, snapshotSummaryText } from '../render/replicate-text.js';
import type { Registry } from 'prom-client';
import { liveJobMetrics } from '../metrics/live-job.js';
import { streamLabel } from '../metrics/labels.js';

/** The meters as NDJSON: each change source's own (no offsets for notifications, no event counts for psync). */
export function statsJson(s: LiveStats): Partial<LiveStats> {
  const { sourceOffset, receivedOffset, appliedOffset, lagBytes, events, droppedEvents, overflows, ...common } = s;
  return s.source === 'psync' ? { ...common, sourceOffset, receivedOffset, appliedOffset, lagBytes } : { ...common, events, droppedEvents, overflows };
}

/** `registry`: --metrics, the job's meters and progress served to Prometheus */
export async function runLive(a: ReplicateArgs, source: Side, target: Side, registry?: Registry): Promise<number> {
  const l = a.live!;
  const job = new LiveJob(source, target, {
    mode: a.mode as 'live' | 'liveonly',
    liveSource: l.liveSource,
    scan: a.scan,
    allDbs: a.allDbs,
    allowFlush: l.allowFlush,
    checkpoint: l.checkpoint,
    eventQueue: l.eventQueue,
    eventOrder: l.eventOrder,
    flushIntervalMs: l.flushIntervalMs,
    enableNotifications: l.enableNotifications,
    idleTimeoutMs: l.idleTimeoutMs,
    verifyOnIdle: l.verifyOnIdle,
    disklessLoad: l.disklessLoad,
    checkExtra: a.checkExtra,
    showDiffs: a.showDiffs,
    type: a.type,
    readBatch: a.readBatch,
    readThreads: a.readThreads,
    readQueue: a.readQueue,
    writeBatch: a.writeBatch,
    targetPool: a.targetPool,
    ttlToleranceMs: a.ttlToleranceMs,
    memLimitBytes: a.memLimitBytes,
    listeningPort: 0,
  });
  if (registry) job.events.on(liveJobMetrics(registry, streamLabel(a.source, a.target), source.db));
  const tty = process.stdout.isTTY && !a.json;
  const line = new TtyLine();
  job.events.on((e: LiveEvent) => {
    if (!tty) {
      if (e.type === 'stats') writeNdjson({ event: 'live', ...statsJson(e.stats), at: new Date().toISOString() });
      else if (e.type === 'log') writeNdjson({ event: 'log', level: e.level, message: e.message, at: new Date().toISOString() });
      else if (e.type === 'snapshot-progress') writeNdjson({ event: 'progress', phase: 'snapshot', done: e.done, total: e.total, keysPerSec: e.keysPerSec, at: new Date().toISOString() });
      else if (e.type === 'verify-progress') writeNdjson({ event: 'progress', phase: 'compare', done: e.done, total: e.total, keysPerSec: e.keysPerSec, at: new Date().toISOString() });
      else if (e.type === 'snapshot-done') writeNdjson({ event: 'summary', phase: 'snapshot', ...e.summary });
      else if (e.type === 'verify-done') {
        // the shape of cutover compare's summary: db (and targetDb where it is another), RIOT's line, diffs with --show-diffs
        const db = e.targetDb === e.db ? { db: e.db } : { db: e.db, targetDb: e.targetDb };
        writeNdjson({ event: 'summary', phase: 'compare', ...db, line: summaryLine(e.summary.counts, e.summary.checkExtra), ...e.summary, diffs: a.showDiffs ? e.summary.diffs : undefined });
      }
      return;
    }
    if (e.type === 'stats') line.draw(liveLine(e.stats));
    else if (e.type === 'snapshot-progress') line.draw(progressLine('Scanning', e.done, e.total, e.keysPerSec));
    else if (e.type === 'verify-progress') line.draw(progressLine('Verifying', e.done, e.total, e.keysPerSec));
    else if (e.type === 'log') line.above(`${e.level === 'info' ? '' : `${e.level}: `}${redact(e.message)}\n`);
    else if (e.type === 'snapshot-done') line.above(snapshotSummaryText(e.summary));
    else if (e.type === 'verify-done') line.above(compareSummaryText(e.summary, a.showDiffs));
  });
  // the meters as they stand, for a stop that does not end within the grace (a target that hangs or is down)
  let last: LiveStats | undefined;
  job.events.on((e: LiveEvent) => {
    if (e.type === 'stats') last = e.stats;
  });
  const signals = onStopSignals({
    stop: () => job.stop(),
    force: () => {
      if (tty) line.replace(`live (stopped before what was received was written${last ? `): ${liveStopLine(last)}` : ')'}\n`);
      else writeNdjson({ event: 'summary', phase: 'live', reason: 'stopped', complete: false, ...(last ? { stats: statsJson(last) } : {}) });
    },
    notice: tty ? 'cutover: stopping: what was received is written and the checkpoint saved (Ctrl-C again to quit now)' : undefined,
  });
  try {
    const summary = await job.run();
    if (tty) line.replace(liveSummaryText(summary));
    else writeNdjson({ event: 'summary', phase: 'live', ...summary, stats: statsJson(summary.stats), verify: summary.verify && { ...summary.verify, diffs: a.showDiffs ? summary.verify.diffs : undefined } });
    if (summary.refused) {
      process.stderr.write(`cutover: ${redact(summary.error ?? 'the source refused the stream')}\n`);
      return EXIT.badInput;
    }
    if (summary.reason === 'failed') {
      process.stderr.write(`cutover: ${redact(summary.error ?? 'live replication failed')}\n`);
      return EXIT.failed;
    }
    if (summary.reason === 'stopped') return EXIT.stopped;
    return summary.verify && differences(summary.verify.counts) === 0 && summary.stats.failed === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    signals.dispose();
  }
}
