// A master that serves a given RDB: a real redis-server behind a loopback proxy. Every command is forwarded to
// the real server (INFO, CONFIG, SCAN, DUMP… answer as usual), except PSYNC/SYNC, which the proxy answers itself
// with +FULLRESYNC, the RDB's bytes (sized, or diskless with an EOF mark) and then the command stream it was given.
// Lets the tests serve old, corrupt or foreign RDB files (built by hand or saved by a real server) to cutover's
// replica-protocol client, and count how often cutover asks for a sync.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { ReplyReader } from '../../src/engine/redis/resp-reader.js';
import { parseFrame } from '../../src/engine/live/psync/stream.js';
import type { LabServer } from '../../src/lab/server.js';

export interface RdbMasterOptions {
  /** the RDB file's bytes, served on every full sync */
  rdb: Buffer;
  /** RESP commands sent after the RDB, as the replication stream (the offset advances by their bytes) */
  stream?: Buffer;
  /** diskless form: `$EOF:<mark>` … `<mark>` instead of `$<length>` */
  diskless?: boolean;
  replId?: string;
  offset?: number;
}

const MARK = 'cafebabe'.repeat(5);

/** A RESP command of bulk strings, for `stream`. */
export function respCommand(...args: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(a);
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

export class RdbMaster {
  /** PSYNC/SYNC requests answered so far (a client that resends forever shows here) */
  syncs = 0;
  port = 0;
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly behind: LabServer,
    private readonly o: RdbMasterOptions,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((client) => this.serve(client));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private serve(client: Socket): void {
    this.sockets.add(client);
    const backend = connect(this.behind.port, '127.0.0.1');
    this.sockets.add(backend);
    const replies = new ReplyReader();
    let forwarded = 0;
    let answered = 0;
    let pending = Buffer.alloc(0);
    let replica = false;
    let waitingSync: (() => void) | undefined;
    const close = () => {
      client.destroy();
      backend.destroy();
    };
    client.on('error', close);
    backend.on('error', close);
    client.on('close', close);
    backend.on('data', (d) => {
      if (replica) return;
      client.write(d);
      answered += replies.feed(d).length;
      if (waitingSync && answered >= forwarded) waitingSync();
    });
    client.on('data', (d) => {
      if (replica) return; // REPLCONF ACK and the like, once the sync has begun
      pending = Buffer.concat([pending, d]);
      let pos = 0;
      for (;;) {
        const p = parseFrame(pending, pos);
        if ('need' in p) break;
        const name = p.frame.args[0]?.toString('latin1').toUpperCase();
        if (name === 'PSYNC' || name === 'SYNC') {
          replica = true;
          const begin = () => {
            backend.destroy();
            this.sync(client);
          };
          if (answered >= forwarded) begin();
          else waitingSync = begin;
          return;
        }
        backend.write(pending.subarray(pos, p.next));
        forwarded++;
        pos = p.next;
      }
      pending = pending.subarray(pos);
    });
  }

  private sync(client: Socket): void {
    this.syncs++;
    const { rdb, stream, diskless } = this.o;
    const replId = this.o.replId ?? 'f'.repeat(40);
    client.write(`+FULLRESYNC ${replId} ${this.o.offset ?? 0}\r\n`);
    if (diskless) client.write(Buffer.concat([Buffer.from(`$EOF:${MARK}\r\n`), rdb, Buffer.from(MARK)]));
    else client.write(Buffer.concat([Buffer.from(`$${rdb.length}\r\n`), rdb]));
    if (stream) client.write(stream);
  }
}
