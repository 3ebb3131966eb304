// Free loopback ports for lab servers. A port is picked below Linux's ephemeral range (32768–60999) together with its
// cluster bus port (port + 10000): an outgoing connection's local port, which the OS takes from that range, can then
// never hold either (a cluster node whose bus port was taken by a client socket failed to start). Both are checked
// by binding them; a short-lived reservation set keeps two servers of one process from being given the same one
// before either has bound it. When none is free down there, the OS hands out one, as before.
import { createServer } from 'node:net';

const reserved = new Set<number>();

function askOs(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** ports from LOW to HIGH have their bus port (+10000) below the ephemeral range too */
const LOW = 20000;
const HIGH = 22767;

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function reserve(port: number): number {
  reserved.add(port);
  setTimeout(() => reserved.delete(port), 60_000).unref();
  return port;
}

/** A free 127.0.0.1 port whose cluster bus port (port + 10000) is free too. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1));
    if (reserved.has(port)) continue;
    reserved.add(port); // taken before the checks: two calls at once never pick the same one
    if ((await canBind(port)) && (await canBind(port + 10000))) return reserve(port);
    reserved.delete(port);
  }
  for (let i = 0; i < 50; i++) {
    const port = await askOs();
    if (port + 10000 > 65535 || reserved.has(port)) continue;
    return reserve(port);
  }
  throw new Error('no free 127.0.0.1 port found after 50 tries');
}
