// How a command connects: the connection options from the endpoints typed (TLS when any of them is rediss:// or
// --tls, the TLS files, the timeouts), the entry points checked before anything is drawn or changed, and the
// connection options' help that console, topology and the general help share.
import { InputError, type Endpoint } from '../options/endpoint.js';
import { redact } from '../options/redact.js';
import type { TlsFiles } from '../options/tls-files.js';
import { checkEndpoint, DEFAULT_CONNECT, tlsSettings, type ConnectOptions } from '../engine/redis/connect.js';

export const CONNECTION_HELP = `Endpoints:
  redis://[user:password@]host:port[/db]   rediss://… for TLS   host:port
  --sentinel HOST:PORT --master-name NAME  enter through a Sentinel (repeatable)
  --user NAME          ACL user for endpoints without one
  REDISCLI_AUTH=…      password for endpoints without one (never shown)
  --tls  --cacert FILE  --cert FILE  --key FILE  --insecure
Polling:
  --interval D         poll every node this often (default 1s; 500ms, 2s, …)
  --timeout D          a poll slower than this marks the node down (default: the interval, at least 1s)`;

/** ioredis settings for a command's endpoints: TLS (with the files given) when any endpoint uses it, or `tls` says so. */
export function connectOptionsFor(
  endpoints: Endpoint[],
  tlsFiles: TlsFiles,
  o: { tls?: boolean; commandTimeoutMs?: number; connectTimeoutMs?: number } = {},
): ConnectOptions {
  const { tls, ...timeouts } = o;
  const anyTls = !!tls || endpoints.some((e) => e.tls);
  return { ...DEFAULT_CONNECT, tls: anyTls ? tlsSettings(tlsFiles) : {}, ...timeouts };
}

/** A node that refuses or does not answer may just be down: the command goes on and shows it down. */
export function isTransient(err: Error): boolean {
  return !(err instanceof InputError) && /connection refused|no answer from|closed the connection before answering/.test(err.message);
}

/**
 * Entry points are checked before anything is drawn or changed. A typo, a wrong password, a TLS mismatch or a port
 * that is not Redis stops here (thrown: one line and an exit); a node that is merely down is a warning, returned
 * redacted, unless all are. `sentinels` must be Sentinels; masterName is checked on every Sentinel among them all.
 */
export async function checkEntries(entries: Endpoint[], conn: ConnectOptions, sentinels: Endpoint[] = [], masterName?: string): Promise<string[]> {
  const all = [...entries.map((e) => checkEndpoint(e, conn, masterName)), ...sentinels.map((s) => checkEndpoint(s, conn, masterName, true))];
  const results = await Promise.allSettled(all);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  const fatal = failures.find((e) => !isTransient(e));
  if (fatal) throw fatal;
  if (failures.length && failures.length === results.length) throw failures[0];
  return failures.map((e) => redact(e.message));
}
