// The live writer: applies operations to the target in the order they were pushed, over bare RESP connections.
// One lane per target master (a standalone target has one); a key always goes to the same lane, so commands on
// one key reach the target in source order. A lane sends one pipelined batch at a time and waits for its replies.
//
// An operation is one command, or several applied atomically (MULTI/EXEC on one node: a source transaction).
// Tickets tell the sources what has been applied: a ticket is done once the target replied to its operation.
//
// A connection that breaks is opened again (backoff 100 ms → 2 s) and the unanswered batch sent again, at most
// MAX_SENDS times: a batch that never gets its replies ends the run (`fatal`), never loops. When the target's run_id
// changed (it restarted, and may have lost what it was sent), the writer says so through `onTargetRestart` instead
// of resending: the job then resyncs the sources in full.
//
// An operation the target answers with an error is failed: counted, its key named in the log (the first 20), and
// its `onFailed` told (a psync stream's checkpoint then asks for a full sync). A RESTORE refused for its format gets
// its typed writes instead (a fallback); when those cannot be built either (a value that does not decode), the key
// fails like any other: it never stops the batch around it.
import type { Cluster } from 'ioredis';
import { RespConnection, type Cmd } from '../redis/resp.js';
import { addressOf } from '../redis/resp-pool.js';
import { connectionWords } from '../topology/connection-words.js';
import type { Side } from '../replicate/side.js';
import { LatencyWindow } from './latency.js';
import { calculateSlot } from '../redis/slot.js';

export interface Ticket {
  done: boolean;
  /** replication offset after the operation (-1: none) */
  offset: number;
  /** performance.now() when cutover received it; -1 for markers */
  at: number;
  /** the end of an RDB: the applied offset may move again once it is done */
  barrier?: boolean;
}

export interface WriteOp {
  /** target database (standalone) */
  db: number;
  /** several: a transaction, applied with MULTI/EXEC */
  cmds: Cmd[];
  /** per command, the key that routes it on a cluster target (undefined: keyless) */
  keys: Array<Buffer | undefined>;
  ticket?: Ticket;
  /** cluster target: a keyless command goes to every master (FUNCTION …, FLUSHDB) */
  broadcast?: boolean;
  /** ends the batch it is in: nothing after it shares its pipeline (the end of an RDB) */
  barrier?: boolean;
  /** RESTORE of an RDB key: the typed writes to use when the target cannot read the payload's format (built then; may throw) */
  fallback?: () => Cmd[] | undefined;
  /** the target refused it (it is counted as failed): what the operation missed cannot come back by itself */
  onFailed?: (message: string) => void;
  bytes: number;
  /** times it was sent again after a cluster redirection */
  attempts?: number;
  /** per command, every key it names when more than the routing one (skips after a re-read look at all of them) */
  touched?: Array<Buffer[] | undefined>;
  /**
   * the key's value is read again from the source (source db `db`): `wait` resolves once cmds holds the RESTORE (or
   * DEL) to write, and `upTo` the source's replication offset when it was read. Nothing behind it in its lane is
   * sent before that; commands on the key from the same stream up to `upTo` are then left out (the value holds them)
   */
  reread?: { db: number; key: Buffer; upTo?: number };
  wait?: Promise<void>;
  /** psync: which stream (and sync) the operation came from, and its replication offset there */
  stream?: string;
  streamOffset?: number;
}

export interface WriterCounts {
  applied: number;
  failed: number;
  fallbacks: number;
  splitTransactions: number;
  retriedBatches: number;
  /** operations sent again after MOVED/ASK/TRYAGAIN/CLUSTERDOWN from a cluster target */
  retriedOps: number;
  /** commands left out because a key's value read again from the source already held them */
  skipped: number;
}

export interface WriterHooks {
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** the target refuses cutover's connections in a way no retry changes (a password, a database it lacks) */
  fatal?(message: string): void;
  /** the target restarted (its run_id changed): what it was sent may be lost */
  onTargetRestart(): void;
  /** queued bytes went under the low-water mark (sources paused for back-pressure may go on) */
  onDrain(): void;
}

const BATCH_OPS = 1000;
const BATCH_BYTES = 4 * 1024 * 1024;
export const HIGH_WATER = 32 * 1024 * 1024;
/** what a queued operation costs in memory beyond its arguments' bytes (objects, arrays, Buffer views, its ticket) */
const OP_OVERHEAD = 512;
const LOW_WATER = 8 * 1024 * 1024;
const MAX_LOGGED_FAILURES = 20;
/** errors from a cluster target that mean "not here, not now": the operation was not applied */
const REDIRECTED = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN)\b/;
const MAX_REDIRECTS = 10;
/** times one batch is sent on connections that break before its replies come, before the run ends */
export const MAX_SENDS = 10;

/** The key an operation is about, as a log line names it. */
export function keyName(op: Pick<WriteOp, 'keys'>): string {
  const k = op.keys.find((x) => x !== undefined);
  if (!k) return '';
  const text = k.toString('utf8');
  return ` on ${text.length > 100 ? `${text.slice(0, 100)}…` : text}`;
}

function isFormatError(message: string): boolean {
  return /DUMP payload version or checksum are wrong|Bad data format/i.test(message);
}

/**
 * The first command of a transaction the target refused as it ran, from EXEC's array of replies (a ZADD of a
 * score that is no number, a WRONGTYPE); undefined when every one was applied.
 */
export function refusedInExec(cmds: Cmd[], exec: unknown): string | undefined {
  if (!Array.isArray(exec)) return undefined;
  const i = exec.findIndex((r) => r instanceof Error);
  if (i < 0) return undefined;
  const applied = exec.filter((r) => !(r instanceof Error)).length;
  return `${cmds[i]?.[0] ?? 'a command'}: ${(exec[i] as Error).message} (inside MULTI/EXEC: ${applied} of its ${exec.length} commands applied)`;
}

class PermanentError extends Error {}

/** A server's reply (not a network failure) that says the connection will never be accepted as it is. */
function isPermanent(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException;
  if (e?.code) return false;
  return /^(WRONGPASS|NOAUTH|NOPERM|ERR)\b/.test(String(e?.message)) && !/LOADING|BUSY|MASTERDOWN/.test(String(e?.message));
}

class Lane {
  /** waiting operations: queue[head…] (an index, not shift(): shift() is O(n) on a long array) */
  private queue: WriteOp[] = [];
  private head = 0;
  private conn?: RespConnection;
  private db = -1;
  private running = false;
  private runId?: string;
  /** after a re-read: stream → "db:key" → [offset of the re-read, offset the value read holds] */
  private skips = new Map<string, Map<string, [number, number]>>();
  private warnedTwice = false;
  /** set once the target refused in a way no retry changes: every batch after it fails at once */
  private dead?: string;
  closed = false;

  constructor(
    readonly address: string,
    private readonly w: TargetWriter,
  ) {}

  get length(): number {
    return this.queue.length - this.head;
  }

  push(op: WriteOp): void {
    this.queue.push(op);
    if (!this.running) void this.run();
  }

  /** Puts operations ahead of everything waiting (a fallback's typed writes: before the stream's later commands). */
  pushFront(ops: WriteOp[]): void {
    if (!ops.length) return;
    if (this.head >= ops.length) {
      this.head -= ops.length;
      ops.forEach((op, i) => (this.queue[this.head + i] = op));
    } else this.queue.splice(this.head, 0, ...ops);
    if (!this.running) void this.run();
  }

  /** Empties the queue; returns what was waiting. */
  clear(): WriteOp[] {
    const rest = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    this.skips.clear();
    return rest;
  }

  /** A re-read's value is in: commands on its key up to the offset read are not sent again. */
  private noteReread(op: WriteOp): void {
    const r = op.reread;
    if (!op.stream || op.streamOffset === undefined || r?.upTo === undefined || r.upTo <= op.streamOffset) return;
    let m = this.skips.get(op.stream);
    if (!m) this.skips.set(op.stream, (m = new Map()));
    m.set(`${op.db}:${r.key.toString('latin1')}`, [op.streamOffset, r.upTo]);
  }

  /** Leaves out the commands a re-read value already holds (see noteReread). */
  private skipReread(op: WriteOp): void {
    const m = op.stream !== undefined ? this.skips.get(op.stream) : undefined;
    const at = op.streamOffset;
    if (!m || at === undefined || op.reread) return;
    for (const [id, [, upTo]] of m) if (upTo < at) m.delete(id);
    if (!m.size) return void this.skips.delete(op.stream!);
    const keep: number[] = [];
    op.cmds.forEach((_c, i) => {
      const keys = op.touched?.[i] ?? (op.keys[i] ? [op.keys[i]!] : []);
      const hit = keys.map((k) => m.get(`${op.db}:${k.toString('latin1')}`)).some((w) => w && w[0] < at && at <= w[1]);
      if (hit && keys.length === 1) return; // already in the value read
      if (hit && !this.warnedTwice) {
        this.warnedTwice = true;
        this.w.hooks.log('warn', `a command on several keys, one of them just read again from the source, is applied after the value read already holds it (a verification shows it if that matters)`);
      }
      keep.push(i);
    });
    if (keep.length === op.cmds.length) return;
    this.w.counts.skipped += op.cmds.length - keep.length;
    op.cmds = keep.map((i) => op.cmds[i]);
    op.keys = keep.map((i) => op.keys[i]);
    if (op.touched) op.touched = keep.map((i) => op.touched![i]);
  }

  private async connect(): Promise<RespConnection> {
    if (this.conn && !this.conn.broken) return this.conn;
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new Error('writer closed');
      if (this.dead) throw new PermanentError(this.dead);
      try {
        const conn = await this.w.open(this.address);
        const p = conn.pipeline();
        p.call('INFO', ['server']);
        const [[err, info]] = await p.exec();
        if (err) throw err;
        const runId = /run_id:(\w+)/.exec(String(info))?.[1];
        const restarted = this.runId !== undefined && runId !== this.runId;
        if (this.runId !== undefined) this.w.hooks.log(restarted ? 'warn' : 'info', `target ${this.address}: connected again${restarted ? ' after a restart (new run_id)' : ''}`);
        this.runId = runId;
        this.conn = conn;
        this.db = this.w.baseDb;
        if (restarted) this.w.targetRestarted();
        return conn;
      } catch (err) {
        const message = (err as Error).message;
        // a refusal no retry changes (a changed password, a database the target lacks): a few tries, then the end
        if (isPermanent(err)) {
          if (attempt >= 2) {
            this.dead = `target ${this.address} refuses cutover's connection: ${message}`;
            this.w.hooks.fatal?.(this.dead);
            throw new PermanentError(this.dead);
          }
        } else if (attempt === 0) this.w.hooks.log('warn', `target: ${connectionWords(err, this.address)}; retrying`);
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** Math.min(attempt, 5))));
      }
    }
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.length && !this.closed) {
        const head = this.queue[this.head];
        if (head.wait) {
          // a key read again from the source: nothing behind it goes before it
          await head.wait;
          head.wait = undefined;
          if (this.queue[this.head] === head) this.noteReread(head);
          continue;
        }
        const batch = this.take();
        await this.send(batch);
      }
    } catch (err) {
      // a fault of cutover's own, never a reason to send again: the run ends, loudly
      this.dead = `target ${this.address}: the writer stopped on an internal error (${(err as Error).message}); what it had not written is left out`;
      this.w.hooks.fatal?.(this.dead);
    } finally {
      this.running = false;
    }
  }

  private take(): WriteOp[] {
    const batch: WriteOp[] = [];
    let bytes = 0;
    while (this.head < this.queue.length && batch.length < BATCH_OPS && bytes < BATCH_BYTES) {
      const op = this.queue[this.head];
      if (op.wait) break;
      this.queue[this.head++] = undefined as unknown as WriteOp;
      this.skipReread(op);
      batch.push(op);
      bytes += op.bytes;
      if (op.barrier) break;
    }
    // drop the taken part now and then (amortised O(1) per operation)
    if (this.head >= 4096 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return batch;
  }

  /**
   * Sends a batch until it is answered; a broken connection is opened again and the batch sent again, MAX_SENDS
   * times at most: then the run ends (fatal) and the batch is failed. Settling the replies is outside the network's
   * try: what goes wrong there is never taken for a broken connection.
   */
  private async send(batch: WriteOp[]): Promise<void> {
    const errors = await this.exchange(batch);
    if (errors) this.w.settle(batch, errors, this);
  }

  /** The batch's errors (undefined per op: applied; [] dropped), or undefined when closed. */
  private async exchange(batch: WriteOp[]): Promise<Array<string | undefined> | undefined> {
    let last = '';
    for (let attempt = 0; ; attempt++) {
      if (this.closed) return undefined;
      if (this.dead) return batch.map(() => this.dead!);
      if (attempt >= MAX_SENDS) {
        this.dead = `target ${this.address}: the same ${batch.length} operations were sent ${MAX_SENDS} times and the connection broke each time before their replies (${last}); stopping, as no resend changes that: look at the target's log`;
        this.w.hooks.fatal?.(this.dead);
        return batch.map(() => this.dead!);
      }
      if (attempt >= 2) {
        await new Promise((r) => setTimeout(r, Math.min(1000, 100 * 2 ** (attempt - 2))));
        if (this.closed) return undefined;
      }
      const epoch = this.w.epoch;
      let conn: RespConnection;
      try {
        conn = await this.connect();
      } catch (err) {
        // counted as failed, never retried forever; otherwise closed
        if (err instanceof PermanentError) return batch.map(() => err.message);
        return undefined;
      }
      // a target restart while connecting: the job resyncs in full and these operations are void
      if (epoch !== this.w.epoch) return [];
      const pipe = conn.pipeline();
      const spans: Array<[number, number]> = [];
      /** op index → where its SELECT is in the pipeline */
      const selects = new Map<number, number>();
      for (const [n, op] of batch.entries()) {
        if (!this.w.cluster && op.db !== this.db) {
          selects.set(n, pipe.length);
          pipe.call('SELECT', [op.db]);
          this.db = op.db;
        }
        const start = pipe.length;
        if (op.cmds.length > 1) pipe.call('MULTI', []);
        for (const [name, ...args] of op.cmds) pipe.call(name, args);
        if (op.cmds.length > 1) pipe.call('EXEC', []);
        // a transaction's answer is its EXEC's (an error queued inside makes EXEC fail with EXECABORT)
        spans.push([op.cmds.length > 1 ? pipe.length - 1 : start, pipe.length]);
      }
      let replies: Awaited<ReturnType<typeof pipe.exec>>;
      try {
        replies = await pipe.exec();
      } catch (err) {
        this.db = -1;
        if (this.closed) return undefined;
        last = (err as Error).message;
        if (attempt === 0) this.w.hooks.log('warn', `target ${this.address}: ${last} with ${batch.length} operations unanswered; sending them again`);
        this.w.counts.retriedBatches++;
        continue;
      }
      return spans.map(([a, b], n) => {
        // a SELECT refused (a database the target no longer has): the op failed, and the next one selects again
        const sel = selects.get(n);
        if (sel !== undefined && replies[sel][0]) {
          this.db = -1;
          return `SELECT ${batch[n].db}: ${replies[sel][0]!.message}`;
        }
        for (let i = a; i < b; i++) {
          const [err] = replies[i];
          if (err) return err.message;
        }
        // EXEC answers with each command's reply: one refused when it ran (not when queued) is in there
        if (batch[n].cmds.length > 1) return refusedInExec(batch[n].cmds, replies[a][1]);
        return undefined;
      });
    }
  }

  close(): void {
    this.closed = true;
    this.conn?.close();
  }
}

export class TargetWriter {
  readonly counts: WriterCounts = { applied: 0, failed: 0, fallbacks: 0, splitTransactions: 0, retriedBatches: 0, retriedOps: 0, skipped: 0 };
  readonly ages = new LatencyWindow(10);
  private lanes = new Map<string, Lane>();
  /** tickets of an operation that went out in parts (split transaction, broadcast) → its own ticket */
  private joined = new Map<Ticket[], Ticket>();
  private bytes = 0;
  private loggedFailures = 0;
  private splitLogged = 0;
  /** bumped by a target restart: batches taken before it are dropped */
  epoch = 0;
  lastAppliedAt = 0;
  readonly cluster: Cluster | undefined;
  readonly baseDb: number;

  constructor(
    private readonly target: Side,
    readonly hooks: WriterHooks,
  ) {
    this.cluster = target.isCluster ? (target.writer as Cluster) : undefined;
    this.baseDb = target.isCluster ? 0 : target.db;
  }

  /** Operations waiting to be sent (the batch in flight on each lane is not counted: see queuedBytes). */
  get depth(): number {
    let n = 0;
    for (const l of this.lanes.values()) n += l.length;
    return n;
  }

  /** Bytes of operations waiting or in flight: 0 once the target has answered everything sent. */
  get queuedBytes(): number {
    return this.bytes;
  }

  /** Nothing waiting and nothing unanswered. */
  get idle(): boolean {
    return this.depth === 0 && this.bytes <= 0;
  }

  get overHighWater(): boolean {
    return this.bytes + this.depth * OP_OVERHEAD > HIGH_WATER;
  }

  open(address: string): Promise<RespConnection> {
    const at = address.lastIndexOf(':');
    return RespConnection.open({ host: address.slice(0, at), port: Number(address.slice(at + 1)), ...this.target.auth, db: this.baseDb });
  }

  private lane(address: string): Lane {
    let l = this.lanes.get(address);
    if (!l) {
      l = new Lane(address, this);
      this.lanes.set(address, l);
    }
    return l;
  }

  private masters(): string[] {
    if (!this.cluster) return [addressOf(this.target.masters[0])];
    const seen = new Set<string>();
    for (const owners of this.cluster.slots) if (owners?.[0]) seen.add(owners[0]);
    return seen.size ? [...seen] : this.target.masters.map(addressOf);
  }

  private ownerOf(key: Buffer | undefined): string {
    if (!this.cluster || !key) return this.masters()[0];
    return this.cluster.slots[calculateSlot(key)]?.[0] ?? this.masters()[0];
  }

  push(op: WriteOp): void {
    this.bytes += op.bytes;
    if (!this.cluster) return this.lane(this.masters()[0]).push(op);
    if (op.broadcast) {
      // one part per master; the operation's ticket is done when every master answered
      const masters = this.masters();
      const parts: Ticket[] = masters.map(() => ({ done: false, offset: -1, at: -1 }));
      masters.forEach((m, i) => this.lane(m).push({ ...op, broadcast: false, ticket: parts[i], bytes: i === 0 ? op.bytes : 0 }));
      if (op.ticket) this.joined.set(parts, op.ticket);
      return;
    }
    // route each command by its key's slot; a cluster runs a transaction only when all its keys share one slot,
    // so one over several slots is split into one transaction per slot
    const bySlot = new Map<number, number[]>();
    op.keys.forEach((k, i) => {
      const slot = k ? calculateSlot(k) : -1;
      const list = bySlot.get(slot) ?? [];
      list.push(i);
      bySlot.set(slot, list);
    });
    if (bySlot.size === 1) return this.lane(this.ownerOf(op.keys[0])).push(op);
    this.counts.splitTransactions++;
    if (this.splitLogged++ < 5) this.hooks.log('warn', `a transaction of ${op.cmds.length} commands spans ${bySlot.size} slots of the cluster target: applied as one transaction per slot (not atomic across them)`);
    const whole = op.ticket;
    const parts: Ticket[] = [];
    let first = true;
    for (const idx of bySlot.values()) {
      const part: Ticket = { done: false, offset: -1, at: -1 };
      parts.push(part);
      this.lane(this.ownerOf(op.keys[idx[0]])).push({ db: op.db, cmds: idx.map((i) => op.cmds[i]), keys: idx.map((i) => op.keys[i]), touched: op.touched && idx.map((i) => op.touched![i]), stream: op.stream, streamOffset: op.streamOffset, ticket: part, onFailed: op.onFailed, bytes: first ? op.bytes : 0 });
      first = false;
    }
    if (whole) this.joined.set(parts, whole);
  }

  /** The typed writes for a RESTORE refused for its format; a message when they cannot be built (undefined: none). */
  private fallbackOf(op: WriteOp, err: string): Cmd[] | string | undefined {
    if (!op.fallback || !isFormatError(err)) return undefined;
    try {
      return op.fallback();
    } catch (e) {
      return `${err}; its typed writes cannot be built either: ${(e as Error).message}`;
    }
  }

  /**
   * Replies for a batch: errors[i] is op i's first error (undefined: applied). Empty errors: dropped. `lane`: the
   * lane that sent it (a fallback's typed writes go first in its queue).
   */
  settle(batch: WriteOp[], errors: Array<string | undefined>, lane?: Lane): void {
    const now = performance.now();
    const dropped = errors.length === 0;
    const fallbacks: WriteOp[] = [];
    batch.forEach((op, i) => {
      this.bytes -= op.bytes;
      if (dropped) return;
      let err = errors[i];
      const fallback = err ? this.fallbackOf(op, err) : undefined;
      if (Array.isArray(fallback)) {
        this.counts.fallbacks++;
        fallbacks.push({ db: op.db, cmds: fallback, keys: fallback.map(() => op.keys[0]), ticket: op.ticket, onFailed: op.onFailed, bytes: 0 });
        return;
      }
      if (typeof fallback === 'string') err = fallback;
      if (err && this.cluster && REDIRECTED.test(err) && (op.attempts ?? 0) < MAX_REDIRECTS) {
        // a resharding or a failover on the target: learn the slots again and send it again (never applied)
        this.counts.retriedOps++;
        this.refreshSlots();
        const again: WriteOp = { ...op, attempts: (op.attempts ?? 0) + 1 };
        setTimeout(() => this.push(again), Math.min(1000, 50 * 2 ** (again.attempts ?? 1))).unref?.();
        return;
      }
      if (err) {
        this.counts.failed++;
        if (this.loggedFailures++ < MAX_LOGGED_FAILURES) this.hooks.log('error', `target refused ${op.cmds.map((c) => c[0]).join(' ')}${keyName(op)}: ${err}`);
        if (this.loggedFailures === MAX_LOGGED_FAILURES + 1) this.hooks.log('error', `more operations refused by the target: counted as failed, not each said`);
        op.onFailed?.(err);
      } else this.counts.applied += op.cmds.length;
      const t = op.ticket;
      if (t) {
        t.done = true;
        if (t.at >= 0) this.ages.add(now - t.at);
      }
    });
    // the typed writes go first in the lane that sent the RESTORE: nothing on this key passes them, in their order
    if (fallbacks.length) {
      if (lane) lane.pushFront(fallbacks);
      else for (const f of fallbacks) this.push(f);
    }
    if (!dropped) this.lastAppliedAt = Date.now();
    for (const [parts, whole] of this.joined) {
      if (parts.every((p) => p.done)) {
        whole.done = true;
        if (whole.at >= 0) this.ages.add(now - whole.at);
        this.joined.delete(parts);
      }
    }
    if (this.bytes + this.depth * OP_OVERHEAD < LOW_WATER) this.hooks.onDrain();
  }

  private refreshing = false;

  private refreshSlots(): void {
    if (!this.cluster || this.refreshing) return;
    this.refreshing = true;
    this.cluster.refreshSlotsCache(() => (this.refreshing = false));
  }

  targetRestarted(): void {
    this.epoch++;
    this.discard();
    this.hooks.onTargetRestart();
  }

  /** Drops everything queued (a full resync follows). */
  discard(): void {
    for (const l of this.lanes.values()) {
      for (const op of l.clear()) this.bytes -= op.bytes;
    }
    this.joined.clear();
  }

  /**
   * Resolves true when every lane's queue is empty and nothing is in flight; false after timeoutMs, or once the
   * target has answered nothing for stallMs (a target down: waiting longer changes nothing).
   */
  async drain(timeoutMs: number, stallMs = timeoutMs): Promise<boolean> {
    const start = Date.now();
    const end = start + timeoutMs;
    while (Date.now() < end) {
      if ([...this.lanes.values()].every((l) => l.length === 0) && this.bytes <= 0) return true;
      if (Date.now() - Math.max(start, this.lastAppliedAt) >= stallMs) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  }

  close(): void {
    for (const l of this.lanes.values()) l.close();
  }
}
