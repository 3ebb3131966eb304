// Where the checker's counters live: one interface over a standalone master (followed through role changes),
// a master found through Sentinel, and a Redis Cluster. Which one is read from the entry point.
import { InputError, nodeId, type Endpoint } from '../../config/endpoint.js';
import { checkEndpoint, makeClient, type ConnectOptions } from '../redis/connect.js';
import type { DrillMode } from './types.js';

export interface DrillTarget {
  readonly mode: DrillMode;
  /** what the checker was pointed at, redacted */
  readonly label: string;
  get(key: string): Promise<string | null>;
  incr(key: string): Promise<number>;
  del(key: string): Promise<number>;
  /** the group a key's unavailability is measured in: 'master', or on a cluster the shard that held it at the start */
  groupOf(key: string): string;
  /** the node that takes the group's writes now, as far as the client knows */
  masterOf(group: string): string | undefined;
  /** where writes go now: one address, or a cluster's masters */
  master(): string | undefined;
  /** the node a command on `key` is sent to now (host:port), as far as the client knows */
  nodeOf(key: string): string | undefined;
  /** one line for an error of get/incr/del sent to `node` (nodeOf() when it was sent; redacted) */
  describe(err: unknown, node?: string): string;
  close(): void;
}

export interface TargetHooks {
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export interface TargetSpec {
  /** --uri: a data node (standalone, replica, cluster node) or a Sentinel */
  endpoint?: Endpoint;
  /** --sentinel entries */
  sentinels: Endpoint[];
  masterName?: string;
  /** credentials for data nodes found through Sentinel (--user, REDISCLI_AUTH; a Sentinel's own are its URI's) */
  dataAuth: { username?: string; password?: string };
  /** the database (standalone and Sentinel) */
  db: number;
  /** TLS for data nodes found through Sentinel */
  dataTls: boolean;
  conn: ConnectOptions;
  /** how soon a lost connection is retried, and a new master looked for */
  reconnectMs: number;
}

/** Opens the target the spec names, after checking the entry point answers (an Error or InputError otherwise). */
export async function openTarget(spec: TargetSpec, hooks: TargetHooks): Promise<DrillTarget> {
  if (spec.sentinels.length) {
    if (!spec.masterName) throw new InputError(`--sentinel needs --master-name NAME (the name the Sentinels monitor the master under)`);
    await anySentinel(spec.sentinels, spec);
    const { SentinelTarget } = await import('./sentinel.js');
    return SentinelTarget.open(spec, spec.sentinels, hooks);
  }
  const ep = spec.endpoint;
  if (!ep) throw new InputError(`no endpoint: give --uri redis://host:port, or --sentinel host:port --master-name NAME`);
  const { mode } = await checkEndpoint(ep, spec.conn, spec.masterName);
  if (mode === 'sentinel') {
    if (!spec.masterName) throw new InputError(`${nodeId(ep.host, ep.port)} is a Sentinel: add --master-name NAME (SENTINEL MASTERS lists the names it monitors)`);
    const { SentinelTarget } = await import('./sentinel.js');
    return SentinelTarget.open(spec, [ep], hooks);
  }
  if (spec.masterName) throw new InputError(`--master-name goes with a Sentinel, and ${nodeId(ep.host, ep.port)} is not one: drop --master-name, or give a Sentinel's address`);
  if (mode === 'cluster') {
    if (ep.db) throw new InputError(`${nodeId(ep.host, ep.port)} is a cluster node: a cluster has only database 0, drop the URI's /${ep.db}`);
    const { ClusterTarget } = await import('./cluster.js');
    return ClusterTarget.open(ep, spec, hooks);
  }
  const { StandaloneTarget } = await import('./standalone.js');
  return StandaloneTarget.open(ep, spec, hooks);
}

/** At least one Sentinel must answer and know the master; the first wrong one (not a Sentinel, no such master) is bad input. */
async function anySentinel(sentinels: Endpoint[], spec: TargetSpec): Promise<void> {
  const results = await Promise.allSettled(sentinels.map((s) => checkEndpoint(s, spec.conn, spec.masterName, true)));
  const bad = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && r.reason instanceof InputError);
  if (bad) throw bad.reason;
  if (results.every((r) => r.status === 'rejected')) throw (results[0] as PromiseRejectedResult).reason;
}

/** One ROLE from a short-lived connection; undefined when the node does not answer in time. */
export async function roleOf(ep: Endpoint, conn: ConnectOptions, timeoutMs: number): Promise<unknown> {
  const client = makeClient(ep, { ...conn, connectTimeoutMs: timeoutMs, commandTimeoutMs: timeoutMs }, { name: 'cutover-drill-probe', reconnect: false });
  try {
    await client.connect();
    return await client.call('ROLE');
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
