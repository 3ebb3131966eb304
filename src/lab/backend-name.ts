// Where `cutover lab switch --to WHAT` points the lab's endpoint: a Redis server of the lab by its name (target,
// master, r1 …) or HOST:PORT. Pure: the lab's servers in, the backend or one line saying what is wrong out.
import type { Backend } from './proxy.js';

export interface NamedServer {
  name: string;
  kind: 'redis' | 'sentinel';
  port: number;
}

export interface ResolvedBackend extends Backend {
  /** the lab server's name, when it is one */
  name?: string;
  address: string;
}

/** A line the operator can act on; the control port answers it with 400. */
export class BackendRefused extends Error {}

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/;

export function resolveBackend(to: string, servers: NamedServer[]): ResolvedBackend {
  const redis = servers.filter((s) => s.kind === 'redis');
  const names = redis.map((s) => s.name).join(', ');
  const byName = servers.find((s) => s.name === to);
  if (byName?.kind === 'sentinel') throw new BackendRefused(`${to} is a Sentinel, not a Redis server: use one of ${names}, or HOST:PORT`);
  if (byName) return { name: byName.name, host: '127.0.0.1', port: byName.port, address: `127.0.0.1:${byName.port}` };
  const m = HOST_PORT.exec(to);
  if (!m) throw new BackendRefused(`no lab server named '${to}': use one of ${names}, or HOST:PORT`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new BackendRefused(`port ${m[2]} in '${to}' is not from 1 to 65535`);
  const host = m[1].replace(/^\[|\]$/g, '');
  const loopback = host === '127.0.0.1' || host === 'localhost';
  const known = loopback ? redis.find((s) => s.port === port) : undefined;
  if (known) return { name: known.name, host: '127.0.0.1', port, address: `127.0.0.1:${port}` };
  const sentinel = loopback ? servers.find((s) => s.kind === 'sentinel' && s.port === port) : undefined;
  if (sentinel) throw new BackendRefused(`${to} is the lab's Sentinel ${sentinel.name}, not a Redis server: use one of ${names}, or HOST:PORT`);
  return { host, port, address: m[1].startsWith('[') ? `${m[1]}:${port}` : `${host}:${port}` };
}
