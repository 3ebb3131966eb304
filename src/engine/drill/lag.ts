// Stretches when this process itself was not running (a long GC, a busy event loop): a reply that waited in the
// socket meanwhile is not the server's slowness. The pump notes each late wake-up; a write's latency is counted
// without the blind time it overlaps. Pure and bounded (the most recent spans).

export class BlindSpans {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(private readonly capacity = 64) {
    this.starts = new Float64Array(capacity);
    this.ends = new Float64Array(capacity);
  }

  /** The process did not run between `from` and `to` (a timer due at `from` ran at `to`). */
  add(from: number, to: number): void {
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
}
