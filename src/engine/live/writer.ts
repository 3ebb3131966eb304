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
import { RespConnection } from '../redis/resp.js';
import { addressOf } from '../redis/resp-pool.js';
import type { Side } from '../replicate/side.js';
import { LatencyWindow } from './latency.js';
import { calculateSlot } from '../redis/slot.js';
import type { Ticket, WriteOp, WriterCounts, WriterHooks } from './write-op.js';
import { MAX_LOGGED_FAILURES, MAX_REDIRECTS, REDIRECTED, fallbackOf, keyName } from './write-errors.js';
import { Lane } from './writer-lane.js';

export type { Ticket, WriteOp, WriterCounts, WriterHooks } from './write-op.js';
export { MAX_SENDS, keyName, refusedInExec } from './write-errors.js';

export const HIGH_WATER = 32 * 1024 * 1024;
/** what a queued operation costs in memory beyond its arguments' bytes (objects, arrays, Buffer views, its ticket) */
const OP_OVERHEAD = 512;
const LOW_WATER = 8 * 1024 * 1024;

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
      const fallback = err ? fallbackOf(op, err) : undefined;
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
