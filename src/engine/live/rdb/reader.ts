// A cursor over the buffered bytes. Running past the end throws NEED_MORE (with how many bytes in total
// would be needed, at least), so the parser can retry the whole record when more bytes have arrived.
import { lzfDecompress } from './lzf.js';
import { RdbError } from './types.js';

export class NeedMore {
  constructor(public need: number) {}
}

const ENC_INT8 = 0;
const ENC_INT16 = 1;
const ENC_INT32 = 2;
const ENC_LZF = 3;

export class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  private want(n: number): void {
    if (this.pos + n > this.buf.length) throw new NeedMore(this.pos + n);
  }

  u8(): number {
    this.want(1);
    return this.buf[this.pos++];
  }

  bytes(n: number): Buffer {
    this.want(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  skip(n: number): void {
    this.want(n);
    this.pos += n;
  }

  u32le(): number {
    this.want(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  i32le(): number {
    this.want(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  u64le(): bigint {
    this.want(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  /** rdbLoadMillisecondTime: 8 bytes little-endian. */
  msTime(): number {
    this.want(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return Number(v);
  }

  f64le(): number {
    this.want(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Bytes left in the buffer from the cursor. */
  get available(): number {
    return this.buf.length - this.pos;
  }

  /** A length, or for the 11xxxxxx form {encoded: n}. 6/14/32/64-bit lengths. */
  lengthOrEnc(): { len: bigint; encoded: boolean } {
    const b = this.u8();
    const kind = b >> 6;
    if (kind === 0) return { len: BigInt(b & 0x3f), encoded: false };
    if (kind === 1) return { len: BigInt(((b & 0x3f) << 8) | this.u8()), encoded: false };
    if (kind === 3) return { len: BigInt(b & 0x3f), encoded: true };
    if (b === 0x80) {
      this.want(4);
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return { len: BigInt(v), encoded: false };
    }
    if (b === 0x81) {
      this.want(8);
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      return { len: v, encoded: false };
    }
    throw new RdbError(`bad length byte 0x${b.toString(16)}`);
  }

  lengthBig(): bigint {
    const r = this.lengthOrEnc();
    if (r.encoded) throw new RdbError('expected a length, found an encoded value');
    return r.len;
  }

  length(): number {
    const v = this.lengthBig();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbError(`length ${v} too large`);
    return Number(v);
  }

  /** An RDB string: raw, int-encoded (returned as its decimal text) or LZF-compressed. Always a copy. */
  string(): Buffer {
    const r = this.lengthOrEnc();
    if (!r.encoded) return Buffer.from(this.bytes(Number(r.len)));
    switch (Number(r.len)) {
      case ENC_INT8:
        return Buffer.from(String((this.u8() << 24) >> 24));
      case ENC_INT16: {
        this.want(2);
        const v = this.buf.readInt16LE(this.pos);
        this.pos += 2;
        return Buffer.from(String(v));
      }
      case ENC_INT32:
        return Buffer.from(String(this.i32le()));
      case ENC_LZF: {
        const clen = this.length();
        const ulen = this.length();
        const comp = this.bytes(clen);
        return lzfDecompress(comp, ulen);
      }
      default:
        throw new RdbError(`bad string encoding ${r.len}`);
    }
  }

  /** Skips an RDB string without decoding (LZF data is not decompressed). */
  skipString(): void {
    const r = this.lengthOrEnc();
    if (!r.encoded) return this.skip(Number(r.len));
    switch (Number(r.len)) {
      case ENC_INT8:
        return this.skip(1);
      case ENC_INT16:
        return this.skip(2);
      case ENC_INT32:
        return this.skip(4);
      case ENC_LZF: {
        const clen = this.length();
        this.length();
        return this.skip(clen);
      }
      default:
        throw new RdbError(`bad string encoding ${r.len}`);
    }
  }

  /** Old ZSET (type 3) score: u8 length, 253 NaN, 254 +inf, 255 -inf, else ASCII. */
  stringDouble(): number {
    const n = this.u8();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    return Number(this.bytes(n).toString('latin1'));
  }
}
