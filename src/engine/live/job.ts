// A live replication: change streams from every source master (psync, or keyspace notifications) applied to the
// target by one writer, meters once a second, a checkpoint, and the end: stop(), a failure, or --idle-timeout
// (then a verification, as compare does). With --verify-on-idle it verifies whenever the stream goes quiet.
import type { Redis } from 'ioredis';
import { Emitter } from '../emitter.js';
import { CompareJob } from '../replicate/compare.js';
import { addressOf } from '../redis/resp-pool.js';
import type { Side } from '../replicate/side.js';
import { SnapshotJob } from '../replicate/snapshot.js';
import { parseInfo } from '../topology/parse-info.js';
import { loadCheckpoint, saveCheckpoint, type Checkpoint, type StreamPosition } from './checkpoint.js';
import { NotificationSource } from './notify-source.js';
import { PsyncSource } from './psync-source.js';
import type { LiveEvent, LiveOptions, LiveStats, LiveSummary } from './types.js';
import { TargetWriter } from './writer.js';

const DEFAULT_QUIET_MS = 2000;
/** stopping: how long the target may take to answer what was sent, at most, and without any reply */
const DRAIN_MS = 5000;
const DRAIN_STALL_MS = 1500;
/** psync: an RDB key whose record passes this is read and written in pieces (--mem-limit overrides it) */
export const BIG_KEY_BYTES = 8 * 1024 * 1024;

type End = { reason: LiveSummary['reason']; error?: string; refused?: boolean };

export class LiveJob {
  readonly events = new Emitter<LiveEvent>();
  private writer: TargetWriter;
  private psync: PsyncSource[] = [];
  private notify?: NotificationSource;
  private phase: LiveStats['phase'] = 'sync';
  private started = Date.now();
  private lastChangeAt = Date.now();
  private sourceOffsets = new Map<string, number>();
  private lastApplied = 0;
  private opsPerSec = 0;
  private ticker?: NodeJS.Timeout;
  private ended?: (r: End) => void;
  private endPromise: Promise<End>;
  private verifying = false;
  private verifiedAt = 0;
  private stopped = false;
  private snapshot?: SnapshotJob;
  private compare?: CompareJob;
  private lastVerify?: LiveSummary['verify'];
  private snapshotSummary?: LiveSummary['snapshot'];
  private resyncing = false;
  private extraSaid = false;
  private checkpointError?: string;
  private fullSyncSaid = new Set<string>();

  constructor(
    private readonly source: Side,
    private readonly target: Side,
    private readonly o: LiveOptions,
  ) {
    this.endPromise = new Promise((r) => (this.ended = r));
    this.writer = new TargetWriter(target, {
      log: (level, message) => this.log(level, message),
      fatal: (message) => this.fail(message),
      onTargetRestart: () => void this.targetRestarted(),
      onDrain: () => {
        for (const s of this.psync) s.resume();
        void this.notify?.flush();
      },
    });
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.events.emit({ type: 'log', level, message });
  }

  /** Ends the replication: the streams stop, what was received is written, the checkpoint saved. */
  stop(): void {
    this.stopped = true;
    this.snapshot?.stop();
    this.compare?.stop();
    this.ended?.({ reason: 'stopped' });
  }

  private fail(message: string, refused = false): void {
    this.ended?.({ reason: 'failed', error: message, refused: refused && this.writer.counts.applied === 0 });
  }

  private changed = (): void => {
    this.lastChangeAt = Date.now();
  };

  private async targetRestarted(): Promise<void> {
    if (this.resyncing) return;
    this.resyncing = true;
    try {
      if (this.psync.length) {
        this.log('warn', `the target restarted: it may have lost what it was sent; resyncing every stream in full`);
        for (const s of this.psync) await s.resync(`cutover asked for it: the target restarted (new run_id) and may have lost what it was sent`);
      } else {
        this.log('error', `the target restarted: keys written before may be lost; run a snapshot again (notifications cannot replay the past)`);
      }
    } finally {
      this.resyncing = false;
    }
  }

  async run(): Promise<LiveSummary> {
    this.started = Date.now();
    try {
      if (this.o.liveSource === 'psync') await this.startPsync();
      else await this.startNotifications();
    } catch (err) {
      await this.shutdown();
      throw err;
    }
    this.ticker = setInterval(() => void this.tick(), 1000);
    const end = await this.endPromise;
    clearInterval(this.ticker);
    let verify = this.lastVerify;
    if (end.reason === 'idle') verify = await this.verify();
    await this.shutdown();
    const stats = this.stats();
    stats.phase = 'stopping';
    const summary: LiveSummary = { stats, elapsedMs: Date.now() - this.started, stopped: end.reason === 'stopped', reason: end.reason, error: end.error, refused: end.refused, verify, snapshot: this.snapshotSummary };
    this.events.emit({ type: 'done', summary });
    return summary;
  }

  private async startPsync(): Promise<void> {
    const checkpoint: Checkpoint = this.o.checkpoint ? loadCheckpoint(this.o.checkpoint) : {};
    const auth = this.source.auth;
    for (const m of this.source.masters) {
      const address = addressOf(m);
      let from: StreamPosition | undefined = checkpoint[address];
      const fromCheckpoint = !!from;
      let fullSyncWhy: string | undefined;
      if (from?.fullSync) {
        // the target lacks something of this stream: a partial resync would skip it for good
        this.log('warn', `stream from ${address}: the checkpoint ${this.o.checkpoint} asks for a full sync (${from.fullSync}): its whole dataset is applied again, not resumed from offset ${from.offset}`);
        fullSyncWhy = `the checkpoint ${this.o.checkpoint} asked for it: ${from.fullSync}`;
        from = undefined;
      } else if (from) this.log('info', `stream from ${address}: resuming from the checkpoint ${this.o.checkpoint} (replid ${from.replId.slice(0, 8)}…, offset ${from.offset}): the target already holds what was applied before`);
      // liveonly starts from now, unless the checkpoint asked for a full sync (the target lacks part of the data)
      if (!from && !fullSyncWhy && this.o.mode === 'liveonly') from = await currentPosition(m);
      const s = new PsyncSource(
        {
          host: String(m.options.host),
          port: Number(m.options.port),
          username: auth.username,
          password: auth.password,
          tls: auth.tls,
          listeningPort: this.o.listeningPort,
          ackIntervalMs: this.o.ackIntervalMs,
          from,
          fromCheckpoint,
          fullSyncWhy,
          applyFirstRdb: this.o.mode === 'live',
          bigKeyBytes: this.o.memLimitBytes ?? BIG_KEY_BYTES,
          disklessLoad: this.o.disklessLoad,
          translate: {
            allDbs: this.o.allDbs,
            sourceDb: this.source.db,
            targetDb: this.target.isCluster ? 0 : this.target.db,
            scan: this.o.scan,
            allowFlush: this.o.allowFlush,
            clusterTarget: this.target.isCluster,
          },
        },
        this.writer,
        { log: (level, message) => this.log(level, message), fatal: (message, refused) => this.fail(message, refused), changed: this.changed },
      );
      this.psync.push(s);
    }
    for (const s of this.psync) s.start();
    this.phase = 'sync';
  }

  private async startNotifications(): Promise<void> {
    const n = new NotificationSource(
      this.source,
      this.writer,
      {
        scan: this.o.scan,
        allDbs: this.o.allDbs,
        sourceDb: this.source.db,
        targetDb: this.target.isCluster ? 0 : this.target.db,
        type: this.o.type,
        eventQueue: this.o.eventQueue,
        eventOrder: this.o.eventOrder,
        flushIntervalMs: this.o.flushIntervalMs,
        readBatch: this.o.readBatch,
        enableNotifications: this.o.enableNotifications,
      },
      { log: (level, message) => this.log(level, message), changed: this.changed },
    );
    this.notify = n; // set first: a refusal after enabling notifications on one master still sets them back
    await n.checkConfig();
    n.hold = this.o.mode === 'live';
    await n.start();
    if (this.o.mode === 'live') {
      // the snapshot first; keys changed meanwhile are written after it, so nothing it read late overwrites them
      this.phase = 'snapshot';
      void this.runSnapshot(n);
    } else this.phase = 'streaming';
  }

  private async runSnapshot(n: NotificationSource): Promise<void> {
    const job = new SnapshotJob(this.source, this.target, {
      type: this.o.type,
      scan: this.o.scan,
      readBatch: this.o.readBatch,
      readThreads: this.o.readThreads,
      readQueue: this.o.readQueue,
      writeBatch: this.o.writeBatch,
      targetPool: this.o.targetPool,
      mergePolicy: 'overwrite',
      dryRun: false,
      maxAttempts: 5,
      memLimitBytes: this.o.memLimitBytes,
    });
    this.snapshot = job;
    job.events.on((e) => {
      if (e.type === 'progress') {
        const c = e.counts;
        this.events.emit({ type: 'snapshot-progress', done: c.written + c.vanished + c.skipped + c.failed, total: c.total, keysPerSec: e.keysPerSec });
      }
    });
    try {
      const summary = await job.run();
      this.snapshotSummary = summary;
      this.events.emit({ type: 'snapshot-done', summary });
      this.phase = 'streaming';
      this.lastChangeAt = Date.now();
      await n.release();
    } catch (err) {
      this.fail(`snapshot: ${(err as Error).message}`);
    }
  }

  private streamsReady(): boolean {
    if (this.notify) return this.phase === 'streaming';
    return this.psync.every((s) => s.phase === 'streaming');
  }

  private async tick(): Promise<void> {
    if (this.psync.length) {
      if (this.phase !== 'verifying') this.phase = this.streamsReady() ? 'streaming' : 'sync';
      await Promise.all(
        this.source.masters.map(async (m) => {
          try {
            const repl = parseInfo(await m.info('replication')).replication;
            if (repl) this.sourceOffsets.set(addressOf(m), repl.masterReplOffset);
          } catch {
            /* a source that does not answer: the offset shown is the last known */
          }
        }),
      );
    }
    const stats = this.stats();
    this.opsPerSec = this.writer.counts.applied - this.lastApplied;
    this.lastApplied = this.writer.counts.applied;
    stats.opsPerSec = this.opsPerSec;
    this.events.emit({ type: 'stats', stats });
    this.saveCheckpoint();
    // quiet: everything received was answered by the target (the batch in flight too), and no verification runs
    const quiet = this.streamsReady() && stats.queueDepth === 0 && this.writer.idle && !this.verifying;
    if (quiet && this.o.idleTimeoutMs !== undefined && stats.idleMs >= this.o.idleTimeoutMs && !this.o.verifyOnIdle) {
      this.ended?.({ reason: 'idle' });
      return;
    }
    const quietFor = this.o.idleTimeoutMs ?? DEFAULT_QUIET_MS;
    if (quiet && this.o.verifyOnIdle && stats.idleMs >= quietFor && this.verifiedAt < this.lastChangeAt) {
      this.verifiedAt = Date.now();
      this.lastVerify = await this.verify();
    }
  }

  private saveCheckpoint(): void {
    if (!this.o.checkpoint || !this.psync.length) return;
    const c: Checkpoint = {};
    for (const s of this.psync) {
      const p = s.position();
      if (p) c[s.address] = p;
      // said once per stream: from now on the checkpoint asks for a full sync of it
      if (p?.fullSync && !this.fullSyncSaid.has(s.address) && !/being applied/.test(p.fullSync)) {
        this.fullSyncSaid.add(s.address);
        this.log('warn', `stream from ${s.address}: ${p.fullSync}; the checkpoint ${this.o.checkpoint} now asks for a full sync at the next start (a partial resync would not bring back what the target lacks)`);
      }
    }
    if (!Object.keys(c).length) return;
    try {
      saveCheckpoint(this.o.checkpoint, c);
      this.checkpointError = undefined;
    } catch (err) {
      // said once, not every second (it was checked before the start: a disk that filled up, a directory removed)
      const message = (err as Error).message;
      if (message !== this.checkpointError) this.log('error', `--checkpoint ${this.o.checkpoint} cannot be saved: ${message}; a restart would not resume from here`);
      this.checkpointError = message;
    }
  }

  /** Why keys deleted on the source may remain on the target (undefined: nothing says so). */
  private extraWhy(): string | undefined {
    let resyncs = 0;
    let flushes = 0;
    for (const s of this.psync) {
      resyncs += s.counts.unflushedResyncs;
      flushes += s.translator.counts.unforwardedFlushes;
    }
    if (resyncs) return `${resyncs === 1 ? 'a full resync' : `${resyncs} full resyncs`} did not flush the target first`;
    if (flushes) return `${flushes === 1 ? 'a FLUSH' : `${flushes} FLUSHes`} on the source not forwarded`;
    return undefined;
  }

  private async verify(): Promise<LiveSummary['verify']> {
    this.verifying = true;
    const before = this.phase;
    this.phase = 'verifying';
    try {
      const why = this.extraWhy();
      const checkExtra = !!this.o.checkExtra || !!why;
      if (why && !this.o.checkExtra && !this.extraSaid) {
        this.extraSaid = true;
        this.log('info', `the verification counts keys only the target has too (${why}), as --check-extra does`);
      }
      const job = new CompareJob(this.source, this.target, { scan: this.o.scan, readBatch: this.o.readBatch, readThreads: this.o.readThreads, ttlToleranceMs: this.o.ttlToleranceMs, checkExtra, maxDiffs: this.o.showDiffs ? 1000 : 0, memLimitBytes: this.o.memLimitBytes });
      this.compare = job;
      job.events.on((e) => {
        if (e.type === 'progress') this.events.emit({ type: 'verify-progress', done: e.counts.compared + e.counts.vanished, total: e.counts.total, keysPerSec: e.keysPerSec });
      });
      const summary = await job.run();
      this.events.emit({ type: 'verify-done', summary, db: this.source.db, targetDb: this.target.db });
      return summary;
    } catch (err) {
      this.log('error', `verification: ${(err as Error).message}`);
      return undefined;
    } finally {
      this.compare = undefined;
      this.verifying = false;
      this.phase = before;
    }
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.ticker);
    await Promise.all(this.psync.map((s) => s.stop()));
    if (this.notify && !this.stopped) await this.notify.release().catch(() => undefined);
    await this.notify?.stop();
    if (!(await this.writer.drain(DRAIN_MS, DRAIN_STALL_MS))) this.log('warn', `the target did not take everything while stopping (5 s at most, 1.5 s without a reply): ${this.writer.depth} operations left unwritten${this.o.checkpoint ? '; the checkpoint holds only what it acknowledged' : ''}`);
    this.saveCheckpoint();
    this.writer.close();
  }

  /** The figures now (ops/s is filled in by the ticker). */
  stats(): LiveStats {
    const w = this.writer.counts;
    const [p50, p99] = this.writer.ages.percentiles([50, 99]);
    let sourceOffset = 0;
    let received = 0;
    let applied = 0;
    const c = { rdbKeys: 0, rdbBigKeys: 0, fullResyncs: 0, partialResyncs: 0, reconnects: 0, filtered: 0, flushes: 0 };
    for (const s of this.psync) {
      const a = Math.max(0, s.appliedOffset);
      const r = Math.max(0, s.receivedOffset);
      applied += a;
      received += r;
      sourceOffset += Math.max(this.sourceOffsets.get(s.address) ?? 0, r);
      c.rdbKeys += s.counts.rdbKeys;
      c.rdbBigKeys += s.counts.rdbBigKeys;
      c.fullResyncs += s.counts.fullResyncs;
      c.partialResyncs += s.counts.partialResyncs;
      c.reconnects += s.counts.reconnects;
      c.filtered += s.translator.counts.filtered;
      c.flushes += s.translator.counts.flushes;
    }
    const n = this.notify?.counts;
    return {
      phase: this.phase,
      source: this.o.liveSource,
      sourceOffset,
      receivedOffset: received,
      appliedOffset: applied,
      lagBytes: Math.max(0, sourceOffset - applied),
      ageP50Ms: p50,
      ageP99Ms: p99,
      queueDepth: this.writer.depth + (this.notify?.depth ?? 0),
      opsPerSec: this.opsPerSec,
      applied: w.applied,
      rdbKeys: c.rdbKeys,
      rdbBigKeys: c.rdbBigKeys,
      filtered: c.filtered,
      failed: w.failed,
      fallbacks: w.fallbacks,
      fullResyncs: c.fullResyncs,
      partialResyncs: c.partialResyncs,
      reconnects: c.reconnects + (n?.reconnects ?? 0) + w.retriedBatches,
      flushes: c.flushes,
      splitTransactions: w.splitTransactions,
      events: n?.events ?? 0,
      droppedEvents: n?.droppedEvents ?? 0,
      overflows: n?.overflows ?? 0,
      // since the last change received or applied (a backlog being drained is not idle)
      idleMs: Date.now() - Math.max(this.lastChangeAt, this.writer.lastAppliedAt),
      streams: this.psync.length || this.source.masters.length,
    };
  }
}

/** A master's replication id and offset now: where liveonly starts (PSYNC continues from there). */
async function currentPosition(m: Redis): Promise<{ replId: string; offset: number } | undefined> {
  const repl = parseInfo(await m.info('replication')).replication;
  if (!repl?.masterReplId || repl.role !== 'master') return undefined;
  return { replId: repl.masterReplId, offset: repl.masterReplOffset };
}
