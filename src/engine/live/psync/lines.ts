// Line-at-a-time reading for the handshake: replies to AUTH/REPLCONF, PSYNC's answer and the RDB's $ header.
// Lines end in \n (the master's keepalive is a bare "\n"); a trailing \r is dropped.

const LF = 0x0a;
/** No handshake line is longer; anything longer is not this protocol. */
export const MAX_LINE = 64 * 1024;

export class LineBuffer {
  private buf: Buffer = Buffer.alloc(0);

  push(data: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : data;
  }

  /** The next whole line (without \r\n), or undefined until it has arrived. */
  next(): string | undefined {
    const end = this.buf.indexOf(LF);
    if (end < 0) {
      if (this.buf.length > MAX_LINE) throw new Error(`protocol error: no line end in ${this.buf.length} bytes`);
      return undefined;
    }
    const stop = end > 0 && this.buf[end - 1] === 0x0d ? end - 1 : end;
    const line = this.buf.toString('utf8', 0, stop);
    this.buf = this.buf.subarray(end + 1);
    return line;
  }

  /** Everything not read as lines yet (handed on to the RDB or stream reader). */
  take(): Buffer {
    const rest = this.buf;
    this.buf = Buffer.alloc(0);
    return rest;
  }
}
