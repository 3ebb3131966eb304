// A master's replication offset over time, so a replica's byte lag can be read as seconds:
// how long ago the master stood where the replica stands now.
export interface OffsetSample {
  at: number;
  offset: number;
}

export class OffsetHistory {
  private samples: OffsetSample[] = [];

  constructor(private readonly capacity = 600) {}

  add(at: number, offset: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && offset < last.offset) this.samples = []; // a new replication history (failover, restart)
    this.samples.push({ at, offset });
    if (this.samples.length > this.capacity) this.samples.shift();
  }

  latest(): OffsetSample | undefined {
    return this.samples[this.samples.length - 1];
  }

  /** The offset at time `at`, interpolated between samples (the latest one after them, the first before them). */
  offsetAt(at: number): number | undefined {
    const n = this.samples.length;
    if (n === 0) return undefined;
    if (at >= this.samples[n - 1].at) return this.samples[n - 1].offset;
    if (at <= this.samples[0].at) return this.samples[0].offset;
    let i = n - 1;
    while (i > 0 && this.samples[i - 1].at > at) i--;
    const a = this.samples[i - 1];
    const b = this.samples[i];
    return Math.round(a.offset + ((b.offset - a.offset) * (at - a.at)) / (b.at - a.at));
  }

  /** Bytes per second over the last two samples. */
  rate(): number | undefined {
    const n = this.samples.length;
    if (n < 2) return undefined;
    const a = this.samples[n - 2];
    const b = this.samples[n - 1];
    return b.at > a.at ? ((b.offset - a.offset) * 1000) / (b.at - a.at) : undefined;
  }

  /**
   * Seconds between when the master reached `offset` and `now`, interpolating between samples.
   * 0 when the master has not moved past it. When the history does not reach back that far, the
   * age of the oldest sample, a lower bound.
   */
  secondsBehind(offset: number, now: number): number | undefined {
    const n = this.samples.length;
    if (n === 0) return undefined;
    if (offset >= this.samples[n - 1].offset) return 0;
    for (let i = 0; i < n; i++) {
      const s = this.samples[i];
      if (s.offset < offset) continue;
      if (i === 0) return (now - s.at) / 1000;
      const p = this.samples[i - 1];
      const frac = s.offset === p.offset ? 1 : (offset - p.offset) / (s.offset - p.offset);
      const reachedAt = p.at + frac * (s.at - p.at);
      return Math.max(0, (now - reachedAt) / 1000);
    }
    return 0;
  }
}
