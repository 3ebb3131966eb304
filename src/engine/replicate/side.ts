// One side of a replication, source or target: standalone or Redis Cluster, detected from the entry point.
import { createRequire } from 'node:module';
import { Cluster, type Redis } from 'ioredis';
import { nodeId, type Endpoint } from '../../config/endpoint.js';
import { makeClient, type ConnectOptions } from '../connect.js';
import type { RespOptions } from '../resp.js';
import { parseInfo } from '../topology/parse-info.js';

export interface Side {
  /** how the operator named it, redacted */
  label: string;
  isCluster: boolean;
  /** one client per master, where keys are scanned and read */
  masters: Redis[];
  /** where writes go: the server itself, or a Cluster client that routes by slot */
  writer: Redis | Cluster;
  /** run_ids of the masters, to refuse copying a deployment onto itself */
  runIds: string[];
  /** a standalone server that is a replica (a target must not be one) */
  replicaOf?: string;
  /** how to log in to any of its servers over a bare RESP connection */
  auth: Omit<RespOptions, 'host' | 'port'>;
  close(): void;
}

async function infoOf(client: Redis): Promise<ReturnType<typeof parseInfo>> {
  return parseInfo(await client.info());
}

/** Connects to a side; the entry node's INFO says whether it is a cluster. */
export async function openSide(ep: Endpoint, conn: ConnectOptions, label: string, name: string): Promise<Side> {
  const entry = makeClient(ep, conn, { name, reconnect: true });
  await entry.connect();
  const info = await infoOf(entry);
  if (!info.server.clusterEnabled) {
    const repl = info.replication;
    return {
      label,
      isCluster: false,
      masters: [entry],
      writer: entry,
      runIds: info.server.runId ? [info.server.runId] : [],
      replicaOf: repl?.role === 'replica' && repl.masterHost && repl.masterPort ? nodeId(repl.masterHost, repl.masterPort) : undefined,
      auth: { username: ep.username, password: ep.password, db: ep.db, tls: ep.tls ? conn.tls : undefined, connectTimeoutMs: conn.connectTimeoutMs },
      close: () => entry.disconnect(),
    };
  }
  entry.disconnect();
  const cluster = new Cluster([{ host: ep.host, port: ep.port }], {
    redisOptions: { username: ep.username, password: ep.password, tls: ep.tls ? conn.tls : undefined, connectionName: name, connectTimeout: conn.connectTimeoutMs },
    enableReadyCheck: true,
    slotsRefreshTimeout: conn.connectTimeoutMs,
  });
  cluster.on('error', () => undefined);
  await cluster.ping();
  const masters = cluster.nodes('master');
  for (const m of masters) m.on('error', () => undefined);
  const runIds = (await Promise.all(masters.map(async (m) => (await infoOf(m)).server.runId))).filter((x): x is string => !!x);
  const auth = { username: ep.username, password: ep.password, tls: ep.tls ? conn.tls : undefined, connectTimeoutMs: conn.connectTimeoutMs };
  return { label, isCluster: true, masters, writer: cluster, runIds, auth, close: () => cluster.disconnect() };
}

/** Keys over every master of a side. */
export async function keyCount(side: Side): Promise<number> {
  const sizes = await Promise.all(side.masters.map((m) => m.dbsize()));
  return sizes.reduce((a, b) => a + b, 0);
}

const calculateSlot = createRequire(import.meta.url)('cluster-key-slot') as (key: string | Buffer) => number;

/** Groups keys by the master that holds them, with that master's client. */
export function byOwner(side: Side, keys: Buffer[]): Array<{ client: Redis; keys: Buffer[]; index: number[] }> {
  if (!side.isCluster) return [{ client: side.masters[0], keys, index: keys.map((_k, i) => i) }];
  const cluster = side.writer as Cluster;
  const clients = new Map(side.masters.map((m) => [`${m.options.host}:${m.options.port}`, m]));
  const groups = new Map<string, { client: Redis; keys: Buffer[]; index: number[] }>();
  keys.forEach((k, i) => {
    const owner = cluster.slots[calculateSlot(k)]?.[0] ?? '';
    const client = clients.get(owner) ?? side.masters[0];
    const g = groups.get(owner) ?? { client, keys: [], index: [] };
    g.keys.push(k);
    g.index.push(i);
    groups.set(owner, g);
  });
  return [...groups.values()];
}
