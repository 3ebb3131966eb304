// Bare RESP connections to the servers of one side, opened on first use with that side's credentials,
// and opened again when one breaks (a failover, a restart). On a cluster side read from replicas, each
// connection sends READONLY first (a cluster replica redirects reads to its master without it).
import type { Redis } from 'ioredis';
import { RespConnection, type RespOptions } from './resp.js';

/** What a pool needs of a side (replicate/side.ts's Side has it): how to log in, and whether to send READONLY. */
export interface PoolSide {
  auth: Omit<RespOptions, 'host' | 'port'>;
  /** bare connections must send READONLY first: cluster replicas answer reads only after it */
  readOnly?: boolean;
}

export class RespPool {
  private conns = new Map<string, Promise<RespConnection>>();

  /** replyTimeoutMs: a command with no reply this long fails (resp.ts); unset, the side's own setting */
  constructor(
    private readonly side: PoolSide,
    private readonly replyTimeoutMs?: number,
  ) {}

  /** "host:port" → its connection. */
  async get(address: string): Promise<RespConnection> {
    const existing = this.conns.get(address);
    if (existing) {
      const conn = await existing.catch(() => undefined);
      if (conn && !conn.broken) return conn;
    }
    const at = address.lastIndexOf(':');
    const opening = RespConnection.open({ host: address.slice(0, at), port: Number(address.slice(at + 1)), ...this.side.auth, ...(this.replyTimeoutMs ? { replyTimeoutMs: this.replyTimeoutMs } : {}) }).then(async (conn) => {
      if (!this.side.readOnly) return conn;
      const p = conn.pipeline();
      p.call('READONLY', []);
      const [[err]] = await p.exec();
      if (err) {
        conn.close();
        throw err;
      }
      return conn;
    });
    opening.catch(() => undefined);
    this.conns.set(address, opening);
    return opening;
  }

  forClient(client: Redis): Promise<RespConnection> {
    return this.get(addressOf(client));
  }

  async close(): Promise<void> {
    for (const c of this.conns.values()) (await c.catch(() => undefined))?.close();
    this.conns.clear();
  }
}

export function addressOf(client: Redis): string {
  return `${client.options.host}:${client.options.port}`;
}
