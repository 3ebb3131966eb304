// What each counter should hold, and what a value read back (or an INCR's reply) says about the writes made to it.
// Pure and bounded: three typed arrays of N entries.

/** What one observation found: increments missing (lost) and increments applied without acknowledgement. */
export interface Finding {
  lost: number;
  unacked: number;
}

const NONE: Finding = { lost: 0, unacked: 0 };

export class CounterBook {
  /** the value each counter should hold; NaN while unknown */
  private readonly expected: Float64Array;
  /** INCRs sent with no reply (timeout, connection lost): they may or may not have been applied */
  private readonly maybe: Uint32Array;
  /** an operation on the counter is under way */
  private readonly busy: Uint8Array;

  constructor(readonly size: number) {
    this.expected = new Float64Array(size).fill(NaN);
    this.maybe = new Uint32Array(size);
    this.busy = new Uint8Array(size);
  }

  known(i: number): boolean {
    return !Number.isNaN(this.expected[i]);
  }

  expectedOf(i: number): number | undefined {
    return this.known(i) ? this.expected[i] : undefined;
  }

  pendingOf(i: number): number {
    return this.maybe[i];
  }

  /** Sets what a counter holds without judging it (the start: its current value, or 0 after --reset). */
  set(i: number, value: number): void {
    this.expected[i] = value;
    this.maybe[i] = 0;
  }

  /**
   * A value read back. Lower than expected: acknowledged increments were lost. Higher: increments were applied
   * whose reply never came (or someone else wrote). Either way the counter is taken at its value from now on,
   * so nothing is counted twice.
   */
  observe(i: number, value: number): Finding {
    const e = this.expected[i];
    this.expected[i] = value;
    this.maybe[i] = 0;
    if (Number.isNaN(e) || value === e) return NONE;
    return value < e ? { lost: e - value, unacked: 0 } : { lost: 0, unacked: value - e };
  }

  /** An INCR acknowledged with the counter's new value: the value before it is judged like a read. */
  acknowledged(i: number, newValue: number): Finding {
    const found = this.observe(i, newValue - 1);
    this.expected[i] = newValue;
    return found;
  }

  /** An INCR with no reply: it may have been applied; the next read-back tells. */
  uncertain(i: number): void {
    this.maybe[i]++;
  }

  /** INCRs still of unknown fate, over every counter. */
  pendingTotal(): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) n += this.maybe[i];
    return n;
  }

  isBusy(i: number): boolean {
    return this.busy[i] === 1;
  }

  setBusy(i: number, busy: boolean): void {
    this.busy[i] = busy ? 1 : 0;
  }

  /** A random counter that no operation holds (and that `allowed` accepts), or -1 when there is none. */
  pick(random: () => number = Math.random, allowed?: (i: number) => boolean): number {
    for (let t = 0; t < 16; t++) {
      const i = Math.floor(random() * this.size);
      if (!this.busy[i] && (!allowed || allowed(i))) return i;
    }
    // mostly busy: look at every counter once, from a random one, so a free counter is always found
    const start = Math.floor(random() * this.size);
    for (let k = 0; k < this.size; k++) {
      const i = (start + k) % this.size;
      if (!this.busy[i] && (!allowed || allowed(i))) return i;
    }
    return -1;
  }
}
