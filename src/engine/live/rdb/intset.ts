// intset blobs (SET_INTSET): u32 LE encoding (2, 4 or 8), u32 LE length, then that many LE signed integers.
import { RdbError } from './types.js';

export function decodeIntset(blob: Buffer): bigint[] {
  if (blob.length < 8) throw new RdbError('intset: too short');
  const enc = blob.readUInt32LE(0);
  const len = blob.readUInt32LE(4);
  if (enc !== 2 && enc !== 4 && enc !== 8) throw new RdbError(`intset: bad encoding ${enc}`);
  if (blob.length < 8 + enc * len) throw new RdbError('intset: truncated');
  const out: bigint[] = new Array(len);
  for (let i = 0; i < len; i++) {
    const p = 8 + i * enc;
    out[i] = enc === 2 ? BigInt(blob.readInt16LE(p)) : enc === 4 ? BigInt(blob.readInt32LE(p)) : blob.readBigInt64LE(p);
  }
  return out;
}
