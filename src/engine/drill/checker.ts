// The consistency checker, after redis-rb-cluster's consistency-test: INCR random counters at a steady rate, read
// each back before writing it again, and remember every acknowledged value. A value read lower than expected is
// acknowledged writes lost; higher, writes applied whose reply never came. Meanwhile every failed (or stalled)
// write opens a window of unavailability, closed by the first write accepted after it. No output of its own:
// everything goes out as events ('tick' each second, 'window', 'log', 'done').
import { InputError } from '../../options/endpoint.js';
import { redact } from '../../options/redact.js';
import { Emitter } from '../emitter.js';
import { CounterBook, type Finding } from './counters.js';
import { LoopWatch } from './lag.js';
import { certainlyNotApplied, oneLine, perSecond, preciseNow } from './stats.js';
import { thousands } from '../../format/counts.js';
import { clockMs } from '../../format/durations.js';
import { openTarget } from './open-target.js';
import { sleep } from './sleep.js';
import type { DrillTarget, TargetHooks, TargetSpec } from './target.js';
import { zeroCounts, type DrillCounts, type DrillEvent, type DrillState, type DrillSummary, type DrillTick, type UnavailabilityWindow } from './types.js';
import { WindowTracker, type WindowChange } from './windows.js';

export interface CheckerOptions {
  /** how many counters (keys) to write (1000) */
  counters: number;
  /** key prefix; counters are PREFIX0 … PREFIX(N-1) */
  prefix: string;
  /** INCRs a second; 0 = as fast as `concurrency` operations in flight allow (1000). (The CLI says `--rate max`.) */
  rate: number;
  /** stop by itself after this long; undefined = until stop() */
  durationMs?: number;
  /** delete the counters first instead of reading their current values */
  reset: boolean;
  /** an acknowledged write slower than this counts as unavailable time (100) */
  stallMs: number;
  /** operations in flight with rate 0 (16) */
  concurrency: number;
  /** windows kept in memory (the most recent); totals cover all (100) */
  keepWindows: number;
  /** the 'tick' interval (1000) */
  tickMs: number;
}

export const CHECKER_DEFAULTS: CheckerOptions = {
  counters: 1000,
  prefix: 'cutover:drill:',
  rate: 1000,
  reset: false,
  stallMs: 100,
  concurrency: 16,
  keepWindows: 100,
  tickMs: 1000,
};

interface InFlightWrite {
  group: string;
  /** when the operation started (its read back): the write is held behind it */
  sentAt: number;
  /** the node its commands were sent to (the INCR's, once sent): errors and stalls are said of this node */
  node?: string;
  /** found past the stall limit while in flight */
  stalled: boolean;
  /** the window it was found stalled in: its outcome (acknowledged late, or failed) is counted there */
  window?: UnavailabilityWindow;
}

/** Operations at a time while reading the counters at the start and at the end. */
const SWEEP_PARALLEL = 64;
/** How often the rate is topped up and stalled writes are looked for. */
const PUMP_MS = 5;
const STALL_SCAN_MS = 10;
/** A timer this much later than due means the process was busy (GC, a burst of replies), not the server. */
const LATE_MS = 15;

export class ConsistencyChecker {
  readonly events = new Emitter<DrillEvent>();
  readonly options: CheckerOptions;
  state: DrillState = 'connecting';
  /** resolves with the summary however the drill ends (stop(), --duration, a failed start) */
  readonly done: Promise<DrillSummary>;

  private resolveDone!: (s: DrillSummary) => void;
  private target?: DrillTarget;
  private book: CounterBook;
  private groupIndex: Uint16Array;
  private groupNames: string[] = [];
  private readonly windows: WindowTracker;
  private counts: DrillCounts = zeroCounts();
  private lastTick = { at: 0, counts: zeroCounts() };
  private readonly writesInFlight = new Set<InFlightWrite>();
  private inFlight = 0;
  /** operations in flight per group: a group whose writes hang holds at most its share of the limit */
  private groupInFlight: Uint32Array = new Uint32Array(0);
  private tokens = 0;
  private lastPump = 0;
  private startedAt = 0;
  private timers: NodeJS.Timeout[] = [];
  private starting?: Promise<void>;
  private finishing?: Promise<DrillSummary>;
  private masters: string[] = [];
  private lastMaster?: string;
  private finalCheck = { checked: 0, unchecked: 0 };
  private error?: string;
  /** a counter found short since the last tick, for the log */
  private lostExample?: string;
  private lostReported = 0;
  private slowestSinceTick = 0;
  private slowest = 0;
  /** per group, the master last seen taking its writes (a cluster's shards) */
  private groupMasters = new Map<string, string>();
  /** when this process was not running: not counted in a write's latency (one clock for every judgement) */
  private readonly watch = new LoopWatch(PUMP_MS, LATE_MS);

  constructor(
    private readonly spec: TargetSpec,
    options: Partial<CheckerOptions> = {},
    /** how the target is opened (a stand-in target in the unit tests) */
    private readonly open: (spec: TargetSpec, hooks: TargetHooks) => Promise<DrillTarget> = openTarget,
  ) {
    this.options = { ...CHECKER_DEFAULTS, ...options };
    this.book = new CounterBook(this.options.counters);
    this.groupIndex = new Uint16Array(this.options.counters);
    this.windows = new WindowTracker(this.options.keepWindows);
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  /** Connects, reads (or resets) the counters, and starts writing. Rejects when it cannot connect. */
  start(): Promise<void> {
    this.starting ??= this.run();
    return this.starting;
  }

  private async run(): Promise<void> {
    this.startedAt = preciseNow();
    try {
      this.target = await this.open(this.spec, { log: (level, message) => this.log(level, message) });
      const pace = this.options.rate ? `at ${thousands(this.options.rate)} writes/s` : `at the maximum rate (${this.options.concurrency} operations in flight)`;
      this.log('info', `drill on ${this.target.label}: ${thousands(this.options.counters)} counters ${this.options.prefix}0…${this.options.counters - 1} ${pace}`);
      this.mapGroups(this.target);
      await this.prepare(this.target);
    } catch (err) {
      this.error = oneLine(redact((err as Error)?.message ?? String(err)));
      this.state = 'failed';
      this.target?.close();
      this.log('error', this.error);
      const summary = this.summary('failed');
      this.events.emit({ type: 'done', summary });
      this.resolveDone(summary);
      throw err;
    }
    if (this.finishing) return; // stopped while connecting
    this.state = 'running';
    this.startedAt = preciseNow();
    this.lastTick = { at: this.startedAt, counts: { ...this.counts } };
    this.lastPump = performance.now();
    this.noteMaster();
    this.timers.push(setInterval(() => this.pump(), PUMP_MS));
    this.timers.push(setInterval(() => this.scanStalls(), STALL_SCAN_MS));
    this.timers.push(setInterval(() => this.tick(), this.options.tickMs));
    if (this.options.durationMs !== undefined) this.timers.push(setTimeout(() => void this.finish('duration'), this.options.durationMs));
  }

  /** Stops writing, waits for the writes in flight, reads every counter back once more, and sums up. */
  async stop(): Promise<DrillSummary> {
    if (this.starting) await this.starting.catch(() => undefined);
    if (this.state === 'failed') return this.done;
    return this.finish('stopped');
  }

  /** The figures now, as the per-second tick reports them. */
  snapshot(): DrillTick {
    const at = preciseNow();
    const counts = { ...this.counts };
    const open = this.windows.openWindows()[0];
    return {
      target: this.target?.label ?? '',
      at,
      elapsedMs: this.startedAt ? at - this.startedAt : 0,
      state: this.state,
      counts,
      perSecond: perSecond(this.lastTick.counts, counts, at - this.lastTick.at),
      master: this.target?.master(),
      slowestWriteMs: round1(this.slowestSinceTick),
      windows: this.windows.totals(),
      ...(open ? { open } : {}),
    };
  }

  // ---- the writer ----

  private mapGroups(target: DrillTarget): void {
    const index = new Map<string, number>();
    for (let i = 0; i < this.options.counters; i++) {
      const g = target.groupOf(this.key(i));
      let n = index.get(g);
      if (n === undefined) {
        n = this.groupNames.length;
        index.set(g, n);
        this.groupNames.push(g);
      }
      this.groupIndex[i] = n;
    }
    this.groupInFlight = new Uint32Array(this.groupNames.length);
  }

  private key(i: number): string {
    return this.options.prefix + i;
  }

  /** The start: every counter's current value (or 0 after deleting it). A key that is not a counter is bad input. */
  private async prepare(target: DrillTarget): Promise<void> {
    let failures = 0;
    let lastError = '';
    await this.sweep(async (i) => {
      const key = this.key(i);
      try {
        if (this.options.reset) {
          await target.del(key);
          this.book.set(i, 0);
          return;
        }
        const v = await target.get(key);
        const n = v === null ? 0 : Number(v);
        if (!Number.isSafeInteger(n)) throw new InputError(`${key} holds '${oneLine(String(v)).slice(0, 40)}', not a counter: choose another --prefix, or --reset to delete the drill's keys first`);
        this.book.set(i, n);
      } catch (err) {
        if (err instanceof InputError) throw err;
        if (/WRONGTYPE/.test((err as Error)?.message ?? '')) throw new InputError(`${key} is not a string key: choose another --prefix, or --reset to delete the drill's keys first`);
        failures++;
        lastError = target.describe(err);
      }
    });
    if (failures === this.options.counters) throw new Error(`could not ${this.options.reset ? 'reset' : 'read'} the counters: ${lastError}`);
    if (failures) this.log('warn', `${thousands(failures)} counter${failures === 1 ? '' : 's'} could not be ${this.options.reset ? 'reset' : 'read'} at the start (${lastError}): they are judged from their first read`);
  }

  /** Runs fn over every counter, SWEEP_PARALLEL at a time; the first InputError stops it. */
  private async sweep(fn: (i: number) => Promise<void>, deadline = Infinity): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < this.options.counters && preciseNow() < deadline) await fn(next++);
    };
    await Promise.all(Array.from({ length: Math.min(SWEEP_PARALLEL, this.options.counters) }, worker));
  }

  private pump(): void {
    if (this.state !== 'running') return;
    this.watch.timer(preciseNow());
    const { rate } = this.options;
    const t = performance.now();
    if (rate > 0) this.tokens = Math.min(this.tokens + ((t - this.lastPump) * rate) / 1000, Math.max(1, rate / 40));
    this.lastPump = t;
    const { max, perGroup } = inFlightLimits(this.options, this.groupNames.length);
    // a counter of a group at its share is passed over: a shard that hangs holds its own writes, not the others'
    const open = (i: number) => this.groupInFlight[this.groupIndex[i]] < perGroup;
    while (this.inFlight < max && (rate === 0 || this.tokens >= 1)) {
      const i = this.book.pick(Math.random, open);
      if (i < 0) break;
      if (rate > 0) this.tokens -= 1;
      const gi = this.groupIndex[i];
      this.book.setBusy(i, true);
      this.inFlight++;
      this.groupInFlight[gi]++;
      void this.operate(i).then((wrote) => {
        this.book.setBusy(i, false);
        this.inFlight--;
        this.groupInFlight[gi]--;
        // as fast as possible: the next one at once, unless writes are failing (then the pump's pace)
        if (rate === 0 && wrote) setImmediate(() => this.pump());
      });
    }
  }

  /** Read a counter back, judge it, INCR it, judge the reply. Resolves true when the write was accepted. */
  private async operate(i: number): Promise<boolean> {
    const target = this.target!;
    const key = this.key(i);
    const group = this.groupNames[this.groupIndex[i]];
    // the operation (read back, then INCR) is in flight from its start: a client that holds the GET (a cluster
    // client waiting for a dead master's slots to move) holds the write behind it, and that is unavailability too
    const w: InFlightWrite = { group, sentAt: preciseNow(), node: target.nodeOf(key), stalled: false };
    this.writesInFlight.add(w);
    try {
      const v = await target.get(key);
      this.counts.reads++;
      this.judge(this.book.observe(i, v === null ? 0 : Number(v)), key, 'read back');
    } catch {
      this.counts.readErrors++;
    }
    if (this.state !== 'running') {
      this.writesInFlight.delete(w);
      return false;
    }
    // where the INCR goes (the slot map, or the master, may have changed since the GET)
    w.node = target.nodeOf(key) ?? w.node;
    try {
      const v = await target.incr(key);
      const at = preciseNow();
      this.counts.writes++;
      // the same measure as the stall scan's: from the operation's start, this process's blind time left out
      const took = this.watch.latency(w.sentAt, at);
      if (took > this.slowestSinceTick) this.slowestSinceTick = took;
      if (took > this.slowest) this.slowest = took;
      if (took > this.options.stallMs) {
        this.counts.stalled++;
        if (!w.stalled) this.stall(w, w.sentAt + this.options.stallMs);
        if (w.window) this.windows.count(w.window, 'stalled');
      }
      this.judge(this.book.acknowledged(i, v), key, 'INCR reply');
      // a cluster client follows MOVED: the node that took it is the slot's owner now
      const by = target.mode === 'cluster' ? (target.nodeOf(key) ?? w.node) : w.node;
      this.apply(this.windows.ok(group, w.sentAt, at, by));
      return true;
    } catch (err) {
      const at = preciseNow();
      this.counts.writeErrors++;
      if (!certainlyNotApplied(err)) {
        this.counts.uncertain++;
        this.book.uncertain(i);
      }
      if (w.window) this.windows.count(w.window, 'failed');
      else this.apply(this.windows.bad(group, w.sentAt, at, oneLine(target.describe(err, w.node)), false, w.node).changes);
      return false;
    } finally {
      this.writesInFlight.delete(w);
    }
  }

  private judge(f: Finding, key: string, how: string): void {
    if (f.lost) {
      // the first loss is said at once; after that, once a tick (tick())
      const first = !this.counts.lost;
      this.counts.lost += f.lost;
      if (first) {
        this.log('error', `LOST ${thousands(f.lost)} acknowledged write${f.lost > 1 ? 's' : ''} on ${key} (${how} lower than acknowledged)`);
        this.lostReported = this.counts.lost;
      } else this.lostExample ??= key;
    }
    if (f.unacked) this.counts.unacked += f.unacked;
  }

  /** A write found past the stall limit (in flight, or by its late reply): said of the node it was sent to. */
  private stall(w: InFlightWrite, at: number): void {
    w.stalled = true;
    const r = this.windows.bad(w.group, w.sentAt, at, `${w.node ? `${w.node}: ` : ''}no reply within ${this.options.stallMs} ms`, true, w.node);
    w.window = r.window;
    this.apply(r.changes);
  }

  private scanStalls(): void {
    this.watch.timer(preciseNow());
    // after the poll phase, so replies that waited while the process was busy are read first; a poll phase that
    // kept the process busy is blind time (latency() notes it before judging)
    setImmediate(() => {
      const now = preciseNow();
      for (const w of this.writesInFlight) if (!w.stalled && this.watch.latency(w.sentAt, now) > this.options.stallMs) this.stall(w, now);
    });
  }

  private apply(changes: WindowChange[]): void {
    for (const c of changes) {
      const w = c.window;
      const where = w.group === 'master' ? '' : ` (${w.group})`;
      if (c.phase === 'opened') {
        this.log('warn', `writes unavailable${where} since ${clockMs(w.startedAt)}: ${w.firstError}`);
      } else {
        const moved = w.masterAfter && w.masterBefore && w.masterAfter !== w.masterBefore ? `, now on ${w.masterAfter}` : '';
        const writes = [w.failedWrites ? `${thousands(w.failedWrites)} failed` : '', w.stalledWrites ? `${thousands(w.stalledWrites)} stalled` : ''].filter(Boolean).join(', ');
        this.log('info', `writes accepted again${where} at ${clockMs(w.endedAt!)} after ${Math.round(w.durationMs!)} ms (window #${w.id}${writes ? `: ${writes} writes` : ''})${moved}`);
        this.noteMaster();
      }
      this.events.emit({ type: 'window', phase: c.phase, window: { ...w } });
    }
  }

  private noteMaster(): void {
    const t = this.target;
    if (t?.mode === 'cluster') {
      for (const g of this.groupNames) {
        const now = t.masterOf(g);
        const was = this.groupMasters.get(g);
        if (now && was && now !== was) this.log('warn', `${g}: writes now go to ${now} (was ${was})`);
        if (now) this.groupMasters.set(g, now);
      }
    }
    const m = t?.master();
    if (m && m !== this.lastMaster) {
      this.lastMaster = m;
      this.masters.push(m);
      if (this.masters.length > 50) this.masters.splice(1, 1);
    }
  }

  private tick(): void {
    this.noteMaster();
    this.reportLost();
    const tick = this.snapshot();
    this.lastTick = { at: tick.at, counts: tick.counts };
    this.slowestSinceTick = 0;
    this.events.emit({ type: 'tick', tick });
  }

  /** Losses found since the last report, in one line. */
  private reportLost(): void {
    const lostNow = this.counts.lost - this.lostReported;
    if (lostNow) this.log('error', `LOST ${thousands(lostNow)} more acknowledged write${lostNow > 1 ? 's' : ''}${this.lostExample ? ` (e.g. on ${this.lostExample})` : ''}: ${thousands(this.counts.lost)} in all`);
    this.lostReported = this.counts.lost;
    this.lostExample = undefined;
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    // the windows' clock, so a log line's time and the times it names agree
    this.events.emit({ type: 'log', entry: { at: preciseNow(), level, kind: 'info', message: redact(message) } });
  }

  // ---- the end ----

  private finish(reason: 'duration' | 'stopped'): Promise<DrillSummary> {
    this.finishing ??= this.close(reason);
    return this.finishing;
  }

  private async close(reason: 'duration' | 'stopped'): Promise<DrillSummary> {
    const wasRunning = this.state === 'running';
    this.state = 'stopping';
    const endedWriting = preciseNow();
    for (const t of this.timers.splice(0)) clearInterval(t);
    const target = this.target;
    if (target && wasRunning) {
      // the writes in flight end by reply or timeout; stalled ones keep being flagged meanwhile
      const scan = setInterval(() => this.scanStalls(), STALL_SCAN_MS);
      const limit = performance.now() + Math.max(3000, 3 * this.spec.conn.commandTimeoutMs);
      while (this.inFlight > 0 && performance.now() < limit) await sleep(5);
      clearInterval(scan);
      this.tick();
      await this.finalSweep(target);
      this.reportLost();
    }
    const summary = this.summary(reason, endedWriting);
    this.state = 'done';
    target?.close();
    this.log(summary.lost ? 'error' : 'info', `drill ended: ${thousands(summary.counts.writes)} writes acknowledged, ${thousands(summary.lost)} lost, ${thousands(summary.windows.count)} unavailability window${summary.windows.count === 1 ? '' : 's'}`);
    this.events.emit({ type: 'done', summary });
    this.resolveDone(summary);
    return summary;
  }

  /** Every counter read back once more, so a loss is found even on a counter not written since. */
  private async finalSweep(target: DrillTarget): Promise<void> {
    const deadline = preciseNow() + Math.max(5000, 3 * this.spec.conn.commandTimeoutMs);
    let checked = 0;
    let lastError = '';
    await this.sweep(async (i) => {
      if (!this.book.known(i)) return;
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          const v = await target.get(this.key(i));
          this.counts.reads++;
          this.judge(this.book.observe(i, v === null ? 0 : Number(v)), this.key(i), 'final read-back');
          checked++;
          return;
        } catch (err) {
          this.counts.readErrors++;
          lastError = target.describe(err);
          if (preciseNow() > deadline) return;
          await sleep(this.spec.reconnectMs);
        }
      }
    }, deadline);
    let known = 0;
    for (let i = 0; i < this.options.counters; i++) if (this.book.known(i)) known++;
    this.finalCheck = { checked, unchecked: known - checked };
    if (known - checked > 0) this.log('warn', `${thousands(known - checked)} counter${known - checked === 1 ? '' : 's'} could not be read back at the end${lastError ? ` (${lastError})` : ''}: losses on them are not counted`);
  }

  private summary(reason: DrillSummary['reason'], endedWriting = preciseNow()): DrillSummary {
    const endedAt = preciseNow();
    // a window still open when writing stopped counts up to that moment
    const windowList = this.windows.list().map((w) => (w.endedAt === undefined ? { ...w, durationMs: Math.max(0, endedWriting - w.startedAt) } : { ...w }));
    let longest = this.windows.longest ? { ...this.windows.longest } : undefined;
    for (const w of windowList) if (w.endedAt === undefined && (!longest || w.durationMs! > longest.durationMs!)) longest = w;
    return {
      mode: this.target?.mode ?? 'standalone',
      target: this.target?.label ?? '',
      counters: this.options.counters,
      prefix: this.options.prefix,
      rate: this.options.rate,
      stallMs: this.options.stallMs,
      startedAt: this.startedAt,
      endedAt,
      durationMs: Math.max(0, endedWriting - this.startedAt),
      counts: { ...this.counts },
      lost: this.counts.lost,
      windows: this.windows.totals(endedWriting),
      slowestWriteMs: round1(this.slowest),
      windowList,
      ...(longest ? { longest } : {}),
      masters: [...this.masters],
      finalCheck: { ...this.finalCheck },
      reason,
      ...(this.error ? { error: this.error } : {}),
    };
  }
}

/**
 * Operations in flight at most: in all (a memory bound with a rate; `concurrency` at the maximum rate), and per group
 * (a cluster shard), its share of that, so that a shard whose writes hang (up to the timeout each) cannot take every
 * slot and starve the shards that answer.
 */
export function inFlightLimits(o: Pick<CheckerOptions, 'rate' | 'counters' | 'concurrency'>, groups: number): { max: number; perGroup: number } {
  const half = Math.floor(o.counters / 2);
  const max = Math.max(1, Math.min(o.rate > 0 ? 512 : o.concurrency, half));
  return { max, perGroup: Math.max(1, Math.ceil(max / Math.max(1, groups))) };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
