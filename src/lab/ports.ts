// Free loopback ports for lab servers. The OS hands out a free port; a short-lived reservation set keeps
// two servers of one process from being given the same one before either has bound it.
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

/** A free 127.0.0.1 port whose cluster bus port (port + 10000) is below 65536. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await askOs();
    if (port + 10000 > 65535 || reserved.has(port)) continue;
    reserved.add(port);
    setTimeout(() => reserved.delete(port), 60_000).unref();
    return port;
  }
  throw new Error('no free 127.0.0.1 port found after 50 tries');
}
