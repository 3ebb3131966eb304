// One connection per node for a procedure (CLIENT SETNAME cutover-failover), made on first use and kept
// through role changes. A command sent while the connection is being re-made (Sentinel kills a promoted
// replica's clients) waits for it, briefly, instead of failing at once.
import type { Redis } from 'ioredis';
import { nodeId, type Endpoint } from '../../options/endpoint.js';
import { remember } from '../../options/redact.js';
import { describeError, makeClient, type ConnectOptions } from '../redis/connect.js';
import { parseInfo, type ParsedInfo } from '../topology/parse-info.js';
import type { NodeId } from './types.js';

export const FAILOVER_CLIENT_NAME = 'cutover-failover';

/** An error a server replied with (ERR …, NOPERM …): the procedure quotes it as is. */
export class ServerReplyError extends Error {}

export class NodePool {
  private clients = new Map<NodeId, Redis>();
  private endpoints = new Map<NodeId, Endpoint>();
  private lastError = new Map<NodeId, string>();
  private closed = false;

  constructor(
    readonly conn: ConnectOptions,
    private readonly clientName = FAILOVER_CLIENT_NAME,
  ) {}

  /** Registers a node's endpoint (its credentials and TLS); the first registration of an address wins. */
  add(ep: Endpoint): NodeId {
    const id = nodeId(ep.host, ep.port);
    if (!this.endpoints.has(id)) this.endpoints.set(id, { ...ep });
    return id;
  }

  has(id: NodeId): boolean {
    return this.endpoints.has(id);
  }

  endpoint(id: NodeId): Endpoint {
    const ep = this.endpoints.get(id);
    if (!ep) throw new Error(`internal: no endpoint registered for ${id}`);
    return ep;
  }

  /** A node's password changed (the clone took the origin's requirepass): new connections use this one. */
  setAuth(id: NodeId, password: string | undefined, username?: string): void {
    const ep = this.endpoint(id);
    remember(password);
    this.endpoints.set(id, { ...ep, password, username: username ?? ep.username });
    const client = this.clients.get(id);
    if (client) {
      client.options.password = password;
      if (username !== undefined) client.options.username = username;
    }
  }

  private client(id: NodeId): Redis {
    let c = this.clients.get(id);
    if (!c) {
      const ep = this.endpoint(id);
      c = makeClient(ep, this.conn, { name: this.clientName, reconnect: true }, (line) => this.lastError.set(id, line));
      c.on('ready', () => this.lastError.delete(id));
      this.clients.set(id, c);
    }
    return c;
  }

  private async ready(id: NodeId, c: Redis): Promise<void> {
    if (this.closed) throw new Error('stopped');
    if (c.status === 'ready') return;
    if (c.status === 'wait') {
      await c.connect().catch((err: unknown) => {
        throw new Error(this.lastError.get(id) ?? describeError(err, this.endpoint(id)));
      });
      return;
    }
    // connecting or reconnecting: wait for it, as long as a connection may take
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        c.off('ready', onReady);
        reject(new Error(this.lastError.get(id) ?? `no answer from ${id} within the timeout: check the address and any firewall`));
      }, this.conn.connectTimeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      c.once('ready', onReady);
    });
  }

  /** Sends a command; a server's error reply becomes a ServerReplyError with its text, anything else one line. */
  async call(id: NodeId, argv: Array<string | number>): Promise<unknown> {
    const c = this.client(id);
    await this.ready(id, c);
    const [cmd, ...args] = argv.map(String);
    try {
      return await c.call(cmd, ...args);
    } catch (err) {
      const e = err as Error & { name?: string };
      if (e?.name === 'ReplyError') throw new ServerReplyError(String(e.message));
      throw new Error(describeError(err, this.endpoint(id)));
    }
  }

  /** INFO (the replication section unless another is named), parsed. */
  async info(id: NodeId, section = 'replication'): Promise<ParsedInfo> {
    return parseInfo(String(await this.call(id, ['INFO', section])));
  }

  close(): void {
    this.closed = true;
    for (const c of this.clients.values()) c.disconnect();
    this.clients.clear();
  }
}
