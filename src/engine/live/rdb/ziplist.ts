// ziplist blobs (Redis < 7 small lists/hashes/zsets and quicklist nodes).
// Layout: u32 LE zlbytes, u32 LE zltail, u16 LE zllen, entries, 0xFF. Entry: prevlen (1 or 5 bytes), encoding, data.
import type { PackedElement } from './listpack.js';
import { RdbError } from './types.js';

export function decodeZiplist(blob: Buffer): PackedElement[] {
  if (blob.length < 11) throw new RdbError('ziplist: too short');
  const total = blob.readUInt32LE(0);
  if (total !== blob.length) throw new RdbError(`ziplist: header says ${total} bytes, blob has ${blob.length}`);
  const out: PackedElement[] = [];
  let p = 10;
  const need = (n: number) => {
    if (p + n > blob.length) throw new RdbError('ziplist: truncated entry');
  };
  for (;;) {
    need(1);
    if (blob[p] === 0xff) break;
    p += blob[p] === 0xfe ? 5 : 1; // prevlen
    need(1);
    const b = blob[p];
    const kind = b >> 6;
    if (kind === 0) {
      const len = b & 0x3f;
      need(1 + len);
      out.push(Buffer.from(blob.subarray(p + 1, p + 1 + len)));
      p += 1 + len;
    } else if (kind === 1) {
      need(2);
      const len = ((b & 0x3f) << 8) | blob[p + 1];
      need(2 + len);
      out.push(Buffer.from(blob.subarray(p + 2, p + 2 + len)));
      p += 2 + len;
    } else if (kind === 2) {
      need(5);
      const len = blob.readUInt32BE(p + 1);
      need(5 + len);
      out.push(Buffer.from(blob.subarray(p + 5, p + 5 + len)));
      p += 5 + len;
    } else {
      switch (b) {
        case 0xc0:
          need(3);
          out.push(BigInt(blob.readInt16LE(p + 1)));
          p += 3;
          break;
        case 0xd0:
          need(5);
          out.push(BigInt(blob.readInt32LE(p + 1)));
          p += 5;
          break;
        case 0xe0:
          need(9);
          out.push(blob.readBigInt64LE(p + 1));
          p += 9;
          break;
        case 0xf0:
          need(4);
          out.push(BigInt(blob.readIntLE(p + 1, 3)));
          p += 4;
          break;
        case 0xfe:
          need(2);
          out.push(BigInt(blob.readInt8(p + 1)));
          p += 2;
          break;
        default:
          if (b >= 0xf1 && b <= 0xfd) {
            out.push(BigInt((b & 0x0f) - 1));
            p += 1;
          } else throw new RdbError(`ziplist: bad encoding byte 0x${b.toString(16)}`);
      }
    }
  }
  const count = blob.readUInt16LE(8);
  if (count !== 65535 && count !== out.length) throw new RdbError(`ziplist: header count ${count}, found ${out.length}`);
  return out;
}
