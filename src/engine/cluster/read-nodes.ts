// Reads every node of a Redis Cluster once, for `cutover cluster check`: from the entry node's CLUSTER NODES to every
// node any reachable node knows, all in parallel. Per node: its own CLUSTER NODES and CLUSTER INFO, DBSIZE,
// used_memory, and on a master the keys of every slot (COUNTKEYSINSLOT, pipelined). A node that does not answer
// is a reading with an error, never a throw; only the entry node's refusal is thrown (bad address, password, not a cluster).
import { InputError, nodeId, type Endpoint } from '../../options/endpoint.js';
import { checkEndpoint, makeClient, type ConnectOptions } from '../redis/connect.js';
import { describeNodeError } from '../topology/describe-node-error.js';
import { parseClusterInfo, parseClusterNodes } from '../topology/parse-cluster-nodes.js';
import type { ClusterNodeEntry } from '../topology/types.js';
import { SLOTS } from './slot-map.js';

export interface NodeReading {
  /** host:port as the cluster announces it */
  address: string;
  /** the node's own id (its `myself` line), or the id the others know it by */
  id?: string;
  /** why it could not be read; undefined when it answered */
  error?: string;
  /** its CLUSTER NODES */
  view?: ClusterNodeEntry[];
  /** its CLUSTER INFO */
  info?: Record<string, string>;
  keys?: number;
  memoryBytes?: number;
  /** a master's non-empty slots: slot → COUNTKEYSINSLOT */
  slotKeys?: Record<number, number>;
}

export interface ReadOptions {
  entry: Endpoint;
  conn: ConnectOptions;
}

/** Nodes that have no address to reach them by (a handshake, a node forgotten without one). */
function unreachableByFlags(n: ClusterNodeEntry): boolean {
  return n.flags.includes('noaddr') || n.flags.includes('handshake') || !n.port;
}

async function readNode(ep: Endpoint, conn: ConnectOptions, knownId: string | undefined): Promise<NodeReading> {
  const address = nodeId(ep.host, ep.port);
  let lastError: string | undefined;
  const client = makeClient(ep, conn, { name: 'cutover-cluster-check', reconnect: false }, (line) => (lastError ??= line));
  try {
    await client.connect();
    const [nodesText, infoText, keys, memInfo] = await Promise.all([
      client.call('CLUSTER', 'NODES') as Promise<string>,
      client.call('CLUSTER', 'INFO') as Promise<string>,
      client.dbsize(),
      client.info('memory'),
    ]);
    const view = parseClusterNodes(nodesText);
    const self = view.find((n) => n.myself);
    const memoryBytes = Number(/^used_memory:(\d+)/m.exec(memInfo)?.[1] ?? NaN);
    const reading: NodeReading = { address, id: self?.id ?? knownId, view, info: parseClusterInfo(infoText), keys, memoryBytes: Number.isFinite(memoryBytes) ? memoryBytes : undefined };
    if (self?.role === 'master' && keys > 0) reading.slotKeys = await countKeysInSlots(client);
    return reading;
  } catch (err) {
    // the cause (refused, a wrong password) comes through the client's error listener; the command only sees the close
    const error = lastError && !/closed/i.test(lastError) ? lastError : describeNodeError(err, ep, false) || lastError;
    return { address, id: knownId, error };
  } finally {
    client.disconnect();
  }
}

/** COUNTKEYSINSLOT for all 16384 slots in one pipeline: the non-empty ones. */
async function countKeysInSlots(client: ReturnType<typeof makeClient>): Promise<Record<number, number>> {
  const pipe = client.pipeline();
  for (let s = 0; s < SLOTS; s++) pipe.call('CLUSTER', 'COUNTKEYSINSLOT', String(s));
  const replies = (await pipe.exec()) ?? [];
  const out: Record<number, number> = {};
  replies.forEach(([err, n], s) => {
    if (!err && Number(n) > 0) out[s] = Number(n);
  });
  return out;
}

/**
 * The entry node first: a refusal there (wrong password, not a cluster node) is the operator's input and is thrown.
 * Then every node named in any reachable node's view, in parallel, until no new address turns up.
 */
export async function readClusterNodes(o: ReadOptions): Promise<NodeReading[]> {
  // the entry answers, with these credentials and TLS, and is a cluster node (thrown as one line otherwise)
  const { mode } = await checkEndpoint(o.entry, o.conn);
  if (mode !== 'cluster') {
    throw new InputError(`${nodeId(o.entry.host, o.entry.port)} is not a Redis Cluster node (redis_mode ${mode ?? '?'}): give --uri the address of a node of the cluster`);
  }
  const first = await readNode(o.entry, o.conn, undefined);
  if (first.error) throw new Error(first.error);
  const readings = new Map<string, NodeReading>([[first.address, first]]);
  let pending = [first];
  while (pending.length) {
    const next: Array<{ ep: Endpoint; id: string }> = [];
    for (const r of pending) {
      for (const n of r.view ?? []) {
        if (n.myself || unreachableByFlags(n)) continue;
        const ep: Endpoint = { ...o.entry, host: n.host, port: n.port, db: 0 };
        const address = nodeId(ep.host, ep.port);
        if (readings.has(address) || next.some((x) => x.id === n.id || nodeId(x.ep.host, x.ep.port) === address)) continue;
        if ([...readings.values()].some((x) => x.id === n.id)) continue;
        next.push({ ep, id: n.id });
      }
    }
    pending = await Promise.all(next.map(({ ep, id }) => readNode(ep, o.conn, id)));
    for (const r of pending) readings.set(r.address, r);
  }
  return [...readings.values()];
}
