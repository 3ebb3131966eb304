// `cutover replicate` and `cutover compare`, headless: refusals first, then the snapshot, then verification.
// On a terminal one line updates in place; otherwise (or with --json) NDJSON, one event a second and a summary.
// With --all-dbs each database holding keys is its own pass, and every summary says which db it was.
// `cutover compare` is this command: the parser reads the word as `replicate --mode compare` (no writes, the
// verification alone), and `cutover compare --help` prints this help. --mode live|liveonly runs replicate-live.ts.
import type { ReplicateArgs } from '../options/args.js';
import { describeEndpoint, InputError } from '../options/endpoint.js';
import { redact } from '../options/redact.js';
import { describeError } from '../engine/redis/connect.js';
import { jobError } from '../engine/topology/connection-words.js';
import { CompareJob, differences, summaryLine, type CompareSummary } from '../engine/replicate/compare.js';
import { preflightTarget } from '../engine/replicate/preflight-target.js';
import { refusals } from '../engine/replicate/refusals.js';
import { keyspace, openSide, type ReadFrom, type Side } from '../engine/replicate/side.js';
import { addressOf } from '../engine/redis/resp-pool.js';
import { checkCheckpointFile, type Checkpoint } from '../engine/live/checkpoint.js';
import { SnapshotJob, type SnapshotSummary } from '../engine/replicate/snapshot.js';
import { EXIT } from '../headless/exit-codes.js';
import { writeNdjson } from '../headless/ndjson.js';
import { onStopSignals } from '../headless/signals.js';
import { TtyLine } from '../headless/tty-line.js';
import { connectOptionsFor } from './connection.js';
import { compareSummaryText, progressLine, snapshotDone, snapshotSummaryText } from '../render/replicate-text.js';
import { serveMetrics } from '../metrics/server.js';
import { streamLabel } from '../metrics/labels.js';
import { snapshotMetrics, type SnapshotMetrics } from '../metrics/snapshot.js';
import type { Registry } from 'prom-client';

/** `cutover replicate --help`, `cutover compare --help` */
export const HELP = `cutover replicate --source URI --target URI [--mode snapshot|live|liveonly|compare] [options]
cutover compare --source URI --target URI [options]

Client-side replication, like RIOT's replicate: SCAN the source (every master of a cluster), read each key,
write it to the target (a cluster target by slot), then verify. Standalone or cluster on either side.
  --type dump|struct       DUMP+PTTL / RESTORE REPLACE (default), or type-based reads and writes keeping TTLs
  --source-db N, --target-db N   databases (or the URI's /N)
  --all-dbs                every database holding keys (INFO keyspace) into the same number on the target, one pass
                           each, every summary naming its db (standalone only; not with --source-db/--target-db)
  --read-from master|replica   scan and read the source on its masters (default), or on one replica of each: a
                           cluster's replicas paired to their masters, a standalone master's first online replica
  --mem-limit MB           a key whose MEMORY USAGE is above this (1 = 1 MB; 0.5, 64KB, 2GB) is never read whole
                           (nor DUMPed): copied in chunks (HSCAN/SSCAN/ZSCAN, LRANGE, XRANGE, GETRANGE windows),
                           DEL first, PEXPIRE last, and compared in chunks; one chunk in flight per reader. Not
                           atomic: a big key written to meanwhile may differ (the verification says so). A chunked
                           stream keeps its last ID and consumer groups with --type dump, not their pending entries
  --scan-count N (1000)  --scan-match GLOB  --scan-type TYPE
  --key-include RE, --key-exclude RE (repeatable)   --key-slots 0:8000,10000:16383
  --read-batch N (500)  --read-threads N (2)  --read-queue N (10000)  --write-batch N (500)  --target-pool N (4)
  --merge-policy overwrite|merge   write over a non-empty target (merge: with --type struct, into collections)
  --yes                    accept a non-empty target
  --dry-run                read everything, write nothing
  --no-verify              skip the verification after the snapshot
  --ttl-tolerance MS (1000)  --check-extra (count keys only on the target; live: in the verification at the end)  --show-diffs
  --json                   NDJSON: a progress event a second and a summary (also when stdout is not a terminal)
  --metrics HOST:PORT      serve Prometheus metrics on http://HOST:PORT/metrics while it runs (progress,
                           differences, live meters; see the README's Metrics)
Live replication (--mode live: the data, then every change; --mode liveonly: changes from now on), until Ctrl-C:
  --live-source psync|notifications   the replication stream, as a replica (default: zero loss, in order), or
                           keyspace notifications (RIOT's way, for sources that refuse PSYNC; never claims zero loss)
  --allow-flush            forward FLUSHALL/FLUSHDB (always reported); flush the target before a full resync's RDB
  --checkpoint FILE        psync: keep replid and applied offset in FILE; a restart resumes by partial resync (no --yes needed)
  --idle-timeout D         no change for D (30s, 5m): verify as compare does, then exit 0 (identical) or 1
  --verify-on-idle         verify whenever the stream is quiet (for --idle-timeout, or 2s), and go on
  --event-queue N (10000)  --event-order fifo|priority  --flush-interval D (50ms)   notifications' queue
  --enable-notifications   set notify-keyspace-events KA on the source for this run when it is off (set back at exit;
                           else: refused)
  --mem-limit SIZE         psync: an RDB key bigger than this is written in pieces, never held whole (8MB)
  --diskless-load          psync: apply the RDB as it arrives, not kept in a temporary file and checked whole first
                           (a bad checksum found at its end then leaves a partial target: said, exit 1)
  Meters a second: source/applied offset, lag bytes, event age p50/p99, queue, ops/s, resyncs (NDJSON "live")
Exit codes: 0 copied and identical · 1 differences or failed keys · 2 refused (nothing written) · 130 stopped by Ctrl-C`;

interface Output {
  progress(phase: 'Scanning' | 'Verifying', done: number, total: number, keysPerSec: number, counts: object, pass: Pass): void;
  summary(kind: 'snapshot' | 'compare', text: string, data: object, pass: Pass): void;
  end(): void;
}

/** One database's snapshot and/or compare. `shown`: say which db in the text too (--all-dbs). */
interface Pass {
  db: number;
  targetDb: number;
  snapshot: boolean;
  compare: boolean;
  shown: boolean;
}

/** "db 3 · " before a pass's text with --all-dbs. */
function prefix(pass: Pass): string {
  return pass.shown ? `db ${pass.db} · ` : '';
}

/** The db fields of an NDJSON event: db, and targetDb where it is another. */
function dbFields(pass: Pass): { db: number; targetDb?: number } {
  return pass.targetDb === pass.db ? { db: pass.db } : { db: pass.db, targetDb: pass.targetDb };
}

/** One line rewritten in place on a terminal. */
function ttyOutput(): Output {
  const line = new TtyLine();
  return {
    progress(phase, done, total, rate, _counts, pass) {
      line.draw(`${prefix(pass)}${progressLine(phase, done, total, rate)}`);
    },
    summary(_kind, text, _data, pass) {
      line.replace(prefix(pass) + text);
    },
    end() {
      line.end();
    },
  };
}

/** NDJSON: {"event":"progress",…} once a second, {"event":"summary",…} at the end of each phase. */
function jsonOutput(): Output {
  return {
    progress(phase, done, total, keysPerSec, counts, pass) {
      writeNdjson({ event: 'progress', phase: phase === 'Scanning' ? 'snapshot' : 'compare', ...dbFields(pass), done, total, keysPerSec, counts, at: new Date().toISOString() });
    },
    summary(kind, _text, data, pass) {
      writeNdjson({ event: 'summary', phase: kind, ...dbFields(pass), ...data });
    },
    end() {},
  };
}

/** The passes to run: one for the named databases, or (--all-dbs) one per database holding keys. */
async function passesFor(a: ReplicateArgs, source: Side, target: Side): Promise<Pass[]> {
  const snapshot = a.mode === 'snapshot';
  const compare = a.mode === 'compare' || (a.verify && !a.dryRun);
  if (!a.allDbs) return [{ db: source.db, targetDb: target.db, snapshot, compare, shown: false }];
  const [from, to] = await Promise.all([keyspace(source), keyspace(target)]);
  const dbs = new Set(from.keys());
  // keys only the target has, in a database the source leaves empty, are extra too
  if (compare && a.checkExtra) for (const db of to.keys()) dbs.add(db);
  const sorted = [...dbs].sort((x, y) => x - y);
  if (!sorted.length) return [{ db: 0, targetDb: 0, snapshot, compare, shown: true }];
  return sorted.map((db) => ({ db, targetDb: db, snapshot: snapshot && from.has(db), compare, shown: true }));
}

export async function run(a: ReplicateArgs): Promise<number> {
  // an unusable --checkpoint is bad input: said before any connection, nothing written
  const checkpoint: Checkpoint | undefined = a.live?.checkpoint !== undefined ? checkCheckpointFile(a.live.checkpoint) : undefined;
  // --metrics: listening there is checked before any connection too (a port in use: one line, exit 2)
  const metrics = a.metrics ? await serveMetrics(a.metrics) : undefined;
  try {
    return await replicate(a, checkpoint, metrics?.registry);
  } finally {
    await metrics?.close();
  }
}

/** What the metrics of a pass are labelled with, and where they go (undefined: no --metrics). */
interface Figures {
  stream: string;
  progress: SnapshotMetrics;
}

async function replicate(a: ReplicateArgs, checkpoint: Checkpoint | undefined, registry: Registry | undefined): Promise<number> {
  // a live job registers its own (live-job.ts): the snapshot passes' figures only otherwise
  const passes = a.mode === 'snapshot' || a.mode === 'compare';
  const figures: Figures | undefined = registry && passes ? { stream: streamLabel(a.source, a.target), progress: snapshotMetrics(registry) } : undefined;
  const conn = connectOptionsFor([a.source, a.target], a.tlsFiles, { commandTimeoutMs: a.timeoutMs, connectTimeoutMs: Math.min(a.timeoutMs, 5000) });
  const open = (ep: typeof a.source, side: string, readFrom: ReadFrom) =>
    openSide(ep, conn, describeEndpoint(ep), `cutover-${side}`, readFrom).catch((err: unknown) => {
      if (err instanceof InputError) throw err;
      throw new Error(`${side}: ${describeError(err, ep)}`);
    });
  const opened = await Promise.allSettled([open(a.source, 'source', a.readFrom), open(a.target, 'target', 'master')]);
  const failed = opened.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    for (const r of opened) if (r.status === 'fulfilled') r.value.close();
    throw failed.reason;
  }
  const [source, target] = opened.map((r) => (r as PromiseFulfilledResult<Side>).value);
  const out = process.stdout.isTTY && !a.json ? ttyOutput() : jsonOutput();
  let current: Running | undefined;
  let interrupted = false;
  // Ctrl-C / SIGTERM: the job stops; if it has not ended within the grace (a target that hangs or is down), the
  // summary so far is printed and cutover exits 130; a second signal does that at once
  const signals = onStopSignals({
    stop: () => {
      interrupted = true;
      current?.stop();
    },
    force: () => {
      current?.printSoFar();
      out.end();
    },
    notice: a.json ? undefined : 'cutover: stopping: the writes in flight finish, nothing is retried (Ctrl-C again to quit now)',
  });
  const reopened: Side[] = [];
  try {
    const live = a.mode === 'live' || a.mode === 'liveonly';
    // liveonly writes changes into a target that already holds the data: a non-empty target is the point; so does
    // a checkpoint holding where a stream from this source stopped (the job says it resumes from it)
    const resumes = !!checkpoint && source.masters.some((m) => checkpoint[addressOf(m)] !== undefined);
    const acceptNonEmpty = !!a.mergePolicy || a.yes || a.mode === 'liveonly' || resumes;
    if (a.allDbs) await databasesFit(source, target);
    await refusals({ mode: a.mode === 'compare' ? 'compare' : 'snapshot', dryRun: a.dryRun, acceptNonEmpty, allDbs: a.allDbs }, source, target);
    // what would fail key by key (no write permission, a full target with noeviction): one line before any write
    const warnings = await preflightTarget(source, target, { writes: a.mode !== 'compare' && !a.dryRun, type: a.type });
    for (const w of warnings) process.stderr.write(`cutover: warning: ${redact(w)}\n`);
    if (live) {
      signals.dispose();
      return await (await import('./replicate-live.js')).runLive(a, source, target, registry);
    }
    let failedKeys = 0;
    let differs = 0;
    for (const pass of await passesFor(a, source, target)) {
      if (interrupted) break;
      // --all-dbs: each database over connections of its own
      const s = pass.db === source.db ? source : await source.reopen(pass.db);
      if (s !== source) reopened.push(s);
      const t = pass.targetDb === target.db ? target : await target.reopen(pass.targetDb);
      if (t !== target) reopened.push(t);
      if (pass.snapshot) {
        const snapshot = await runSnapshot(a, s, t, pass, out, (job) => (current = job), figures);
        failedKeys += snapshot.counts.failed;
        current = undefined;
      }
      if (!interrupted && pass.compare) {
        const compare = await runCompare(a, s, t, pass, out, (job) => (current = job), figures);
        differs += differences(compare.counts);
        current = undefined;
      }
      for (const side of reopened.splice(0)) side.close();
    }
    out.end();
    if (interrupted) return EXIT.stopped;
    return failedKeys > 0 || differs > 0 ? EXIT.failed : EXIT.ok;
  } catch (err) {
    current?.printSoFar(); // a job that failed (a side lost midway): its summary so far, then the one line
    throw jobError(err, { source: { ep: a.source, clients: [...source.masters, ...source.readers] }, target: { ep: a.target, clients: [...target.masters, target.writer] } });
  } finally {
    signals.dispose();
    for (const side of reopened) side.close();
    source.close();
    target.close();
  }
}

/** --all-dbs: every database holding keys on the source must exist on the target (one line, exit 2, before any write). */
async function databasesFit(source: Side, target: Side): Promise<void> {
  if (source.isCluster || target.isCluster) return; // refused next, with its own line
  const count = await (target.masters[0].call('CONFIG', 'GET', 'databases') as Promise<string[]>).then(
    (r) => Number(r[1]),
    () => undefined,
  );
  if (!count) return;
  const beyond = [...(await keyspace(source)).keys()].filter((db) => db >= count).sort((x, y) => x - y);
  if (beyond.length) {
    throw new InputError(`--all-dbs: the source holds keys in db ${beyond.join(', ')}, which ${target.label} does not have (it has ${count}: 0 to ${count - 1}, its 'databases' setting): raise it there, or copy those dbs with --source-db N --target-db M`);
  }
}

/** The job running now: how to stop it, and how to print its summary so far when it does not end in time. */
interface Running {
  stop(): void;
  printSoFar(): void;
}

async function runSnapshot(a: ReplicateArgs, source: Side, target: Side, pass: Pass, out: Output, started: (job: Running) => void, figures?: Figures): Promise<SnapshotSummary> {
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
    memLimitBytes: a.memLimitBytes,
  });
  started({ stop: () => job.stop(), printSoFar: () => void printSnapshot(job.summarySoFar(), pass, out) });
  job.events.on((e) => {
    if (e.type === 'progress') out.progress('Scanning', snapshotDone(e.counts), e.counts.total, e.keysPerSec, e.counts, pass);
    if (e.type === 'progress') figures?.progress.snapshot(figures.stream, pass.db, { done: snapshotDone(e.counts), total: e.counts.total, keysPerSec: e.keysPerSec }, e.counts.failed);
  });
  const summary = await job.run();
  figures?.progress.snapshot(figures.stream, pass.db, { done: snapshotDone(summary.counts), total: summary.counts.total }, summary.counts.failed);
  return printSnapshot(summary, pass, out);
}

function printSnapshot(snapshot: SnapshotSummary, pass: Pass, out: Output): SnapshotSummary {
  out.summary('snapshot', snapshotSummaryText(snapshot), snapshot, pass);
  return snapshot;
}

async function runCompare(a: ReplicateArgs, source: Side, target: Side, pass: Pass, out: Output, started: (job: Running) => void, figures?: Figures): Promise<CompareSummary> {
  const job = new CompareJob(source, target, {
    scan: a.scan,
    readBatch: a.readBatch,
    readThreads: a.readThreads,
    ttlToleranceMs: a.ttlToleranceMs,
    checkExtra: a.checkExtra,
    maxDiffs: a.showDiffs ? 1000 : 0,
    memLimitBytes: a.memLimitBytes,
  });
  started({ stop: () => job.stop(), printSoFar: () => void printCompare(job.summarySoFar(), a, pass, out) });
  job.events.on((e) => {
    if (e.type === 'progress') out.progress('Verifying', e.counts.compared + e.counts.vanished, e.counts.total, e.keysPerSec, e.counts, pass);
    if (e.type === 'progress' && figures) {
      figures.progress.verify(figures.stream, pass.db, { done: e.counts.compared + e.counts.vanished, total: e.counts.total, keysPerSec: e.keysPerSec });
      figures.progress.differences(figures.stream, pass.db, e.counts);
    }
  });
  const summary = await job.run();
  if (figures) {
    figures.progress.verify(figures.stream, pass.db, { done: summary.counts.compared + summary.counts.vanished, total: summary.counts.total });
    figures.progress.differences(figures.stream, pass.db, summary.counts);
  }
  return printCompare(summary, a, pass, out);
}

function printCompare(compare: CompareSummary, a: ReplicateArgs, pass: Pass, out: Output): CompareSummary {
  const line = summaryLine(compare.counts, compare.checkExtra);
  out.summary('compare', compareSummaryText(compare, a.showDiffs), { line, ...compare, diffs: a.showDiffs ? compare.diffs : undefined }, pass);
  return compare;
}
