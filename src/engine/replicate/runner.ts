// One replication job at a time for the console: opens both sides, refuses what must be refused, runs the
// snapshot and its verification (or a compare), and reports everything as events. Stop() ends it cleanly.
import { describeEndpoint, type Endpoint } from '../../options/endpoint.js';
import { redact } from '../../options/redact.js';
import { describeError, type ConnectOptions } from '../redis/connect.js';
import { jobError } from '../topology/connection-words.js';
import { Emitter } from '../emitter.js';
import { CompareJob, summaryLine } from './compare.js';
import { preflightTarget } from './preflight-target.js';
import { refusals } from './refusals.js';
import { openSide, type Side } from './side.js';
import { SnapshotJob } from './snapshot.js';
import { DEFAULT_LOST_AFTER_MS } from './side-health.js';
import { LiveJob } from '../live/job.js';
import type { LiveStats } from '../live/types.js';
import { liveStopLine } from '../live/stop-line.js';

export type JobKind = 'snapshot' | 'compare' | 'live';

export interface JobProgress {
  phase: 'snapshot' | 'verify';
  done: number;
  total: number;
  keysPerSec: number;
}

export type JobEvent =
  | { type: 'job-started'; kind: JobKind; source: string; target: string; at: number }
  | { type: 'job-progress'; progress: JobProgress }
  | { type: 'job-phase-done'; phase: 'snapshot' | 'verify' | 'live'; line: string; ok: boolean }
  | { type: 'job-live'; stats: LiveStats }
  | { type: 'job-log'; level: 'info' | 'warn' | 'error'; message: string; at: number }
  | { type: 'job-ended'; state: 'done' | 'failed' | 'stopped'; message?: string; at: number };

export interface JobDefaults {
  type: 'dump' | 'struct';
  /** write over keys the target already holds (the console asks the operator first) */
  overwrite: boolean;
}

export class ReplicationRunner {
  readonly events = new Emitter<JobEvent>();
  private current?: { stop(): void };
  private stopped = false;
  running = false;

  constructor(private readonly conn: ConnectOptions) {}

  /** Starts a job unless one is running; every outcome arrives as events. */
  start(kind: JobKind, source: Endpoint, target: Endpoint, o: JobDefaults): void {
    if (this.running) return;
    this.running = true;
    this.stopped = false;
    this.events.emit({ type: 'job-started', kind, source: describeEndpoint(source), target: describeEndpoint(target), at: Date.now() });
    this.run(kind, source, target, o).then(
      (state) => this.end(state),
      (err: unknown) => this.end('failed', redact(String((err as Error)?.message ?? err))),
    );
  }

  stop(): void {
    this.stopped = true;
    this.current?.stop();
  }

  private end(state: 'done' | 'failed' | 'stopped', message?: string): void {
    this.running = false;
    this.current = undefined;
    this.events.emit({ type: 'job-ended', state, message, at: Date.now() });
  }

  private async open(ep: Endpoint, name: string): Promise<Side> {
    try {
      // the console's timeout is a poll's (a second or two): a job's commands, and a side it may lose for a
      // while before it ends, get at least DEFAULT_LOST_AFTER_MS (side-health.ts)
      const conn = { ...this.conn, commandTimeoutMs: Math.max(this.conn.commandTimeoutMs, DEFAULT_LOST_AFTER_MS) };
      return await openSide(ep, conn, describeEndpoint(ep), `cutover-${name}`);
    } catch (err) {
      throw new Error(`${name}: ${describeError(err, ep)}`);
    }
  }

  private async run(kind: JobKind, sourceEp: Endpoint, targetEp: Endpoint, o: JobDefaults): Promise<'done' | 'stopped'> {
    const source = await this.open(sourceEp, 'source');
    let target: Side | undefined;
    try {
      target = await this.open(targetEp, 'target');
      await refusals({ mode: kind === 'compare' ? 'compare' : 'snapshot', dryRun: false, acceptNonEmpty: o.overwrite }, source, target);
      for (const w of await preflightTarget(source, target, { writes: kind !== 'compare', type: o.type })) {
        this.events.emit({ type: 'job-log', level: 'warn', message: w, at: Date.now() });
      }
      const scan = { count: 1000, include: [], exclude: [] };
      if (kind === 'live') return await this.live(source, target, o);
      if (kind === 'snapshot' && !this.stopped) {
        const job = new SnapshotJob(source, target, {
          type: o.type,
          scan,
          readBatch: 500,
          readThreads: 2,
          readQueue: 10_000,
          writeBatch: 500,
          targetPool: 4,
          mergePolicy: 'overwrite',
          dryRun: false,
          maxAttempts: 5,
        });
        this.current = job;
        job.events.on((e) => {
          if (e.type === 'progress') {
            const c = e.counts;
            this.events.emit({ type: 'job-progress', progress: { phase: 'snapshot', done: c.written + c.vanished + c.skipped + c.failed, total: c.total, keysPerSec: e.keysPerSec } });
          }
        });
        const s = await job.run();
        const c = s.counts;
        this.events.emit({
          type: 'job-phase-done',
          phase: 'snapshot',
          ok: c.failed === 0,
          line: `${c.written} written, ${c.vanished} vanished, ${c.skipped} skipped, ${c.failed} failed${c.fallbacks ? `, ${c.fallbacks} DUMP fallbacks` : ''} in ${(s.elapsedMs / 1000).toFixed(1)}s`,
        });
      }
      if (!this.stopped) {
        const job = new CompareJob(source, target, { scan, readBatch: 500, readThreads: 2, ttlToleranceMs: 1000, checkExtra: true, maxDiffs: 0 });
        this.current = job;
        job.events.on((e) => {
          if (e.type === 'progress') {
            const c = e.counts;
            this.events.emit({ type: 'job-progress', progress: { phase: 'verify', done: c.compared + c.vanished, total: c.total, keysPerSec: e.keysPerSec } });
          }
        });
        const s = await job.run();
        const differs = s.counts.missing + s.counts.type + s.counts.value + s.counts.ttl + s.counts.extra;
        this.events.emit({ type: 'job-phase-done', phase: 'verify', ok: differs === 0, line: summaryLine(s.counts, true) });
      }
      return this.stopped ? 'stopped' : 'done';
    } catch (err) {
      throw jobError(err, { source: { ep: sourceEp, clients: source.masters }, target: { ep: targetEp, clients: target?.masters } });
    } finally {
      source.close();
      target?.close();
    }
  }

  /** Live replication over the replica protocol until stopped: meters and log lines as events. */
  private async live(source: Side, target: Side, o: JobDefaults): Promise<'done' | 'stopped'> {
    const job = new LiveJob(source, target, {
      mode: 'live',
      liveSource: 'psync',
      scan: { count: 1000, include: [], exclude: [] },
      allDbs: false,
      allowFlush: false,
      eventQueue: 10_000,
      eventOrder: 'fifo',
      flushIntervalMs: 50,
      enableNotifications: false,
      verifyOnIdle: false,
      type: o.type,
      readBatch: 500,
      readThreads: 2,
      readQueue: 10_000,
      writeBatch: 500,
      targetPool: 4,
      ttlToleranceMs: 1000,
      listeningPort: 0,
    });
    this.current = job;
    job.events.on((e) => {
      if (e.type === 'stats') this.events.emit({ type: 'job-live', stats: e.stats });
      else if (e.type === 'log') this.events.emit({ type: 'job-log', level: e.level, message: e.message, at: Date.now() });
    });
    if (this.stopped) job.stop();
    const summary = await job.run();
    const st = summary.stats;
    this.events.emit({
      type: 'job-phase-done',
      phase: 'live',
      ok: summary.reason !== 'failed' && st.failed === 0,
      line: liveStopLine(st),
    });
    if (summary.reason === 'failed') throw new Error(summary.error ?? 'live replication failed');
    return summary.reason === 'stopped' ? 'stopped' : 'done';
  }
}
