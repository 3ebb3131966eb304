// A loopback proxy in front of a real redis-server that holds a replica's sync: every connection is forwarded as
// is, but once a client sends PSYNC (or SYNC) what the server answers it (the +FULLRESYNC, the RDB, the stream)
// waits in the proxy until release(). A test can then change the target between cutover's checks and its first
// write (cutover runs its preflight before it asks for the sync) without racing it.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { LabServer } from '../../src/lab/server.js';

export class SyncGate {
  /** PSYNC/SYNC requests seen so far */
  syncs = 0;
  port = 0;
  private open = false;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly waiting = new Set<() => void>();

  constructor(private readonly behind: LabServer) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((client) => this.serve(client));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    const a = this.server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
    return this;
  }

  /** Lets every held sync go on, and the later ones through at once. */
  release(): void {
    this.open = true;
    for (const go of this.waiting) go();
    this.waiting.clear();
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private serve(client: Socket): void {
    const upstream = connect({ host: '127.0.0.1', port: this.behind.port });
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    let held: Buffer[] | undefined;
    client.on('data', (d) => {
      const sync = /\bP?SYNC\b/i.test(d.toString('latin1')); // not REPLCONF's "psync2"
      if (sync) this.syncs++;
      if (sync && !held && !this.open) {
        const waiting: Buffer[] = (held = []);
        this.waiting.add(() => {
          for (const b of waiting) client.write(b);
          held = undefined;
        });
      }
      upstream.write(d);
    });
    upstream.on('data', (d) => (held ? held.push(d) : client.write(d)));
  }
}
