// The replication stream after the RDB (or +CONTINUE): RESP multi-bulk commands, binary-safe, each with its
// exact size in bytes (the replication offset advances by it). Partial frames wait for more data; a frame that
// needs N bytes is not re-parsed until N bytes have arrived (big values are not concatenated chunk by chunk).

export interface Frame {
  args: Buffer[];
  /** bytes this frame took in the stream */
  size: number;
}

const CR = 0x0d;
const LF = 0x0a;
const MAX_HEADER = 32;

export class ProtocolError extends Error {}

type Parsed = { frame: Frame; next: number } | { need: number };

/** Reads "<prefix><digits>\r\n" at pos: the number and where the line ends, or the bytes needed. */
function header(buf: Buffer, pos: number, prefix: number): { n: number; next: number } | { need: number } {
  if (buf.length <= pos) return { need: pos + 1 };
  if (buf[pos] !== prefix) throw new ProtocolError(`protocol error: expected '${String.fromCharCode(prefix)}' at stream byte, got 0x${buf[pos].toString(16)}`);
  const cr = buf.indexOf(CR, pos + 1);
  if (cr < 0 || cr + 1 >= buf.length) {
    if (buf.length - pos > MAX_HEADER) throw new ProtocolError('protocol error: header line too long');
    return { need: Math.max(buf.length + 1, cr + 2) };
  }
  if (buf[cr + 1] !== LF) throw new ProtocolError('protocol error: header line without \\n');
  const text = buf.toString('latin1', pos + 1, cr);
  if (!/^-?\d+$/.test(text)) throw new ProtocolError(`protocol error: bad number "${text}"`);
  return { n: Number(text), next: cr + 2 };
}

export function parseFrame(buf: Buffer, pos: number): Parsed {
  const h = header(buf, pos, 0x2a /* * */);
  if ('need' in h) return h;
  const args: Buffer[] = [];
  let at = h.next;
  for (let i = 0; i < h.n; i++) {
    const b = header(buf, at, 0x24 /* $ */);
    if ('need' in b) return b;
    if (b.n < 0) throw new ProtocolError('protocol error: null bulk in a command');
    const end = b.next + b.n;
    if (buf.length < end + 2) return { need: end + 2 };
    if (buf[end] !== CR || buf[end + 1] !== LF) throw new ProtocolError('protocol error: bulk not followed by \\r\\n');
    args.push(buf.subarray(b.next, end));
    at = end + 2;
  }
  return { frame: { args, size: at - pos }, next: at };
}

export class CommandStream {
  private chunks: Buffer[] = [];
  private length = 0;
  /** bytes the unfinished frame needs at least */
  private need = 0;

  push(data: Buffer): Frame[] {
    if (data.length === 0) return [];
    this.chunks.push(data);
    this.length += data.length;
    if (this.length < this.need) return [];
    const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.length);
    const frames: Frame[] = [];
    let pos = 0;
    this.need = 0;
    while (pos < buf.length) {
      const r = parseFrame(buf, pos);
      if ('need' in r) {
        this.need = r.need - pos;
        break;
      }
      frames.push(r.frame);
      pos = r.next;
    }
    const rest = buf.subarray(pos);
    this.chunks = rest.length ? [rest] : [];
    this.length = rest.length;
    return frames;
  }

  /** bytes of an unfinished frame waiting for the rest */
  get buffered(): number {
    return this.length;
  }
}
