// The Prometheus endpoint: a node:http server on --metrics HOST:PORT answering GET /metrics with the registry's
// text (prom-client's exposition format), 404 for anything else. Listening is checked before the command starts
// anything: an address that cannot be bound is bad input (one line, exit 2).
import { createServer, type Server } from 'node:http';
import { Registry as RegistryClass, type Registry } from 'prom-client';
import { InputError } from '../options/endpoint.js';
import { metricsUrl, type MetricsAddress } from '../options/metrics-address.js';

export interface MetricsServer {
  /** http://host:port/metrics, the port the server really got */
  url: string;
  close(): Promise<void>;
}

/** Why an address cannot be listened on, in the operator's words. */
function refusal(err: NodeJS.ErrnoException, a: MetricsAddress): string {
  const where = `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
  if (err.code === 'EADDRINUSE') return `--metrics ${where}: the port is in use by another process; pick a free port`;
  if (err.code === 'EACCES') return `--metrics ${where}: not allowed to listen on port ${a.port} (below 1024 needs privileges); pick a port from 1024`;
  if (err.code === 'EADDRNOTAVAIL') return `--metrics ${where}: ${a.host} is not an address of this machine; give one of its addresses, or :${a.port} for every interface`;
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `--metrics ${where}: cannot resolve '${a.host}'; give an IP address such as 127.0.0.1`;
  return `--metrics ${where}: cannot listen there (${err.code ?? err.message})`;
}

export async function startMetricsServer(registry: Registry, a: MetricsAddress): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('GET /metrics\n');
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: the metrics are at /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (err: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${(err as Error)?.message ?? err}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new InputError(refusal(err, a))));
    server.listen(a.port, a.host, () => resolve());
  });
  // a scraper's keep-alive must not hold the command open at its end
  server.keepAliveTimeout = 1000;
  server.on('error', () => undefined);
  const bound = server.address();
  const port = bound && typeof bound === 'object' ? bound.port : a.port;
  let closed: Promise<void> | undefined;
  return {
    url: metricsUrl({ host: a.host, port }),
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/** A command's metrics: its registry, served where --metrics asked; the line saying where goes to stderr. */
export interface Metrics extends MetricsServer {
  registry: Registry;
}

export async function serveMetrics(a: MetricsAddress, registry: Registry = new RegistryClass()): Promise<Metrics> {
  const server = await startMetricsServer(registry, a);
  process.stderr.write(`cutover: Prometheus metrics on ${server.url}\n`);
  return { ...server, registry };
}
