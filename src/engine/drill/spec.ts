// A checker's target from plain strings, for code that runs a drill alongside something else (the failover wizard,
// the benchmarks): `new ConsistencyChecker(drillSpec({ uri: 'redis://127.0.0.1:7001' }), { rate: 1000 })`.
import { parseEndpoint, type Endpoint } from '../../options/endpoint.js';
import { DEFAULT_CONNECT, type ConnectOptions } from '../redis/connect.js';
import type { TargetSpec } from './target.js';

export interface DrillConnection {
  /** a data node (standalone, replica, cluster node) or a Sentinel (then masterName) */
  uri?: string;
  /** Sentinels, host:port or redis://… */
  sentinels?: string[];
  masterName?: string;
  /** for data nodes that the URI gives none for (and every data node found through Sentinel) */
  username?: string;
  password?: string;
  tls?: boolean;
  /** TLS settings (tlsSettings()) when tls */
  tlsOptions?: ConnectOptions['tls'];
  /** a write with no reply this long has failed (1000) */
  timeoutMs?: number;
  /** reconnect and look for the master this often (50) */
  reconnectMs?: number;
}

export const DRILL_TIMEOUT_MS = 1000;
export const DRILL_RECONNECT_MS = 50;

/** Throws InputError on a malformed URI. */
export function drillSpec(c: DrillConnection): TargetSpec {
  const defaults = { tls: !!c.tls, password: c.password, username: c.username };
  const endpoint: Endpoint | undefined = c.uri ? parseEndpoint(c.uri, defaults) : undefined;
  const sentinels = (c.sentinels ?? []).map((s) => parseEndpoint(s, { tls: !!c.tls }));
  const timeoutMs = c.timeoutMs ?? DRILL_TIMEOUT_MS;
  return {
    endpoint,
    sentinels,
    masterName: c.masterName,
    // data nodes found through Sentinel; a --uri data node carries its own (its URI's, or these)
    dataAuth: { username: c.username, password: c.password },
    db: endpoint?.db ?? 0,
    dataTls: !!c.tls || !!endpoint?.tls,
    conn: { ...DEFAULT_CONNECT, tls: c.tlsOptions ?? {}, commandTimeoutMs: timeoutMs, connectTimeoutMs: Math.max(1000, Math.min(3000, 3 * timeoutMs)) },
    reconnectMs: c.reconnectMs ?? DRILL_RECONNECT_MS,
  };
}
