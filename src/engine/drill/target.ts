// Where the checker's counters live: one interface over a standalone master (followed through role changes),
// a master found through Sentinel, and a Redis Cluster (standalone.ts, sentinel.ts, cluster.ts). Types only:
// open-target.ts reads which one from the entry point.
import type { Endpoint } from '../../options/endpoint.js';
import type { ConnectOptions } from '../redis/connect.js';
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
  /**
   * false (--no-follow): a standalone entry point is written to and nothing else, whatever ROLE says of other
   * nodes: for an address that is itself switched (a proxy, a DNS name, the lab's endpoint), the clients'
   * view of a switch. Default: follow the master.
   */
  follow?: boolean;
}
