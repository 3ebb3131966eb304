// The RDB payload after PSYNC's +FULLRESYNC, streamed through in chunks, never held whole:
//   disk-backed  $<len>\r\n<len bytes>            (no trailing \r\n)
//   diskless     $EOF:<40-byte mark>\r\n<bytes><mark>
// push() returns the RDB bytes it may hand on, whether the payload is complete, and the bytes after it
// (the start of the replication stream).

export const EOF_MARK_LEN = 40;

export interface RdbHeader {
  diskless: boolean;
  size?: number;
  mark?: Buffer;
}

/** Parses the header line ("$123" or "$EOF:<mark>"); throws on anything else. */
export function parseRdbHeader(line: string): RdbHeader {
  if (line.startsWith('$EOF:')) {
    const mark = line.slice(5);
    if (mark.length !== EOF_MARK_LEN) throw new Error(`protocol error: bad diskless EOF mark in "${line}"`);
    return { diskless: true, mark: Buffer.from(mark, 'latin1') };
  }
  if (/^\$\d+$/.test(line)) return { diskless: false, size: Number(line.slice(1)) };
  throw new Error(`protocol error: expected the RDB's $ header, got "${line.slice(0, 100)}"`);
}

export interface RdbStep {
  data: Buffer;
  done: boolean;
  rest: Buffer;
}

const EMPTY = Buffer.alloc(0);

export interface RdbBody {
  push(chunk: Buffer): RdbStep;
}

export function rdbBody(h: RdbHeader): RdbBody {
  return h.diskless ? new MarkedBody(h.mark!) : new SizedBody(h.size!);
}

export class SizedBody implements RdbBody {
  constructor(private remaining: number) {}

  push(chunk: Buffer): RdbStep {
    if (chunk.length < this.remaining) {
      this.remaining -= chunk.length;
      return { data: chunk, done: false, rest: EMPTY };
    }
    const data = chunk.subarray(0, this.remaining);
    this.remaining = 0;
    return { data, done: true, rest: chunk.subarray(data.length) };
  }
}

/**
 * Diskless: the payload ends at the mark, which may arrive split over chunks. The last mark.length - 1 bytes
 * are held back until the next chunk shows they are not the start of the mark, so the mark is never handed on.
 */
export class MarkedBody implements RdbBody {
  private held: Buffer = EMPTY;

  constructor(private readonly mark: Buffer) {}

  push(chunk: Buffer): RdbStep {
    const buf = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    const at = buf.indexOf(this.mark);
    if (at >= 0) {
      this.held = EMPTY;
      return { data: buf.subarray(0, at), done: true, rest: buf.subarray(at + this.mark.length) };
    }
    const keep = Math.min(buf.length, this.mark.length - 1);
    this.held = Buffer.from(buf.subarray(buf.length - keep));
    return { data: buf.subarray(0, buf.length - keep), done: false, rest: EMPTY };
  }
}
