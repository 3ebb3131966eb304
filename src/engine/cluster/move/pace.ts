// How many bytes one write of MIGRATEs may carry so that no source is blocked longer than --max-block by it: a source
// runs a write's MIGRATEs back to back (and each blocks it and its target until the target has restored the keys), so
// the write's bytes, at the MIGRATE rate seen so far, must fit in the bound. The rate is a moving average of writes
// long enough to measure; it starts low, so the first writes are small. Pure.

const MIN_BUDGET = 16 << 10;
/** writes shorter than this, or lighter, say more of the round trip than of the rate */
const MIN_SAMPLE_MS = 5;
const MIN_SAMPLE_BYTES = 64 << 10;

export class MigratePace {
  private bytesPerMs: number;

  constructor(
    readonly maxBlockMs: number,
    /** never more than this in a write, whatever the rate (the batch bound) */
    readonly capBytes: number,
    initialBytesPerMs = 20_000,
  ) {
    this.bytesPerMs = initialBytesPerMs;
  }

  /** Bytes the next write of MIGRATEs may carry (at least one key goes, whatever its size). */
  budget(): number {
    return Math.max(MIN_BUDGET, Math.min(this.capBytes, Math.floor(this.bytesPerMs * this.maxBlockMs * 0.8)));
  }

  /** A write of MIGRATEs carried `bytes` in `ms`. */
  observe(bytes: number, ms: number): void {
    if (ms < MIN_SAMPLE_MS || bytes < MIN_SAMPLE_BYTES) return;
    this.bytesPerMs = 0.7 * this.bytesPerMs + 0.3 * (bytes / ms);
  }

  /** the rate as seen so far, bytes a millisecond */
  get rate(): number {
    return this.bytesPerMs;
  }
}
