// A connection error that reaches the operator during a job (replicate, compare, live), in the words cutover uses
// everywhere else ("connection refused at host:port: is Redis running there?"), never the client library's own
// ("connect ECONNREFUSED 127.0.0.1:6380", "Connection is closed."). A reply from Redis (OOM, WRONGTYPE …) is kept.
import { InputError, nodeId, type Endpoint } from '../../options/endpoint.js';
import { redact } from '../../options/redact.js';
import { describeError } from '../redis/connect.js';

/** A network failure, as Node or ioredis word it; not a reply of the server. */
const CONNECTION = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|Connection is closed|Stream isn't writeable|enableOfflineQueue|socket hang up|Socket closed unexpectedly|max retries per request|maxRetriesPerRequest|Command timed out|connect timed? ?out/i;

export function isConnectionError(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | undefined;
  return CONNECTION.test(`${e?.code ?? ''} ${e?.message ?? err}`);
}

/** Where a network error happened: its address and port (Node's errors and cutover's RESP connections carry them), or the "host:port" in its message ("connect ECONNREFUSED 127.0.0.1:6380"). */
function addressIn(message: string, err?: unknown): { host: string; port: number } | undefined {
  const e = err as { address?: unknown; port?: unknown } | undefined;
  if (typeof e?.address === 'string' && typeof e.port === 'number' && e.port > 0) return { host: e.address, port: e.port };
  const m = /\b(?:ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\s+(\[[^\]]+\]|[^\s:]+):(\d+)/.exec(message);
  return m ? { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) } : undefined;
}

/**
 * One connection error in words, at `where` ("host:port", or an endpoint): refused, unreachable, timed out, or
 * lost midway (the connection closed under a command). Anything that is not a connection error comes back as it
 * was (redacted). For messages already made strings: `target ${address}: ${message}` → `target: ${connectionWords(message, address)}`.
 */
export function connectionWords(err: unknown, where: string | Endpoint): string {
  const message = String((err as Error)?.message ?? err);
  if (!isConnectionError(err)) return redact(message);
  const named = addressIn(message, err);
  const ep: Endpoint = typeof where === 'string' ? { ...(named ?? parseAddress(where)), tls: false, db: 0 } : { ...where, ...(named ?? {}) };
  const at = nodeId(ep.host, ep.port);
  const e = (typeof err === 'object' && err ? err : new Error(message)) as NodeJS.ErrnoException;
  // the connection went away under a command: the node was there, and is no longer (stopped, restarted, the network)
  if (/Connection is closed|Stream isn't writeable|enableOfflineQueue|ECONNRESET|EPIPE|socket hang up|Socket closed unexpectedly|max retries per request|maxRetriesPerRequest/i.test(`${e.code ?? ''} ${message}`)) {
    return redact(`lost the connection to ${at}: is Redis still running there?`);
  }
  return describeError(e, ep);
}

function parseAddress(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  return m ? { host: m[1], port: Number(m[2]) } : { host: address, port: 0 };
}

/** A client of one side of a job, as far as telling whether it is connected goes (ioredis Redis or Cluster). */
export interface SideClient {
  status: string;
  /** a Redis client's host and port (a Cluster's options have none) */
  options?: object;
}

function addressOfClient(c: SideClient): { host: string; port: number } | undefined {
  const o = c.options as { host?: unknown; port?: unknown } | undefined;
  return typeof o?.host === 'string' && typeof o.port === 'number' ? { host: o.host, port: o.port } : undefined;
}

export interface JobSide {
  /** the operator's endpoint for it */
  ep: Endpoint;
  /** its connections: the one that is not ready is where a lost connection was */
  clients?: SideClient[];
}

/**
 * The error a job ended with, for the operator: a connection error says which side ("target: connection refused
 * at 127.0.0.1:6380: is Redis running there?"), found from the address in the message or from which side's
 * connection is down; any other error (an InputError, a reply of Redis) is returned as it was.
 * Usage, where a job's error would reach the operator: `catch (err) { throw jobError(err, { source: {…}, target: {…} }) }`.
 */
export function jobError(err: unknown, sides: Record<string, JobSide>): unknown {
  if (err instanceof InputError || !isConnectionError(err)) return err;
  const message = String((err as Error)?.message ?? err);
  const named = addressIn(message, err);
  const entries = Object.entries(sides);
  const down = (s: JobSide) => (s.clients ?? []).find((c) => c.status !== 'ready' && c.status !== 'wait');
  const is = (a: { host: string; port: number } | undefined) => !!a && !!named && nodeId(a.host, a.port) === nodeId(named.host, named.port);
  const byAddress = entries.find(([, s]) => is(s.ep) || (s.clients ?? []).some((c) => is(addressOfClient(c))));
  const byStatus = entries.filter(([, s]) => down(s));
  const found = byAddress ?? (byStatus.length === 1 ? byStatus[0] : entries.length === 1 ? entries[0] : undefined);
  if (!found) {
    const all = entries.map(([name, s]) => `${name} ${nodeId(s.ep.host, s.ep.port)}`).join(' or ');
    return new Error(redact(`lost a connection (${all}): is Redis still running on both?`));
  }
  const [name, side] = found;
  const client = down(side);
  const address = client && addressOfClient(client);
  const where: Endpoint = address ? { ...side.ep, ...address } : side.ep;
  return new Error(`${name}: ${connectionWords(err, where)}`);
}
