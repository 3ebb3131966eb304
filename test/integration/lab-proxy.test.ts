// The lab's switchable endpoint (src/lab/proxy.ts) in front of real redis-servers: commands through it, a repoint
// that closes the old connections so clients come back on the new backend, a backend that is down, many
// connections, and close().
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/lab/ports.js';
import { TcpProxy } from '../../src/lab/proxy.js';
import type { LabServer } from '../../src/lab/server.js';
import { standaloneServers, stopServers, until } from './helpers.js';

let servers: LabServer[] = [];
let dir: string | undefined;
const proxies: TcpProxy[] = [];
const clients: Redis[] = [];

beforeAll(async () => {
  ({ servers, dir } = await standaloneServers(['a', 'b'], 'cutover-proxy-'));
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await stopServers(servers, dir, clients);
});

async function proxyTo(s: LabServer): Promise<TcpProxy> {
  const p = await TcpProxy.listen({ host: '127.0.0.1', port: s.port });
  proxies.push(p);
  return p;
}

/** A client of the proxy that reconnects at once, as the drill's does. */
function clientOf(p: TcpProxy, opts: { retry?: boolean } = {}): Redis {
  const c = new Redis({
    host: '127.0.0.1',
    port: p.port,
    maxRetriesPerRequest: opts.retry === false ? 0 : 20,
    retryStrategy: opts.retry === false ? () => null : () => 20,
  });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

const runId = async (c: Redis) => /run_id:(\w+)/.exec(await c.info('server'))![1];
const direct = async (s: LabServer) => {
  const c = new Redis({ host: '127.0.0.1', port: s.port });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
};

describe('the lab endpoint (TCP proxy)', () => {
  it('forwards SET and GET to its backend', async () => {
    const [a] = servers;
    const p = await proxyTo(a);
    const c = clientOf(p);
    await c.set('proxy:k', 'through');
    expect(await c.get('proxy:k')).toBe('through');
    expect(await (await direct(a)).get('proxy:k')).toBe('through');
    expect(p.connections).toBe(1);
  });

  it('repointed: the open connection is closed and the client comes back on the new backend', async () => {
    const [a, b] = servers;
    const p = await proxyTo(a);
    const c = clientOf(p);
    const [idA, idB] = [await runId(await direct(a)), await runId(await direct(b))];
    expect(await runId(c)).toBe(idA);
    let closed = 0;
    c.on('close', () => closed++);
    expect(p.setBackend('127.0.0.1', b.port)).toBe(1);
    await until('the old connection closed', () => closed > 0, 5000);
    expect(await runId(c)).toBe(idB);
    await c.set('proxy:after', 'b');
    expect(await (await direct(b)).get('proxy:after')).toBe('b');
    expect(await (await direct(a)).exists('proxy:after')).toBe(0);
    expect(p.backend).toEqual({ host: '127.0.0.1', port: b.port });
  });

  it('a backend that is down: new connections are closed at once, the proxy keeps serving once repointed', async () => {
    const [a] = servers;
    const p = await proxyTo(a);
    const nobody = await freePort(); // nothing listens there
    p.setBackend('127.0.0.1', nobody);
    const c = clientOf(p, { retry: false });
    await expect(c.ping()).rejects.toThrow();
    // a raw socket sees the connection closed, not hung
    await new Promise<void>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: p.port });
      s.on('error', () => undefined);
      s.on('close', () => resolve());
      setTimeout(() => reject(new Error('the proxy held a connection to a dead backend open')), 3000).unref();
    });
    expect(p.connections).toBe(0);
    p.setBackend('127.0.0.1', a.port);
    expect(await clientOf(p).ping()).toBe('PONG');
  });

  it('many connections at once, each its own session', async () => {
    const [a] = servers;
    const p = await proxyTo(a);
    const many = Array.from({ length: 50 }, () => clientOf(p));
    const replies = await Promise.all(many.map((c, i) => c.incrby('proxy:many', i + 1)));
    expect(Math.max(...replies)).toBe((50 * 51) / 2);
    expect(p.connections).toBe(50);
    // a big value both ways: piped, not lost
    const big = 'x'.repeat(4 * 1024 * 1024);
    await many[0].set('proxy:big', big);
    expect((await many[1].get('proxy:big'))?.length).toBe(big.length);
    for (const c of many) c.disconnect();
    await until('every session ended', () => p.connections === 0, 5000);
  });

  it('a backend that stops reading: the proxy stops reading too, its buffers stay small (backpressure)', async () => {
    const [a] = servers;
    const p = await proxyTo(a);
    const sock = connect({ host: '127.0.0.1', port: p.port });
    sock.on('error', () => undefined);
    await new Promise((r) => sock.once('connect', r));
    await until('the session open', () => p.connections === 1);
    process.kill(a.pid!, 'SIGSTOP');
    try {
      // 64 MB of one huge inline command that Redis, stopped, never reads
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      for (let i = 0; i < 64; i++) sock.write(chunk);
      // the kernel's buffers fill, then the proxy's writes to redis wait, then it stops reading the client: the
      // bytes stay on the client's side (here, this process's socket), not in the proxy
      let last = -1;
      let same = 0;
      await until('the flow stopped', () => {
        const now = sock.writableLength + p.bufferedBytes;
        same = now === last ? same + 1 : 0;
        last = now;
        return same >= 4;
      });
      expect(p.bufferedBytes).toBeLessThan(1024 * 1024);
      expect(sock.writableLength).toBeGreaterThan(32 * 1024 * 1024);
    } finally {
      process.kill(a.pid!, 'SIGCONT');
      sock.destroy();
    }
    await until('the session ended', () => p.connections === 0, 5000);
  });

  it('close() ends every connection and stops listening', async () => {
    const [a] = servers;
    const p = await proxyTo(a);
    const c = clientOf(p, { retry: false });
    expect(await c.ping()).toBe('PONG');
    let closed = false;
    c.on('close', () => (closed = true));
    await p.close();
    await until('the client connection closed', () => closed, 5000);
    expect(p.connections).toBe(0);
    const refused = await new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: p.port });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      s.on('connect', () => {
        s.destroy();
        resolve('connected');
      });
    });
    expect(refused).toBe('ECONNREFUSED');
    await p.close(); // twice is fine
  });
});
