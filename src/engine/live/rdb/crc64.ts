// CRC-64/Jones as Redis uses it (crc64.c): polynomial 0xad93d23594c935a9, reflected in and out, init 0,
// no final xor. check("123456789") = 0xe9c6d914c4b8d9ca. Kept as two 32-bit halves for speed.

const POLY_REV_HI = 0x95ac9329;
const POLY_REV_LO = 0xac4bc9b5;

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let hi = 0;
  let lo = n;
  for (let k = 0; k < 8; k++) {
    const bit = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (bit) {
      hi = (hi ^ POLY_REV_HI) >>> 0;
      lo = (lo ^ POLY_REV_LO) >>> 0;
    }
  }
  TABLE_HI[n] = hi;
  TABLE_LO[n] = lo;
}

/** An incremental CRC64: update() with successive pieces, value() at any time. */
export class Crc64 {
  private hi = 0;
  private lo = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = start; i < end; i++) {
      const idx = (lo ^ buf[i]) & 0xff;
      const nlo = ((lo >>> 8) | ((hi & 0xff) << 24)) >>> 0;
      const nhi = hi >>> 8;
      lo = (nlo ^ TABLE_LO[idx]) >>> 0;
      hi = (nhi ^ TABLE_HI[idx]) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  clone(): Crc64 {
    const c = new Crc64();
    c.hi = this.hi;
    c.lo = this.lo;
    return c;
  }

  value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** The CRC as 8 little-endian bytes, as Redis writes it. */
  bytesLE(): Buffer {
    const b = Buffer.allocUnsafe(8);
    b.writeUInt32LE(this.lo, 0);
    b.writeUInt32LE(this.hi, 4);
    return b;
  }
}

export function crc64(buf: Uint8Array, init?: Crc64): bigint {
  return (init ?? new Crc64()).update(buf).value();
}
