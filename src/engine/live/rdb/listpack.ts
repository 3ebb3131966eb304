// listpack blobs (Redis >= 7 small hashes, zsets, sets, quicklist nodes, stream nodes).
// Layout: u32 LE total bytes, u16 LE element count, entries, 0xFF. Each entry: encoding+data, then backlen.
import { RdbError } from './types.js';

/** An element is either a string (Buffer) or an integer (bigint). */
export type PackedElement = Buffer | bigint;

/** Bytes of the backlen after an entry of l bytes (listpack.c lpEncodeBacklen's thresholds). */
export function backlenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

export function decodeListpack(blob: Buffer): PackedElement[] {
  if (blob.length < 7) throw new RdbError('listpack: too short');
  const total = blob.readUInt32LE(0);
  if (total !== blob.length) throw new RdbError(`listpack: header says ${total} bytes, blob has ${blob.length}`);
  const out: PackedElement[] = [];
  let p = 6;
  const need = (n: number) => {
    if (p + n > blob.length) throw new RdbError('listpack: truncated entry');
  };
  for (;;) {
    need(1);
    const b = blob[p];
    if (b === 0xff) break;
    const start = p;
    let el: PackedElement;
    if ((b & 0x80) === 0) {
      el = BigInt(b & 0x7f);
      p += 1;
    } else if ((b & 0xc0) === 0x80) {
      const len = b & 0x3f;
      need(1 + len);
      el = Buffer.from(blob.subarray(p + 1, p + 1 + len));
      p += 1 + len;
    } else if ((b & 0xe0) === 0xc0) {
      need(2);
      let v = ((b & 0x1f) << 8) | blob[p + 1];
      if (v >= 1 << 12) v -= 1 << 13;
      el = BigInt(v);
      p += 2;
    } else if ((b & 0xf0) === 0xe0) {
      need(2);
      const len = ((b & 0x0f) << 8) | blob[p + 1];
      need(2 + len);
      el = Buffer.from(blob.subarray(p + 2, p + 2 + len));
      p += 2 + len;
    } else {
      switch (b) {
        case 0xf0: {
          need(5);
          const len = blob.readUInt32LE(p + 1);
          need(5 + len);
          el = Buffer.from(blob.subarray(p + 5, p + 5 + len));
          p += 5 + len;
          break;
        }
        case 0xf1:
          need(3);
          el = BigInt(blob.readInt16LE(p + 1));
          p += 3;
          break;
        case 0xf2:
          need(4);
          el = BigInt(blob.readIntLE(p + 1, 3));
          p += 4;
          break;
        case 0xf3:
          need(5);
          el = BigInt(blob.readInt32LE(p + 1));
          p += 5;
          break;
        case 0xf4:
          need(9);
          el = blob.readBigInt64LE(p + 1);
          p += 9;
          break;
        default:
          throw new RdbError(`listpack: bad encoding byte 0x${b.toString(16)}`);
      }
    }
    const bl = backlenSize(p - start);
    need(bl);
    p += bl;
    out.push(el);
  }
  const count = blob.readUInt16LE(4);
  if (count !== 65535 && count !== out.length) throw new RdbError(`listpack: header count ${count}, found ${out.length}`);
  return out;
}
