// Stretches when this process itself was not running (a long GC, a busy event loop): a reply that waited in the
// socket meanwhile is not the server's slowness. A write's latency is counted without the blind time it overlaps.
// Pure and bounded (the most recent spans).
//
// One clock for every judgement. A latency judged at time t is never judged again differently: blind time noted
// later is only ever noted after the latest judgement (the horizon), so a write found past the stall limit when it
// was still in flight is past it when its reply comes, and the other way round.

export class BlindSpans {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private next = 0;
  private filled = 0;
  /** the latest time a latency was judged: blind time is not noted before it */
  private horizon = -Infinity;

  constructor(private readonly capacity = 64) {
    this.starts = new Float64Array(capacity);
    this.ends = new Float64Array(capacity);
  }

  /** The process did not run between `from` and `to` (a timer due at `from` ran at `to`); only after the horizon. */
  add(from: number, to: number): void {
    from = Math.max(from, this.horizon);
    if (to <= from) return;
    this.starts[this.next] = from;
    this.ends[this.next] = to;
    this.next = (this.next + 1) % this.capacity;
    this.filled = Math.min(this.filled + 1, this.capacity);
  }

  /** Blind time within [from, to], ms. */
  overlap(from: number, to: number): number {
    let sum = 0;
    for (let i = 0; i < this.filled; i++) {
      const a = Math.max(from, this.starts[i]);
      const b = Math.min(to, this.ends[i]);
      if (b > a) sum += b - a;
    }
    return sum;
  }

  /** How long [from, to] took while this process was running. */
  effective(from: number, to: number): number {
    return Math.max(0, to - from - this.overlap(from, to));
  }

  /** effective(), as a judgement made at `to`: blind time before `to` can no longer be added. */
  judge(from: number, to: number): number {
    if (to > this.horizon) this.horizon = to;
    return this.effective(from, to);
  }
}

/**
 * Watches this process's own liveness from a periodic timer. The timer should run every `periodMs`; when it has not
 * run for much longer than that, the process was busy or paused (GC, a burst of callbacks) since it was due. Before
 * a latency is judged (a write still in flight, a reply just read), catchUp() notes that blind time up to now, so a
 * stall of this process never counts as the server's; every judgement goes through the same spans.
 */
export class LoopWatch {
  readonly spans: BlindSpans;
  private lastTimer = 0;
  /** blind time is noted up to here */
  private noted = 0;

  constructor(
    private readonly periodMs: number,
    private readonly lateMs: number,
    capacity = 64,
  ) {
    this.spans = new BlindSpans(capacity);
  }

  /** The periodic timer ran at `now`. */
  timer(now: number): void {
    this.catchUp(now);
    this.lastTimer = now;
  }

  /** Notes the blind time since the timer was due, if it is overdue now. */
  catchUp(now: number): void {
    if (!this.lastTimer || now - this.lastTimer <= this.periodMs + this.lateMs) return;
    this.spans.add(Math.max(this.lastTimer + this.periodMs, this.noted), now);
    this.noted = Math.max(this.noted, now);
  }

  /** A latency from `from` to `now`, judged now (catchUp first). */
  latency(from: number, now: number): number {
    this.catchUp(now);
    return this.spans.judge(from, now);
  }
}
