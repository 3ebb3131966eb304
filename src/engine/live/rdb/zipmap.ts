// zipmap blobs (HASH_ZIPMAP, Redis < 2.6): u8 zmlen, then entries <len>key<len><free>value<free bytes>, 0xFF.
// A length is one byte (< 254), or 254 followed by a u32 (little-endian, host order on the writer).
import { RdbError } from './types.js';

export function decodeZipmap(blob: Buffer): [Buffer, Buffer][] {
  const out: [Buffer, Buffer][] = [];
  let p = 1;
  const need = (n: number) => {
    if (p + n > blob.length) throw new RdbError('zipmap: truncated');
  };
  const len = (): number | undefined => {
    need(1);
    const b = blob[p];
    if (b === 0xff) return undefined;
    if (b < 254) {
      p += 1;
      return b;
    }
    if (b === 254) {
      need(5);
      const v = blob.readUInt32LE(p + 1);
      p += 5;
      return v;
    }
    throw new RdbError('zipmap: bad length');
  };
  for (;;) {
    const klen = len();
    if (klen === undefined) break;
    need(klen);
    const key = Buffer.from(blob.subarray(p, p + klen));
    p += klen;
    const vlen = len();
    if (vlen === undefined) throw new RdbError('zipmap: key without value');
    need(1);
    const free = blob[p++];
    need(vlen + free);
    const value = Buffer.from(blob.subarray(p, p + vlen));
    p += vlen + free;
    out.push([key, value]);
  }
  return out;
}
