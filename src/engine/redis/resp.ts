// A bare RESP2 connection for bulk paths (DUMP, RESTORE, PTTL, EXISTS by the hundred thousand): commands are
// encoded straight into one buffer per pipeline and replies parsed without a client library's per-command
// objects (resp-reader.ts). Same shape as an ioredis pipeline's result: [error, value] per command. Everything else uses
// ioredis.
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { ReplyReader, type Reply } from './resp-reader.js';

export type Arg = string | Buffer | number;
/** One Redis command as a tuple: ['SET', key, value, 'PX', 10]. */
export type Cmd = [name: string, ...args: Arg[]];

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

export interface RespOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: ConnectionOptions;
  connectTimeoutMs?: number;
  /**
   * a command waiting this long without a byte of reply fails, and the connection with it (ETIMEDOUT): a server
   * that is stopped (SIGSTOP) or hung holds no caller forever. Unset: no limit.
   */
  replyTimeoutMs?: number;
}

export class RespConnection {
  private pending: Array<{ count: number; replies: Reply[]; resolve: (r: Reply[]) => void; reject: (e: Error) => void }> = [];
  /** replies parsed as they arrive, each byte once (a reply of any size in linear time) */
  private readonly reader = new ReplyReader();
  private failed?: Error;
  /** runs while a reply is awaited, restarted by every chunk that arrives (replyTimeoutMs) */
  private replyTimer?: NodeJS.Timeout;
  private replyTimeoutMs = 0;
  private onReplyTimeout = () => undefined as void;

  private constructor(
    private readonly socket: Socket,
    at: { host: string; port: number; replyTimeoutMs?: number },
  ) {
    socket.on('data', (d) => this.onData(d));
    // where, as Node's connect errors say it (address, port): the operator is told which server went away
    const where = { address: at.host, port: at.port };
    const ms = at.replyTimeoutMs;
    if (ms) {
      this.replyTimeoutMs = ms;
      this.onReplyTimeout = () => {
        this.fail(Object.assign(new Error(`Command timed out: no reply from ${at.host}:${at.port} within ${ms} ms`), { code: 'ETIMEDOUT' }, where));
        socket.destroy();
      };
    }
    socket.on('error', (e: NodeJS.ErrnoException & { address?: string }) => this.fail(e.address ? e : Object.assign(e, where)));
    socket.on('close', () => this.fail(Object.assign(new Error('Connection is closed'), where)));
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
        const conn = new RespConnection(socket, o);
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

  /** The reply timer: running (from now) while replies are awaited, stopped when none is. */
  private watch(): void {
    if (!this.replyTimeoutMs) return;
    if (!this.pending.length || this.failed) {
      clearTimeout(this.replyTimer);
      this.replyTimer = undefined;
    } else if (this.replyTimer) this.replyTimer.refresh(); // restarted from now, no new timer per chunk
    else this.replyTimer = setTimeout(this.onReplyTimeout, this.replyTimeoutMs);
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
    this.watch();
  }

  private fail(e: Error): void {
    this.failed ??= e;
    clearTimeout(this.replyTimer);
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
          if (this.pending.length === 1) this.watch();
          this.socket.write(enc.done());
        }),
    };
  }

  close(): void {
    this.socket.destroy();
  }
}
