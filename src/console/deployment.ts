// What the console's failover and drill act on, from the nodes on screen: a node's master (the replica → master
// walk), a node as an endpoint (its address, the data nodes' credentials, TLS as the entry points use it), the
// failover request the wizard prepares, and where a drill writes. Pure functions of the nodes.
import type { Credentials } from '../options/credentials.js';
import type { Endpoint } from '../options/endpoint.js';
import type { ConnectOptions } from '../engine/redis/connect.js';
import { FAILOVER_DEFAULTS, type FailoverRequest } from '../engine/failover/failover.js';
import type { DrillConnection } from '../engine/drill/spec.js';
import type { NodeState } from '../engine/topology/types.js';

export type Nodes = Record<string, NodeState>;

/** How the console reaches nodes it discovered: TLS when the entry points use it, and the credentials given. */
export interface Reach {
  tls: boolean;
  dataAuth: Credentials;
  sentinelAuth: Credentials;
}

/** A longer chain than this is a loop (A replica of B replica of A, as seen mid-switch). */
const MAX_HOPS = 10;

/** The master at the top of a node's replication chain (the node itself when it is a master or its master is unknown). */
export function masterOf(nodes: Nodes, node: NodeState): NodeState {
  let root = node;
  for (let hops = 0; root.role === 'replica' && root.masterId && nodes[root.masterId] && hops < MAX_HOPS; hops++) root = nodes[root.masterId];
  return root;
}

/** A node as an endpoint, with the credentials of its kind (a Sentinel's, or the data nodes'). */
export function endpointOf(node: Pick<NodeState, 'host' | 'port' | 'role'>, reach: Reach): Endpoint {
  const auth = node.role === 'sentinel' ? reach.sentinelAuth : reach.dataAuth;
  return { host: node.host, port: node.port, tls: reach.tls, db: 0, username: auth.username, password: auth.password };
}

/** The Sentinels up, and the name under which they watch a master, as the first one (by) that does says it. */
function watchersOf(nodes: Nodes, master: NodeState): { watchers: NodeState[]; masterName?: string; by?: NodeState } {
  const watchers = Object.values(nodes).filter((n) => n.role === 'sentinel' && n.status === 'up');
  for (const w of watchers) {
    const m = w.sentinel?.masters.find((x) => `${x.host}:${x.port}` === master.id);
    if (m) return { watchers, masterName: m.name, by: w };
  }
  return { watchers };
}

/**
 * The failover the wizard prepares for a node: its deployment entered through its master (or, with the master down,
 * its replicas: unplanned), through the Sentinels that watch the master; a replica selected is the one to promote.
 */
export function failoverRequestFor(nodes: Nodes, id: string, reach: Reach, conn: ConnectOptions): FailoverRequest | undefined {
  const node = nodes[id];
  if (!node || node.role === 'sentinel') return undefined;
  const root = masterOf(nodes, node);
  const ep = (n: NodeState) => endpointOf(n, reach);
  const unplanned = root.status === 'down';
  const replicas = Object.values(nodes).filter((n) => n.role === 'replica' && n.status === 'up' && n.masterId === root.id);
  const entries = unplanned ? (replicas.length ? replicas.map(ep) : [ep(node)]) : [ep(root)];
  const { watchers, masterName } = watchersOf(nodes, root);
  return {
    entries,
    to: node.id !== root.id ? ep(node) : undefined,
    sentinels: masterName ? watchers.map(ep) : [],
    masterName,
    conn,
    dataAuth: reach.dataAuth,
    sentinelAuth: reach.sentinelAuth,
    unplanned,
    via: FAILOVER_DEFAULTS.via,
    timeoutMs: FAILOVER_DEFAULTS.timeoutMs,
    followTimeoutMs: FAILOVER_DEFAULTS.followTimeoutMs,
    fenceWaitMs: FAILOVER_DEFAULTS.fenceWaitMs,
    killClients: false,
  };
}

/**
 * Where a drill on a node's deployment writes: through its Sentinels when some watch its master (they follow a
 * failover), otherwise the master itself (the drill follows role changes among the nodes it learns of); with the
 * data nodes' credentials and TLS.
 */
export function drillConnectionFor(nodes: Nodes, id: string, reach: Reach, conn: ConnectOptions): (DrillConnection & { label: string }) | undefined {
  const node = nodes[id];
  if (!node || node.role === 'sentinel') return undefined;
  const root = masterOf(nodes, node);
  const auth = { username: reach.dataAuth.username, password: reach.dataAuth.password, tls: reach.tls, tlsOptions: conn.tls };
  const { watchers, masterName, by } = watchersOf(nodes, root);
  if (masterName && by) return { ...auth, sentinels: watchers.map((x) => x.id), masterName, label: `sentinel ${by.id} · master '${masterName}'` };
  return { ...auth, uri: root.id, label: root.id };
}
