// Event age percentiles over a sliding window, in bounded memory whatever the rate: one histogram per second
// (1 ms buckets to 1 s, then 10 ms buckets to 10 s, then one overflow bucket), the last N seconds kept.
const FINE = 1000;
const COARSE = 900;
const BUCKETS = FINE + COARSE + 1;

function bucketOf(ms: number): number {
  if (ms < FINE) return Math.max(0, Math.floor(ms));
  const coarse = Math.floor((ms - FINE) / 10);
  return coarse < COARSE ? FINE + coarse : BUCKETS - 1;
}

/** The upper edge of a bucket, ms. */
function valueOf(bucket: number): number {
  if (bucket < FINE) return bucket + 1;
  if (bucket < BUCKETS - 1) return FINE + (bucket - FINE + 1) * 10;
  return 10_000;
}

export class LatencyWindow {
  private slots: Array<{ second: number; counts: Uint32Array; n: number }> = [];

  constructor(private readonly seconds = 10) {}

  add(ms: number, now = Date.now()): void {
    const second = Math.floor(now / 1000);
    let slot = this.slots[this.slots.length - 1];
    if (!slot || slot.second !== second) {
      slot = { second, counts: new Uint32Array(BUCKETS), n: 0 };
      this.slots.push(slot);
      this.prune(now);
    }
    slot.counts[bucketOf(ms)]++;
    slot.n++;
  }

  private prune(now: number): void {
    const oldest = Math.floor(now / 1000) - this.seconds + 1;
    while (this.slots.length && this.slots[0].second < oldest) this.slots.shift();
  }

  /** The given percentiles (0–100) over the window, ms (bucket upper edges); undefined when there is no sample. */
  percentiles(ps: number[], now = Date.now()): Array<number | undefined> {
    this.prune(now);
    const total = this.slots.reduce((a, s) => a + s.n, 0);
    if (!total) return ps.map(() => undefined);
    const sum = new Uint32Array(BUCKETS);
    for (const s of this.slots) for (let i = 0; i < BUCKETS; i++) sum[i] += s.counts[i];
    return ps.map((p) => {
      const want = Math.max(1, Math.ceil((p / 100) * total));
      let seen = 0;
      for (let i = 0; i < BUCKETS; i++) {
        seen += sum[i];
        if (seen >= want) return valueOf(i);
      }
      return valueOf(BUCKETS - 1);
    });
  }
}
