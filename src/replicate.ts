// `cutover replicate` and `cutover compare`, headless: refusals first, then the snapshot, then verification.
// On a terminal one line updates in place; otherwise (or with --json) NDJSON, one event a second and a summary.
import type { ReplicateArgs } from './config/args.js';
import { describeEndpoint } from './config/endpoint.js';
import { redact } from './config/redact.js';
import { DEFAULT_CONNECT, describeError, tlsSettings, type ConnectOptions } from './engine/connect.js';
import { CompareJob, differences, summaryLine, type CompareSummary } from './engine/replicate/compare.js';
import { refusals } from './engine/replicate/refusals.js';
import { openSide } from './engine/replicate/side.js';
import { SnapshotJob, type SnapshotSummary } from './engine/replicate/snapshot.js';
import { compareSummaryText, progressLine, snapshotDone, snapshotSummaryText } from './render/replicate-text.js';

interface Output {
  progress(phase: 'Scanning' | 'Verifying', done: number, total: number, keysPerSec: number, counts: object): void;
  summary(kind: 'snapshot' | 'compare', text: string, data: object): void;
  end(): void;
}

/** One line rewritten in place on a terminal. */
function ttyOutput(): Output {
  let drawn = false;
  return {
    progress(phase, done, total, rate) {
      process.stdout.write(`\r\x1b[K${progressLine(phase, done, total, rate)}`);
      drawn = true;
    },
    summary(_kind, text) {
      if (drawn) process.stdout.write('\r\x1b[K');
      drawn = false;
      process.stdout.write(text);
    },
    end() {
      if (drawn) process.stdout.write('\n');
    },
  };
}

/** NDJSON: {"event":"progress",…} once a second, {"event":"summary",…} at the end of each phase. */
function jsonOutput(): Output {
  const line = (o: object) => process.stdout.write(redact(JSON.stringify(o)) + '\n');
  return {
    progress(phase, done, total, keysPerSec, counts) {
      line({ event: 'progress', phase: phase === 'Scanning' ? 'snapshot' : 'compare', done, total, keysPerSec, counts, at: new Date().toISOString() });
    },
    summary(kind, _text, data) {
      line({ event: 'summary', phase: kind, ...data });
    },
    end() {},
  };
}

export async function replicateCommand(a: ReplicateArgs): Promise<number> {
  const conn: ConnectOptions = {
    ...DEFAULT_CONNECT,
    tls: a.source.tls || a.target.tls ? tlsSettings(a.tlsFiles) : {},
    commandTimeoutMs: a.timeoutMs,
    connectTimeoutMs: Math.min(a.timeoutMs, 5000),
  };
  const open = (ep: typeof a.source, side: string) =>
    openSide(ep, conn, describeEndpoint(ep), `cutover-${side}`).catch((err: unknown) => {
      throw new Error(`${side}: ${describeError(err, ep)}`);
    });
  const [source, target] = await Promise.all([open(a.source, 'source'), open(a.target, 'target')]);
  const out = process.stdout.isTTY && !a.json ? ttyOutput() : jsonOutput();
  let current: { stop(): void } | undefined;
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    current?.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await refusals({ mode: a.mode, dryRun: a.dryRun, acceptNonEmpty: !!a.mergePolicy || a.yes }, source, target);
    let snapshot: SnapshotSummary | undefined;
    if (a.mode === 'snapshot') {
      const job = new SnapshotJob(source, target, {
        type: a.type,
        scan: a.scan,
        readBatch: a.readBatch,
        readThreads: a.readThreads,
        readQueue: a.readQueue,
        writeBatch: a.writeBatch,
        targetPool: a.targetPool,
        mergePolicy: a.mergePolicy ?? 'overwrite',
        dryRun: a.dryRun,
        maxAttempts: 5,
      });
      current = job;
      job.events.on((e) => {
        if (e.type === 'progress') out.progress('Scanning', snapshotDone(e.counts), e.counts.total, e.keysPerSec, e.counts);
      });
      snapshot = await job.run();
      out.summary('snapshot', snapshotSummaryText(snapshot), snapshot);
    }
    let compare: CompareSummary | undefined;
    if (!interrupted && (a.mode === 'compare' || (a.verify && !a.dryRun))) {
      const job = new CompareJob(source, target, {
        scan: a.scan,
        readBatch: a.readBatch,
        readThreads: a.readThreads,
        ttlToleranceMs: a.ttlToleranceMs,
        checkExtra: a.checkExtra,
        maxDiffs: a.showDiffs ? 1000 : 0,
      });
      current = job;
      job.events.on((e) => {
        if (e.type === 'progress') out.progress('Verifying', e.counts.compared + e.counts.vanished, e.counts.total, e.keysPerSec, e.counts);
      });
      compare = await job.run();
      const line = summaryLine(compare.counts, compare.checkExtra);
      out.summary('compare', compareSummaryText(compare, a.showDiffs), { line, ...compare, diffs: a.showDiffs ? compare.diffs : undefined });
    }
    out.end();
    if (interrupted) return 130;
    const failed = (snapshot?.counts.failed ?? 0) > 0;
    const differs = compare ? differences(compare.counts) > 0 : false;
    return failed || differs ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    source.close();
    target.close();
  }
}
