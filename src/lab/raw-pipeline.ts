// A bare RESP pipeline for the lab's bulk loads: commands are encoded straight into one buffer per
// batch and replies are only counted (and errors kept), which costs a fraction of a client
// library's per-command work. Standalone servers only; the lab's own, so no TLS.
import { connect, type Socket } from 'node:net';

type Arg = string | Buffer | number;
export type Reply = [Error | null, unknown];

const CRLF = Buffer.from('\r\n');

/** Accumulates commands as RESP text, switching to a Buffer only around binary arguments. */
class Encoder {
  private chunks: Buffer[] = [];
  private text = '';

  add(name: string, args: Arg[]): void {
    let t = `*${args.length + 1}\r\n$${name.length}\r\n${name}\r\n`;
    for (const a of args) {
      if (typeof a === 'string') t += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
      else if (typeof a === 'number') {
        const v = String(a);
        t += `$${v.length}\r\n${v}\r\n`;
      } else {
        this.text += t + `$${a.length}\r\n`;
        this.flush();
        this.chunks.push(a);
        t = '\r\n';
      }
    }
    this.text += t;
  }

  private flush(): void {
    if (this.text) this.chunks.push(Buffer.from(this.text));
    this.text = '';
  }

  done(): Buffer {
    this.flush();
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
  }
}

/**
 * Reads whole replies from a growing buffer; returns each top-level reply as [error, null] and how
 * many bytes were used. Nested arrays are skipped over (the loader never needs their contents).
 */
export function readReplies(buf: Buffer, start: number): { replies: Reply[]; used: number } {
  const replies: Reply[] = [];
  let pos = start;
  const line = (at: number): number => buf.indexOf(CRLF, at);
  const skip = (at: number): number => {
    // returns the offset after one reply starting at `at`, or -1 when it is not complete yet
    const end = line(at);
    if (end < 0) return -1;
    const type = buf[at];
    if (type === 0x24 /* $ */) {
      const len = Number(buf.toString('latin1', at + 1, end));
      if (len < 0) return end + 2;
      return buf.length >= end + 2 + len + 2 ? end + 2 + len + 2 : -1;
    }
    if (type === 0x2a /* * */) {
      let n = Number(buf.toString('latin1', at + 1, end));
      let next = end + 2;
      while (n-- > 0) {
        next = skip(next);
        if (next < 0) return -1;
      }
      return next;
    }
    return end + 2;
  };
  while (pos < buf.length) {
    const next = skip(pos);
    if (next < 0) break;
    const err = buf[pos] === 0x2d /* - */ ? new Error(buf.toString('utf8', pos + 1, next - 2)) : null;
    replies.push([err, null]);
    pos = next;
  }
  return { replies, used: pos };
}

export class RawPipeline {
  private pending: Array<{ count: number; replies: Reply[]; resolve: (r: Reply[]) => void; reject: (e: Error) => void }> = [];
  private buf: Buffer = Buffer.alloc(0);
  private failed?: Error;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d) => this.onData(d));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  static open(host: string, port: number, password?: string, db = 0): Promise<RawPipeline> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true });
      socket.once('error', reject);
      socket.once('connect', async () => {
        socket.off('error', reject);
        const raw = new RawPipeline(socket);
        try {
          const setup = raw.pipeline();
          if (password) setup.call('auth', [password]);
          if (db) setup.call('select', [db]);
          const replies = await setup.exec();
          const err = replies.find((r) => r[0]);
          if (err) throw err[0];
          resolve(raw);
        } catch (e) {
          raw.close();
          reject(e);
        }
      });
    });
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    const { replies, used } = readReplies(this.buf, 0);
    this.buf = this.buf.subarray(used);
    for (const r of replies) {
      const head = this.pending[0];
      if (!head) return this.fail(new Error('a reply nobody asked for'));
      head.replies.push(r);
      if (head.replies.length === head.count) {
        this.pending.shift();
        head.resolve(head.replies);
      }
    }
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const p of this.pending.splice(0)) p.reject(e);
  }

  /** The same shape as a client library's pipeline: call() to queue, exec() to send. */
  pipeline(): { call(name: string, args: Arg[]): void; exec(): Promise<Reply[]> } {
    const enc = new Encoder();
    let count = 0;
    return {
      call: (name, args) => {
        enc.add(name, args);
        count++;
      },
      exec: () =>
        new Promise<Reply[]>((resolve, reject) => {
          if (this.failed) return reject(this.failed);
          if (count === 0) return resolve([]);
          this.pending.push({ count, replies: [], resolve, reject });
          this.socket.write(enc.done());
        }),
    };
  }

  close(): void {
    this.socket.destroy();
  }
}
