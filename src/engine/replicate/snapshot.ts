// The snapshot job: scanners → readers → writers through bounded queues, so memory stays flat whatever
// the dataset size. Every scanned key ends as written, vanished, skipped (with a reason) or failed (listed).
// With a memory limit, a key whose MEMORY USAGE is above it is never read whole: the reader that met it copies
// it in chunks itself (chunked.ts), one chunk in flight, while the writers go on with the rest.
import type { Cluster, Redis } from 'ioredis';
import type { RespConnection } from '../redis/resp.js';
import { Emitter } from '../emitter.js';
import { chunkSizing, connOf, copyBigKey, type BigCopyProgress, type Conn } from './chunked.js';
import { isDumpFormatError, readDump, writeDump } from './dump.js';
import { BoundedQueue } from './queue.js';
import { addressOf, RespPool } from '../redis/resp-pool.js';
import { scanKeys, type ScanOptions } from './scan.js';
import { keyCount, type Side } from './side.js';
import { printable, readStruct, writeStruct } from './struct.js';
import type { KeyRecord } from './types.js';
import { calculateSlot } from '../redis/slot.js';
import { isConnectionError } from '../topology/connection-words.js';
import { DEFAULT_LOST_AFTER_MS, SideHealth, type SideLostError } from './side-health.js';

export interface SnapshotOptions {
  type: 'dump' | 'struct';
  scan: ScanOptions;
  readBatch: number;
  readThreads: number;
  /** keys waiting between scanner and readers */
  readQueue: number;
  writeBatch: number;
  /** writers in flight against the target */
  targetPool: number;
  mergePolicy: 'overwrite' | 'merge';
  dryRun: boolean;
  /** attempts for a key whose write failed with a retryable error */
  maxAttempts: number;
  /** bytes: a key whose MEMORY USAGE … SAMPLES 0 is above this is copied in chunks (--mem-limit) */
  memLimitBytes?: number;
  /**
   * a node of either side unreachable this long (no reply, no reconnect) ends the job with a SideLostError and the
   * summary so far; also the bulk commands' reply timeout. Default: each side's timeoutMs (--timeout), else 10 s
   */
  lostAfterMs?: number;
  /** tests only: alter each DUMP payload (to make RESTORE refuse it) */
  alterDump?: (payload: Buffer) => Buffer;
}

export interface SnapshotCounts {
  /** keys in the source (DBSIZE over its masters), for the progress bar */
  total: number;
  /** keys SCAN returned and the filters let through */
  scanned: number;
  /** keys written to the target (always 0 in a dry run) */
  written: number;
  /** --dry-run: keys read that would have been written (a dry run writes nothing) */
  wouldWrite: number;
  vanished: number;
  skipped: number;
  failed: number;
  /** keys RESTORE refused for their DUMP format, copied by type instead */
  fallbacks: number;
  /** keys over --mem-limit, copied in chunks (also counted in written) */
  chunked: number;
  retries: number;
}

export type SnapshotEvent =
  | { type: 'progress'; counts: SnapshotCounts; elapsedMs: number; keysPerSec: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'done'; summary: SnapshotSummary };

export interface SnapshotSummary {
  counts: SnapshotCounts;
  elapsedMs: number;
  stopped: boolean;
  dryRun: boolean;
  /** the first failed keys (printable) with why */
  failures: Array<{ key: string; error: string }>;
  skipReasons: Record<string, number>;
  /** the job ended because a side could not be reached: the line saying which (a SideLostError's message) */
  lost?: string;
  /** with `lost`: which side it was */
  lostSide?: 'source' | 'target';
  /** with `lost`: keys never written nor failed (scanned and not yet written, or not scanned): the target holds a partial copy */
  notAttempted?: number;
}

/** Target errors worth another try: busy, loading, read-only during a failover, redirected, disconnected. */
export const RETRYABLE = /^(OOM|READONLY|LOADING|TRYAGAIN|CLUSTERDOWN|MOVED|ASK|BUSY )|Connection is closed|Stream isn't writeable|ECONNRESET|ECONNREFUSED|timed? ?out/i;
const MAX_LISTED = 100;

/** Commands queued in a pipeline so far (ioredis keeps the count on the pipeline object). */
function queued(pipe: unknown): number {
  return (pipe as { length: number }).length;
}

/** A key as an operator can read it: UTF-8 where it is, \xNN where it is not. */
export function printableKey(key: Buffer): string {
  return printable(key, Infinity);
}

interface Batch {
  from: Redis;
  records: KeyRecord[];
}

export class SnapshotJob {
  readonly events = new Emitter<SnapshotEvent>();
  private stopped = false;
  private readonly counts: SnapshotCounts = { total: 0, scanned: 0, written: 0, wouldWrite: 0, vanished: 0, skipped: 0, failed: 0, fallbacks: 0, chunked: 0, retries: 0 };
  private readonly failures: SnapshotSummary['failures'] = [];
  private readonly skipReasons: Record<string, number> = {};
  private started = 0;
  /** backoffs in progress, woken by stop() */
  private readonly sleepers: Array<() => void> = [];
  private readonly sourceConns: RespPool;
  private readonly targetConns: RespPool;
  private readonly sourceHealth: SideHealth;
  private readonly targetHealth: SideHealth;
  /** set when a side was unreachable for the bound: every stage ends, run() throws it */
  private lost?: SideLostError;
  private readonly lostSignal: Promise<never>;
  private signalLost: (err: SideLostError) => void = () => undefined;
  /** the pipeline's queues, closed when a side is lost */
  private readonly queues: Array<{ close(): void }> = [];

  constructor(
    private readonly source: Side,
    private readonly target: Side,
    private readonly o: SnapshotOptions,
  ) {
    const sourceBound = o.lostAfterMs ?? source.timeoutMs ?? DEFAULT_LOST_AFTER_MS;
    const targetBound = o.lostAfterMs ?? target.timeoutMs ?? DEFAULT_LOST_AFTER_MS;
    this.sourceConns = new RespPool(source, sourceBound);
    this.targetConns = new RespPool(target, targetBound);
    this.sourceHealth = new SideHealth('source', sourceBound);
    this.targetHealth = new SideHealth('target', targetBound);
    this.lostSignal = new Promise<never>((_resolve, reject) => (this.signalLost = reject));
    this.lostSignal.catch(() => undefined);
  }

  /**
   * A node of a side was unreachable for the bound: the job ends now. Scanning stops, queued keys are left (not
   * attempted), backoffs are cut short, and the bulk connections are closed so no stage waits on a dead server.
   */
  private lose(err: SideLostError): void {
    if (this.lost) return;
    this.lost = err;
    for (const wake of this.sleepers.splice(0)) wake();
    for (const q of this.queues) q.close();
    void this.sourceConns.close();
    void this.targetConns.close();
    this.signalLost(err);
  }

  /** A command to a node of a side failed: true when the job is to end (the side is lost, now or before). */
  private unreachable(health: SideHealth, err: unknown, address: string): boolean {
    const lost = health.failed(err, address);
    if (lost) this.lose(lost);
    return !!this.lost;
  }

  /** Keys neither written, failed, skipped nor vanished: what a lost side left undone. */
  private notAttempted(): number {
    const c = this.counts;
    const sc = this.o.scan;
    const filtered = !!(sc.match || sc.type || sc.include.length || sc.exclude.length || sc.slots?.length);
    // without filters every key of DBSIZE was to be copied; with them, only what was scanned is known
    const due = filtered ? c.scanned : Math.max(c.total, c.scanned);
    return Math.max(0, due - (c.written + c.wouldWrite + c.vanished + c.skipped + c.failed));
  }

  /**
   * Stops scanning; what was read is still written, once: no retry and no backoff after a stop (a target that is
   * down must not hold a stopped run), and the summary says it stopped.
   */
  stop(): void {
    this.stopped = true;
    for (const wake of this.sleepers.splice(0)) wake();
  }

  /** The summary as it stands (a stop whose writes hang is reported without waiting for them). */
  summarySoFar(): SnapshotSummary {
    return {
      counts: { ...this.counts },
      elapsedMs: this.started ? Date.now() - this.started : 0,
      stopped: this.stopped,
      dryRun: this.o.dryRun,
      failures: [...this.failures],
      skipReasons: { ...this.skipReasons },
      ...(this.lost ? { lost: this.lost.message, lostSide: this.lost.side, notAttempted: this.notAttempted() } : {}),
    };
  }

  /** A retry's backoff, cut short by stop(). */
  private backoff(ms: number): Promise<void> {
    if (this.stopped || this.lost) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.sleepers.splice(this.sleepers.indexOf(wake) >>> 0, 1);
        resolve();
      }, ms);
      this.sleepers.push(wake);
    });
  }

  private progress(): void {
    const elapsedMs = Date.now() - this.started;
    const done = this.counts.written + this.counts.wouldWrite + this.counts.vanished + this.counts.skipped + this.counts.failed;
    this.events.emit({ type: 'progress', counts: { ...this.counts }, elapsedMs, keysPerSec: elapsedMs ? Math.round((done * 1000) / elapsedMs) : 0 });
  }

  async run(): Promise<SnapshotSummary> {
    this.started = Date.now();
    this.counts.total = await keyCount(this.source);
    const ticker = setInterval(() => this.progress(), 1000);
    const readQ = new BoundedQueue<{ from: Redis; keys: Buffer[] }>(Math.max(1, Math.ceil(this.o.readQueue / this.o.readBatch)));
    const writeQ = new BoundedQueue<Batch>(Math.max(2, this.o.targetPool * 2));
    this.queues.push(readQ, writeQ);
    try {
      const scanners = Promise.all(this.source.readers.map((m) => this.scan(m, readQ))).finally(() => readQ.close());
      const readers = Promise.all(Array.from({ length: this.o.readThreads }, () => this.read(readQ, writeQ))).finally(() => writeQ.close());
      const writers = Promise.all(Array.from({ length: this.o.targetPool }, () => this.write(writeQ)));
      const stages = Promise.all([scanners, readers, writers]);
      stages.catch(() => undefined);
      // a lost side ends the job now: a stage still waiting on an ioredis command (its own timeout) is not awaited
      await Promise.race([stages, this.lostSignal]).catch((err: unknown) => {
        throw this.lost ?? err;
      });
      if (this.lost) throw this.lost;
    } finally {
      clearInterval(ticker);
      await Promise.all([this.sourceConns.close(), this.targetConns.close()]);
    }
    this.progress();
    const summary: SnapshotSummary = {
      counts: { ...this.counts },
      elapsedMs: Date.now() - this.started,
      stopped: this.stopped,
      dryRun: this.o.dryRun,
      failures: this.failures,
      skipReasons: { ...this.skipReasons },
    };
    this.events.emit({ type: 'done', summary });
    return summary;
  }

  private async scan(master: Redis, readQ: BoundedQueue<{ from: Redis; keys: Buffer[] }>): Promise<void> {
    const address = addressOf(master);
    let attempt = 0;
    // a SCAN that fails for the connection is sent again from the same cursor, until the source is lost
    const retry = async (err: unknown): Promise<boolean> => {
      if (this.stopped || this.lost || !isConnectionError(err)) throw err;
      if (this.unreachable(this.sourceHealth, err, address)) return false;
      await this.backoff(Math.min(2000, 100 * 2 ** attempt++));
      return !this.stopped && !this.lost;
    };
    const reached = () => {
      attempt = 0;
      this.sourceHealth.ok(address);
    };
    for await (const keys of scanKeys(master, this.o.scan, this.o.readBatch, reached, () => this.stopped || !!this.lost, retry)) {
      this.counts.scanned += keys.length;
      try {
        await readQ.put({ from: master, keys });
      } catch (err) {
        if (this.lost) return;
        throw err;
      }
      if (this.stopped) break;
    }
  }

  /**
   * Reads a batch from the source. A read that fails for the connection is tried again (a brief reconnect) until
   * the source is lost (undefined: the job ends); any other failure skips the batch, as before.
   */
  private async readBatch(from: Redis, keys: Buffer[]): Promise<KeyRecord[] | undefined> {
    const address = addressOf(from);
    const limit = this.o.memLimitBytes;
    for (let attempt = 1; ; attempt++) {
      try {
        const records = this.o.type === 'dump' ? await readDump(await this.sourceConns.forClient(from), keys, limit, this.source.expiry) : await this.readTyped(from, keys, limit);
        this.sourceHealth.ok(address);
        return records;
      } catch (err) {
        if (this.lost || this.unreachable(this.sourceHealth, err, address)) return undefined;
        if (!isConnectionError(err) || this.stopped) return keys.map((key) => ({ key, status: 'skipped', reason: `read failed: ${(err as Error).message}` }));
        await this.backoff(Math.min(2000, 100 * 2 ** (attempt - 1)));
      }
    }
  }

  private async read(readQ: BoundedQueue<{ from: Redis; keys: Buffer[] }>, writeQ: BoundedQueue<Batch>): Promise<void> {
    for (;;) {
      const next = await readQ.take();
      if (next.done) return;
      if (this.lost) return;
      const { from, keys } = next.value;
      let records = await this.readBatch(from, keys);
      if (!records || this.lost) return;
      const alter = this.o.alterDump;
      if (alter) records = records.map((r) => (r.status === 'ok' && 'dump' in r ? { ...r, dump: alter(r.dump) } : r));
      const big = records.filter((r): r is Extract<KeyRecord, { status: 'big' }> => r.status === 'big');
      try {
        await writeQ.put({ from, records: big.length ? records.filter((r) => r.status !== 'big') : records });
      } catch (err) {
        if (this.lost) return;
        throw err;
      }
      // the big ones by this reader itself, one chunk at a time, while the writers take the rest
      for (const r of big) {
        if (this.lost) return;
        await this.copyBig(from, r.key, r.memBytes);
      }
    }
  }

  private async readTyped(from: Redis, keys: Buffer[], memLimitBytes?: number): Promise<KeyRecord[]> {
    const read = await readStruct(await this.sourceConns.forClient(from), keys, memLimitBytes, this.source.expiry);
    return read.map((r): KeyRecord => {
      if (r.vanished) return { key: r.key, status: 'vanished' };
      if (r.big !== undefined) return { key: r.key, status: 'big', memBytes: r.big };
      if (r.unsupported || !r.struct) return { key: r.key, status: 'skipped', reason: `type ${r.unsupported ?? 'unknown'} cannot be copied by struct (use --type dump)` };
      return { key: r.key, status: 'ok', ttlMs: r.ttlMs, expireAtMs: r.expireAtMs, struct: r.struct };
    });
  }

  /**
   * A key over the memory limit, copied in chunks. A passing error (or the key changing type under us) starts it
   * over from the DEL, unless merging into a list or a stream already got chunks (a second pass would add them twice).
   */
  private async copyBig(from: Redis, key: Buffer, memBytes: number): Promise<void> {
    const src = this.watched(connOf(from), this.sourceHealth, addressOf(from));
    const dst = this.o.dryRun ? undefined : this.watched(connOf(this.target.writer), this.targetHealth, this.ownerOf(key));
    const sizing = chunkSizing(this.o.memLimitBytes ?? memBytes);
    for (let attempt = 1; ; attempt++) {
      const progress: BigCopyProgress = { chunks: 0 };
      try {
        const r = await copyBigKey(src, dst, key, { policy: this.o.mergePolicy, sizing, memBytes, streamMeta: this.o.type === 'dump' }, progress);
        if (r.status === 'vanished') this.counts.vanished++;
        else if (r.status === 'skipped') this.skip(r.reason);
        else {
          if (dst) this.counts.written++;
          else this.counts.wouldWrite++;
          this.counts.chunked++;
        }
        return;
      } catch (err) {
        const e = err as Error;
        const again = RETRYABLE.test(e.message) || e.message.startsWith('WRONGTYPE');
        const restartable = this.o.mergePolicy === 'overwrite' || progress.chunks === 0 || (progress.type !== 'list' && progress.type !== 'stream');
        if (!again || !restartable || attempt >= this.o.maxAttempts || this.stopped || this.lost) return this.fail(key, `copying it in chunks: ${e.message}${this.stopped ? ' (stopped: not retried)' : ''}`);
        this.counts.retries++;
        if (this.target.isCluster) await new Promise<void>((res) => (this.target.writer as Cluster).refreshSlotsCache(() => res()));
        await this.backoff(Math.min(2000, 100 * 2 ** (attempt - 1)));
      }
    }
  }

  /** A chunk connection whose replies and connection errors tell the side's health (a lost side ends the job). */
  private watched(c: Conn, health: SideHealth, address: string): Conn {
    return {
      send: async (cmds) => {
        try {
          const replies = await c.send(cmds);
          health.ok(address);
          return replies;
        } catch (err) {
          this.unreachable(health, err, address);
          throw err;
        }
      },
    };
  }

  /** The target master that holds a key ("host:port"). */
  private ownerOf(key: Buffer): string {
    const single = addressOf(this.target.masters[0]);
    return this.target.isCluster ? ((this.target.writer as Cluster).slots[calculateSlot(key)]?.[0] ?? single) : single;
  }

  private skip(reason: string): void {
    this.counts.skipped++;
    this.skipReasons[reason] = (this.skipReasons[reason] ?? 0) + 1;
  }

  private fail(key: Buffer, error: string): void {
    this.counts.failed++;
    if (this.failures.length < MAX_LISTED) this.failures.push({ key: printableKey(key), error });
  }

  private async write(writeQ: BoundedQueue<Batch>): Promise<void> {
    for (;;) {
      const next = await writeQ.take();
      if (next.done || this.lost) return;
      const { from, records } = next.value;
      const ok: Array<Extract<KeyRecord, { status: 'ok' }>> = [];
      for (const r of records) {
        if (r.status === 'vanished') this.counts.vanished++;
        else if (r.status === 'skipped') this.skip(r.reason);
        else if (r.status === 'ok') ok.push(r);
      }
      if (this.o.dryRun) {
        this.counts.wouldWrite += ok.length;
        continue;
      }
      for (let i = 0; i < ok.length && !this.lost; i += this.o.writeBatch) await this.writeWithRetries(from, ok.slice(i, i + this.o.writeBatch));
    }
  }

  /** Writes records, retrying the ones that failed for a passing reason, with backoff. */
  private async writeWithRetries(from: Redis, records: Array<Extract<KeyRecord, { status: 'ok' }>>): Promise<void> {
    let pending = records;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const again: typeof pending = [];
      const results = await this.writeOnce(pending);
      for (let i = 0; i < pending.length; i++) {
        const r = pending[i];
        const err = results[i];
        if (!err) this.counts.written++;
        else if ('dump' in r && isDumpFormatError(err)) await this.fallback(from, r);
        else if (RETRYABLE.test(err.message) && attempt < this.o.maxAttempts && !this.stopped && !this.lost) again.push(r);
        else this.fail(r.key, this.stopped && RETRYABLE.test(err.message) ? `${err.message} (stopped: not retried)` : err.message);
      }
      if (again.length) {
        this.counts.retries += again.length;
        // a resharding or a failover moved slots: learn the new owners before the next try
        if (this.target.isCluster) await new Promise<void>((res) => (this.target.writer as Cluster).refreshSlotsCache(() => res()));
        await this.backoff(Math.min(2000, 100 * 2 ** (attempt - 1)));
      }
      pending = again;
    }
  }

  /** RESTORE refused the payload: read the key by type from the source and write it that way. */
  private async fallback(from: Redis, r: Extract<KeyRecord, { status: 'ok' }>): Promise<void> {
    this.counts.fallbacks++;
    const [typed] = await this.readTyped(from, [r.key]);
    if (typed.status === 'vanished') return void this.counts.vanished++;
    if (typed.status === 'skipped') return this.skip(typed.reason);
    if (typed.status !== 'ok' || !('struct' in typed)) return this.fail(r.key, 'fallback read failed');
    const [err] = await this.writeOnce([typed]);
    if (err) this.fail(r.key, `after a DUMP-format fallback: ${err.message}`);
    else this.counts.written++;
  }

  /** One pipeline per target node; returns, per record, the first error of its commands (or null). */
  private async writeOnce(records: Array<Extract<KeyRecord, { status: 'ok' }>>): Promise<Array<Error | null>> {
    const out: Array<Error | null> = new Array(records.length).fill(null);
    const groups = this.groupByNode(records.map((r) => r.key));
    await Promise.all(
      [...groups.entries()].map(async ([owner, indexes]) => {
        // over a bare RESP connection to the master that owns the keys
        let pipe: ReturnType<RespConnection['pipeline']>;
        try {
          pipe = (await this.targetConns.get(owner)).pipeline();
        } catch (err) {
          this.unreachable(this.targetHealth, err, owner);
          for (const i of indexes) out[i] = err as Error;
          return;
        }
        const spans: Array<[number, number]> = [];
        for (const i of indexes) {
          const r = records[i];
          const first = queued(pipe);
          if ('dump' in r) writeDump(pipe, r.key, r.ttlMs, r.dump, r.expireAtMs, this.target.expiry);
          else writeStruct(pipe, r.key, r.ttlMs, r.struct, this.o.mergePolicy, r.expireAtMs, this.target.expiry);
          spans.push([first, queued(pipe)]);
        }
        let replies: Array<[Error | null, unknown]>;
        try {
          replies = (await pipe.exec()) ?? [];
          this.targetHealth.ok(owner);
        } catch (err) {
          this.unreachable(this.targetHealth, err, owner);
          for (const i of indexes) out[i] = err as Error;
          return;
        }
        indexes.forEach((i, j) => {
          const [a, b] = spans[j];
          for (let c = a; c < b; c++) {
            const e = replies[c]?.[0];
            if (e) {
              out[i] = e;
              break;
            }
          }
        });
      }),
    );
    return out;
  }

  /** A cluster pipeline must stay on one node: keys grouped by the address of the master that owns their slot. */
  private groupByNode(keys: Buffer[]): Map<string, number[]> {
    const groups = new Map<string, number[]>();
    const cluster = this.target.isCluster ? (this.target.writer as Cluster) : undefined;
    const single = addressOf(this.target.masters[0]);
    keys.forEach((k, i) => {
      const owner = cluster ? (cluster.slots[calculateSlot(k)]?.[0] ?? single) : single;
      const g = groups.get(owner);
      if (g) g.push(i);
      else groups.set(owner, [i]);
    });
    return groups;
  }
}

