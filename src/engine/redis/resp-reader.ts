// An incremental RESP2 reply reader: fed the socket's chunks as they arrive, it returns the replies completed so
// far and keeps where it stopped, so every byte is looked at once whatever the size of a reply. A bulk string that
// spans chunks is gathered as pieces and joined once; an array that spans chunks keeps the items already read.
// (Parsing the whole buffer again on each chunk, after concatenating it, is quadratic: a 20 MB HGETALL reply in
// 64 KB chunks took minutes and blocked the event loop.) Values are Buffers (bulk and status), numbers, null,
// arrays; an error inside an array stays an Error there (a command EXEC ran and the server refused: taking it for
// null hid it), a top-level one is [error, null]. The only RESP reply parser.

/** an Error only inside an array: a command refused inside EXEC (a top-level error is the Reply's first element) */
export type RespValue = Buffer | number | null | Error | RespValue[];
/** One reply, as an ioredis pipeline gives it: [error, null] or [null, value]. */
export type Reply = [Error | null, RespValue];

const CR = 0x0d;

interface OpenArray {
  items: RespValue[];
  /** items read so far, of len */
  at: number;
  len: number;
}

/** Arrays up to this length are allocated whole up front (no copies as they grow). */
const PREALLOCATE = 1 << 24;

export class ReplyReader {
  /** the start of a header line that has not fully arrived (a few bytes) */
  private carry: Buffer | undefined;
  /** a bulk string being gathered: its length and the pieces so far (its trailing CRLF included) */
  private bulk: { len: number; pieces: Buffer[]; got: number } | undefined;
  /** arrays being filled, innermost last */
  private readonly open: OpenArray[] = [];

  /** True while a reply has begun and not ended. */
  get midReply(): boolean {
    return this.carry !== undefined || this.bulk !== undefined || this.open.length > 0;
  }

  /** Reads what `chunk` completes; throws on a byte that cannot start a reply (the stream is then unusable). */
  feed(chunk: Buffer): Reply[] {
    const out: Reply[] = [];
    let buf = chunk;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    let pos = 0;
    const n = buf.length;
    for (;;) {
      if (this.bulk) {
        const b = this.bulk;
        const need = b.len + 2 - b.got;
        if (n - pos < need) {
          if (n > pos) b.pieces.push(buf.subarray(pos));
          b.got += n - pos;
          return out;
        }
        b.pieces.push(buf.subarray(pos, pos + need));
        pos += need;
        this.bulk = undefined;
        this.done(Buffer.concat(b.pieces, b.len + 2).subarray(0, b.len), out);
        continue;
      }
      if (pos >= n) return out;
      let end = pos + 1;
      while (end < n && buf[end] !== CR) end++; // header lines are short: a loop beats indexOf's native call
      if (end + 1 >= n) {
        // copied: a view would keep the whole chunk alive for a few bytes
        this.carry = Buffer.from(buf.subarray(pos));
        return out;
      }
      const type = buf[pos];
      switch (type) {
        case 0x2b: // +
          this.done(buf.subarray(pos + 1, end), out);
          break;
        case 0x2d: // -
          this.done(new Error(buf.toString('utf8', pos + 1, end)), out);
          break;
        case 0x3a: // :
          this.done(intAt(buf, pos + 1, end), out);
          break;
        case 0x24: {
          // $
          const len = intAt(buf, pos + 1, end);
          const start = end + 2;
          if (len < 0) {
            this.done(null, out);
            pos = start;
            continue;
          }
          if (n >= start + len + 2) {
            this.done(buf.subarray(start, start + len), out);
            pos = start + len + 2;
            continue;
          }
          this.bulk = { len, pieces: [], got: 0 };
          pos = start;
          continue;
        }
        case 0x2a: {
          // *
          const len = intAt(buf, pos + 1, end);
          if (len < 0) this.done(null, out);
          else if (len === 0) this.done([], out);
          else this.open.push({ items: len <= PREALLOCATE ? new Array<RespValue>(len) : [], at: 0, len });
          break;
        }
        default:
          throw new Error(`unexpected reply type byte 0x${(type ?? 0).toString(16)}`);
      }
      pos = end + 2;
    }
  }

  /** A value is complete: into the innermost open array (closing those it fills), or out as a reply. */
  private done(value: RespValue | Error, out: Reply[]): void {
    let v: RespValue | Error = value;
    for (;;) {
      const top = this.open[this.open.length - 1];
      if (!top) {
        out.push(v instanceof Error ? [v, null] : [null, v]);
        return;
      }
      top.items[top.at++] = v;
      if (top.at < top.len) return;
      this.open.pop();
      v = top.items;
    }
  }
}

/** The integer written in buf[from, to) (RESP lengths and integers: optional '-', digits). */
function intAt(buf: Buffer, from: number, to: number): number {
  let i = from;
  const neg = buf[i] === 0x2d;
  if (neg) i++;
  let v = 0;
  if (to - i > 15) return Number(buf.toString('latin1', from, to)); // beyond exact double digits: let Number decide
  for (; i < to; i++) {
    const d = buf[i] - 0x30;
    if (d < 0 || d > 9) return Number(buf.toString('latin1', from, to));
    v = v * 10 + d;
  }
  return neg ? -v : v;
}
