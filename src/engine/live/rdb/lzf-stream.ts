// LZF decompression in pieces, for a compressed string too big to hold: the compressed bytes are read one
// instruction at a time, and the output leaves in parts. Only the last 8 KiB of output stay behind, as far
// back as an LZF back reference reaches.
import type { Reader } from './reader.js';
import { RdbError } from './types.js';

/** ((0x1f << 8) | 0xff) + 1: the farthest a back reference reaches */
const WINDOW = 8192;
/** the most one instruction writes: a back reference of 7 + 255 + 2 bytes */
const MAX_RUN = 264;

export class LzfStream {
  private buf: Buffer;
  /** bytes in buf: history, then output not taken yet */
  private len = 0;
  /** where the output not taken yet starts */
  private fresh = 0;
  /** output bytes so far */
  produced = 0;

  constructor(
    readonly outLen: number,
    private readonly partBytes: number,
  ) {
    this.buf = Buffer.allocUnsafe(WINDOW + partBytes + MAX_RUN);
  }

  /** Output waiting for take(). */
  get pending(): number {
    return this.len - this.fresh;
  }

  /**
   * Decodes one instruction; reads all its bytes before it changes anything (a NeedMore leaves it as it was).
   * Returns the compressed bytes it consumed. take() must be called once `pending` reaches partBytes.
   */
  step(r: Reader): number {
    if (this.pending >= this.partBytes) throw new Error('internal: LZF output not taken');
    const start = r.pos;
    const ctrl = r.u8();
    if (ctrl < 32) {
      const lit = r.bytes(ctrl + 1);
      this.grow(lit.length);
      lit.copy(this.buf, this.len);
      this.len += lit.length;
    } else {
      let run = ctrl >> 5;
      if (run === 7) run += r.u8();
      const back = ((ctrl & 0x1f) << 8) + r.u8() + 1;
      run += 2;
      if (back > this.len) throw new RdbError('lzf: back reference before start');
      this.grow(run);
      let from = this.len - back;
      for (let i = 0; i < run; i++) this.buf[this.len++] = this.buf[from++];
    }
    return r.pos - start;
  }

  private grow(n: number): void {
    if (this.produced + n > this.outLen) throw new RdbError('lzf: output overflow');
    this.produced += n;
  }

  /** The output since the last take(), as a buffer of its own; keeps the last 8 KiB for back references. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(this.fresh, this.len));
    const keep = Math.min(WINDOW, this.len);
    this.buf.copy(this.buf, 0, this.len - keep, this.len);
    this.len = this.fresh = keep;
    return out;
  }

  /** The instruction stream ended: the output must be exactly as long as announced. */
  finish(): void {
    if (this.produced !== this.outLen) throw new RdbError(`lzf: expected ${this.outLen} bytes, got ${this.produced}`);
  }
}
