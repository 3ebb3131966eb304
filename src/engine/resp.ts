// A bare RESP2 connection for bulk paths (DUMP, RESTORE, PTTL, EXISTS by the hundred thousand): commands are
// encoded straight into one buffer per pipeline and replies parsed without a client library's per-command
// objects. Same shape as an ioredis pipeline's result: [error, value] per command. Everything else uses ioredis.
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { ReplyReader } from './resp-reader.js';

export type Arg = string | Buffer | number;
/** an Error only inside an array: a command refused inside EXEC (a top-level error is the Reply's first element) */
export type RespValue = Buffer | number | null | Error | RespValue[];
export type Reply = [Error | null, RespValue];

const CR = 0x0d;

/**
 * Accumulates commands as RESP: framing and text arguments as strings, binary arguments as Buffers,
 * all copied once into one Buffer at the end (no Buffer per argument: the garbage collector thanks us).
 */
export class Encoder {
  private parts: Array<string | Buffer> = [];
  private text = '';
  private bytes = 0;
  count = 0;

  add(name: string, args: Arg[]): void {
    let t = `*${args.length + 1}\r\n$${name.length}\r\n${name}\r\n`;
    for (const a of args) {
      if (typeof a === 'string') t += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
      else if (typeof a === 'number') {
        const v = String(a);
        t += `$${v.length}\r\n${v}\r\n`;
      } else {
        this.push(t + `$${a.length}\r\n`);
        this.parts.push(a);
        this.bytes += a.length;
        t = '\r\n';
      }
    }
    this.text += t;
    this.count++;
  }

  private push(t: string): void {
    this.text += t;
    this.parts.push(this.text);
    this.bytes += Buffer.byteLength(this.text);
    this.text = '';
  }

  done(): Buffer {
    if (this.text) this.push('');
    const out = Buffer.allocUnsafe(this.bytes);
    let at = 0;
    for (const p of this.parts) at += typeof p === 'string' ? out.write(p, at, 'utf8') : (out.set(p, at), p.length);
    return out;
  }
}

/** Reads one reply at `pos`; undefined when it has not fully arrived. */
function parseAt(buf: Buffer, pos: number): { value: RespValue | Error; next: number } | undefined {
  const end = buf.indexOf(CR, pos);
  if (end < 0 || end + 1 >= buf.length) return undefined;
  const type = buf[pos];
  const line = () => buf.toString('latin1', pos + 1, end);
  switch (type) {
    case 0x2b: // +
      return { value: buf.subarray(pos + 1, end), next: end + 2 };
    case 0x2d: // -
      return { value: new Error(buf.toString('utf8', pos + 1, end)), next: end + 2 };
    case 0x3a: // :
      return { value: Number(line()), next: end + 2 };
    case 0x24: {
      // $
      const len = Number(line());
      if (len < 0) return { value: null, next: end + 2 };
      const start = end + 2;
      if (buf.length < start + len + 2) return undefined;
      return { value: buf.subarray(start, start + len), next: start + len + 2 };
    }
    case 0x2a: {
      // *
      const n = Number(line());
      if (n < 0) return { value: null, next: end + 2 };
      const items: RespValue[] = [];
      let next = end + 2;
      for (let i = 0; i < n; i++) {
        const item = parseAt(buf, next);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected reply type byte 0x${(type ?? 0).toString(16)}`);
  }
}

/** Every whole reply in the buffer from `start`, and where the unfinished rest begins. */
export function parseReplies(buf: Buffer, start = 0): { replies: Reply[]; used: number } {
  const replies: Reply[] = [];
  let pos = start;
  while (pos < buf.length) {
    const r = parseAt(buf, pos);
    if (!r) break;
    replies.push(r.value instanceof Error ? [r.value, null] : [null, r.value]);
    pos = r.next;
  }
  return { replies, used: pos };
}

export interface RespOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: ConnectionOptions;
  connectTimeoutMs?: number;
}

export class RespConnection {
  private pending: Array<{ count: number; replies: Reply[]; resolve: (r: Reply[]) => void; reject: (e: Error) => void }> = [];
  /** replies parsed as they arrive, each byte once (a reply of any size in linear time) */
  private readonly reader = new ReplyReader();
  private failed?: Error;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d) => this.onData(d));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('Connection is closed')));
  }

  static open(o: RespOptions): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = o.tls ? tlsConnect({ host: o.host, port: o.port, ...o.tls }) : tcpConnect({ host: o.host, port: o.port, noDelay: true });
      const timer = setTimeout(() => socket.destroy(new Error('connect ETIMEDOUT')), o.connectTimeoutMs ?? 5000);
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      socket.once(o.tls ? 'secureConnect' : 'connect', async () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        const conn = new RespConnection(socket);
        try {
          const setup = conn.pipeline();
          if (o.password) setup.call('AUTH', o.username ? [o.username, o.password] : [o.password]);
          if (o.db) setup.call('SELECT', [o.db]);
          const err = (await setup.exec()).find((r) => r[0]);
          if (err) throw err[0];
          resolve(conn);
        } catch (e) {
          conn.close();
          reject(e);
        }
      });
    });
  }

  private onData(d: Buffer): void {
    let replies: Reply[];
    try {
      replies = this.reader.feed(d);
    } catch (e) {
      this.socket.destroy();
      return this.fail(e as Error);
    }
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

  get broken(): boolean {
    return !!this.failed;
  }

  /** Queue with call(), send with exec(): one write, replies in order. */
  pipeline(): { call(name: string, args: Arg[]): void; readonly length: number; exec(): Promise<Reply[]> } {
    const enc = new Encoder();
    return {
      call: (name, args) => enc.add(name, args),
      get length() {
        return enc.count;
      },
      exec: () =>
        new Promise<Reply[]>((resolve, reject) => {
          if (this.failed) return reject(this.failed);
          if (enc.count === 0) return resolve([]);
          this.pending.push({ count: enc.count, replies: [], resolve, reject });
          this.socket.write(enc.done());
        }),
    };
  }

  close(): void {
    this.socket.destroy();
  }
}
