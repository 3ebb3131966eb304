// The lab's switchable endpoint: a small TCP proxy on 127.0.0.1 that forwards each client connection to the current
// backend (host:port), the way HAProxy or a DNS name sits between the applications and Redis in production.
//
// Repointing it (setBackend) sends new connections to the new backend and closes the existing ones at once, as
// HAProxy does with `shutdown-sessions` (or as a DNS switch followed by a client reconnect): a client such as
// ioredis sees its connection drop, reconnects to the same address, and so reaches the new backend. Nothing
// written on an old connection can reach the new backend, and no client stays on the old one unnoticed.
//
// Bytes are piped both ways with backpressure (a slow reader pauses the other side), so memory stays bounded
// whatever the traffic; an error on one connection closes that connection only, never the proxy.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

interface Session {
  client: Socket;
  upstream: Socket;
}

export class TcpProxy {
  private readonly sessions = new Set<Session>();
  private backendNow: Backend;
  private closing = false;

  private constructor(
    private readonly server: Server,
    backend: Backend,
  ) {
    this.backendNow = { ...backend };
    server.on('connection', (client) => this.accept(client));
    // a failed accept (EMFILE, …) is that connection's problem, not the proxy's
    server.on('error', () => undefined);
  }

  /** Listens on host:port (127.0.0.1, a free port by default) and forwards to `backend`. */
  static listen(backend: Backend, at: { host?: string; port?: number } = {}): Promise<TcpProxy> {
    const server = createServer({ noDelay: true });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(at.port ?? 0, at.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve(new TcpProxy(server, backend));
      });
    });
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  /** host:port clients connect to. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get backend(): Backend {
    return { ...this.backendNow };
  }

  /** Client connections open now. */
  get connections(): number {
    return this.sessions.size;
  }

  /** Bytes the proxy holds in its own write buffers now, both ways, every connection (bounded by backpressure). */
  get bufferedBytes(): number {
    let n = 0;
    for (const s of this.sessions) n += s.client.writableLength + s.upstream.writableLength;
    return n;
  }

  /**
   * New connections go to host:port from now on; the open ones are closed, so their clients reconnect through the
   * proxy to the new backend. Returns how many were closed.
   */
  setBackend(host: string, port: number): number {
    this.backendNow = { host, port };
    const open = [...this.sessions];
    for (const s of open) this.end(s);
    return open.length;
  }

  /** Stops listening and closes every connection. Safe to call twice. */
  close(): Promise<void> {
    if (this.closing) return Promise.resolve();
    this.closing = true;
    for (const s of [...this.sessions]) this.end(s);
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.closing) {
      client.destroy();
      return;
    }
    const { host, port } = this.backendNow;
    const upstream = connect({ host, port, noDelay: true });
    const session: Session = { client, upstream };
    this.sessions.add(session);
    client.setNoDelay(true);
    // either side closing or failing ends both: a backend that is down closes the client's connection at once
    client.on('error', () => this.end(session));
    upstream.on('error', () => this.end(session));
    client.on('close', () => this.end(session));
    upstream.on('close', () => this.end(session));
    // pipe() pauses the reading side while the writing side's buffer is full: bounded memory per connection
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private end(s: Session): void {
    if (!this.sessions.delete(s)) return;
    s.client.destroy();
    s.upstream.destroy();
  }
}
