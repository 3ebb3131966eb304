// One lane of the live writer: the queue of one target master, its connection, and the sending of one pipelined
// batch at a time until it is answered (a broken connection opened again, the batch sent again MAX_SENDS times at most).
import { type RespConnection } from '../redis/resp.js';
import { connectionWords } from '../topology/connection-words.js';
import { MAX_SENDS, PermanentError, isPermanent, refusedInExec } from './write-errors.js';
import type { WriteOp, WriterCounts, WriterHooks } from './write-op.js';
import { RereadSkips } from './reread-skips.js';

/** What a lane asks of the writer that owns it (TargetWriter): a connection, the hooks, the counts, the settlement. */
export interface LaneOwner {
  open(address: string): Promise<RespConnection>;
  readonly hooks: WriterHooks;
  readonly counts: WriterCounts;
  readonly baseDb: number;
  /** a cluster target: every op is routed to its master by slot (no SELECT per lane) */
  readonly cluster: unknown;
  /** bumped by a target restart: a batch taken before it is dropped */
  readonly epoch: number;
  targetRestarted(): void;
  settle(batch: WriteOp[], errors: Array<string | undefined>, lane?: Lane): void;
}

const BATCH_OPS = 1000;
const BATCH_BYTES = 4 * 1024 * 1024;

export class Lane {
  /** waiting operations: queue[head…] (an index, not shift(): shift() is O(n) on a long array) */
  private queue: WriteOp[] = [];
  private head = 0;
  private conn?: RespConnection;
  private db = -1;
  private running = false;
  private runId?: string;
  /** commands a key's value read again from the source already holds */
  private skips: RereadSkips;
  /** set once the target refused in a way no retry changes: every batch after it fails at once */
  private dead?: string;
  closed = false;

  constructor(
    readonly address: string,
    private readonly w: LaneOwner,
  ) {
    this.skips = new RereadSkips(w);
  }

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
          if (this.queue[this.head] === head) this.skips.note(head);
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
      this.skips.skip(op);
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
