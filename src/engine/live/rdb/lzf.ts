// LZF decompression (liblzf's lzf_decompress), as Redis uses for compressed strings and quicklist nodes.
import { RdbError } from './types.js';

export function lzfDecompress(input: Buffer, outLen: number): Buffer {
  const out = Buffer.allocUnsafe(outLen);
  let ip = 0;
  let op = 0;
  const inLen = input.length;
  while (ip < inLen) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const len = ctrl + 1;
      if (op + len > outLen) throw new RdbError('lzf: output overflow');
      if (ip + len > inLen) throw new RdbError('lzf: input overrun');
      input.copy(out, op, ip, ip + len);
      ip += len;
      op += len;
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (len === 7) {
        if (ip >= inLen) throw new RdbError('lzf: input overrun');
        len += input[ip++];
      }
      if (ip >= inLen) throw new RdbError('lzf: input overrun');
      ref -= input[ip++];
      len += 2;
      if (ref < 0) throw new RdbError('lzf: back reference before start');
      if (op + len > outLen) throw new RdbError('lzf: output overflow');
      for (let i = 0; i < len; i++) out[op++] = out[ref++];
    }
  }
  if (op !== outLen) throw new RdbError(`lzf: expected ${outLen} bytes, got ${op}`);
  return out;
}
