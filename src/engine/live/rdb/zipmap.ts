// zipmap blobs (HASH_ZIPMAP, Redis < 2.6): u8 zmlen, then entries <len>key<len><free>value<free bytes>, 0xFF.
// A length is one byte (< 254), or 254 followed by a u32 (little-endian, host order on the writer).
// Checked as Redis checks it before loading (zipmapValidateIntegrity, deep, then duplicate fields): the blob
// ends with 0xFF, no entry reaches past it, it is not empty, the count byte (when below 254) is the entry
// count, and no field appears twice. A zipmap that fails is refused, never written in part.
import { RdbError } from './types.js';

const BIGLEN = 254;
const END = 0xff;

export function decodeZipmap(blob: Buffer): [Buffer, Buffer][] {
  if (blob.length < 2 || blob[blob.length - 1] !== END) throw new RdbError('zipmap: does not end with its 0xFF terminator');
  const out: [Buffer, Buffer][] = [];
  let p = 1;
  // the terminator is the blob's last byte: nothing may reach past it
  const need = (n: number) => {
    if (p + n > blob.length - 1) throw new RdbError(`zipmap: entry ${out.length + 1} reaches past its end (lengths inconsistent with the blob's ${blob.length} bytes)`);
  };
  const len = (): number | undefined => {
    if (p >= blob.length) throw new RdbError('zipmap: truncated');
    const b = blob[p];
    if (b === END) return undefined;
    if (b < BIGLEN) {
      need(1);
      p += 1;
      return b;
    }
    need(5);
    const v = blob.readUInt32LE(p + 1);
    p += 5;
    return v;
  };
  const seen = new Set<string>();
  for (;;) {
    const klen = len();
    if (klen === undefined) break;
    need(klen);
    const key = Buffer.from(blob.subarray(p, p + klen));
    p += klen;
    const vlen = len();
    if (vlen === undefined) throw new RdbError('zipmap: field without value');
    need(1);
    const free = blob[p++];
    need(vlen + free);
    const value = Buffer.from(blob.subarray(p, p + vlen));
    p += vlen + free;
    const k = key.toString('latin1');
    if (seen.has(k)) throw new RdbError(`zipmap: field ${JSON.stringify(key.toString('utf8').slice(0, 60))} appears twice`);
    seen.add(k);
    out.push([key, value]);
  }
  if (out.length === 0) throw new RdbError('zipmap: empty');
  if (blob[0] < BIGLEN && blob[0] !== out.length) throw new RdbError(`zipmap: its count byte says ${blob[0]} fields, it holds ${out.length}`);
  return out;
}
