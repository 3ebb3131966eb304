// One side of a replication, source or target: standalone or Redis Cluster, detected from the entry point.
// A source may be read from replicas (--read-from replica): one replica of each master does the SCANs and reads.
import type { Cluster, Redis } from 'ioredis';
import { describeEndpoint, InputError, nodeId, type Endpoint } from '../../options/endpoint.js';
import { makeClient, makeClusterClient, makeTunedClient, respLogin, type ConnectOptions } from '../redis/connect.js';
import { expiryCaps, type ExpiryCaps } from './expiry.js';
import { RespConnection, type RespOptions } from '../redis/resp.js';
import { addressOf } from '../redis/resp-pool.js';
import { parseInfo } from '../topology/parse-info.js';
import { calculateSlot } from '../redis/slot.js';

export type ReadFrom = 'master' | 'replica';

export interface Side {
  /** how the operator named it, redacted */
  label: string;
  isCluster: boolean;
  /** one client per master */
  masters: Redis[];
  /**
   * where keys are scanned and read, one per master in the same order: the master itself, or (--read-from replica)
   * one of its replicas
   */
  readers: Redis[];
  /** where writes go: the server itself, or a Cluster client that routes by slot */
  writer: Redis | Cluster;
  /** run_ids of the masters, to refuse copying a deployment onto itself */
  runIds: string[];
  /**
   * master_replid of each master (of the entry node, standalone): a replica carries its master's, so two sides
   * sharing one are one replication chain, the same deployment
   */
  replIds: string[];
  /** redis_version of the entry node (of the first master, on a cluster) */
  version?: string;
  /** how expiry times are read from / written to it (PEXPIRETIME, RESTORE … ABSTTL, SET … PXAT) */
  expiry: ExpiryCaps;
  /** a standalone server that is a replica (a target must not be one) */
  replicaOf?: string;
  /** the database this side works on (always 0 on a cluster) */
  db: number;
  /** how to log in to any of its servers over a bare RESP connection */
  auth: Omit<RespOptions, 'host' | 'port'>;
  /** bare connections must send READONLY first: cluster replicas answer reads only after it */
  readOnly?: boolean;
  /**
   * the command timeout it was opened with (replicate's --timeout): a bulk command with no reply this long fails,
   * and a node unreachable this long ends a snapshot or compare (side-health.ts)
   */
  timeoutMs?: number;
  /** the same deployment opened again on another database (standalone only) */
  reopen(db: number): Promise<Side>;
  close(): void;
}

async function infoOf(client: Redis): Promise<ReturnType<typeof parseInfo>> {
  return parseInfo(await client.info());
}

/** A reply from the server (not a network failure) that no retry will change. */
function isReply(err: unknown): boolean {
  return !(err as NodeJS.ErrnoException)?.code && !/closed|ETIMEDOUT|ECONNRESET|socket/i.test(String((err as Error)?.message));
}

/**
 * Logs in over a bare connection before ioredis does, and selects the database: a wrong password, a password a
 * server does not need (ioredis would only warn and go on), or a database the server does not have is one line
 * before anything is read or written. Network failures are left to the ioredis connection that follows.
 */
async function probe(ep: Endpoint, conn: ConnectOptions, label: string): Promise<void> {
  if (!ep.password && !ep.db) return;
  let c: RespConnection | undefined;
  try {
    c = await RespConnection.open({ host: ep.host, port: ep.port, ...respLogin(ep, conn) });
  } catch (err) {
    // the server's own refusal (WRONGPASS, no password set …), described by the caller as any connect error is
    if (isReply(err)) throw err;
    return;
  }
  try {
    if (!ep.db) return;
    const p = c.pipeline();
    p.call('SELECT', [ep.db]);
    p.call('CONFIG', ['GET', 'databases']);
    const [[err], [, dbs]] = await p.exec();
    if (!err) return;
    if (/cluster mode/i.test(err.message)) throw new InputError(`${label} is a cluster: it has database 0 only; drop --source-db/--target-db (and a URI's /N)`);
    const n = Array.isArray(dbs) && Buffer.isBuffer(dbs[1]) ? Number(dbs[1].toString()) : undefined;
    if (/out of range|invalid DB index/i.test(err.message)) {
      throw new InputError(`database ${ep.db} does not exist on ${label}${n ? ` (it has ${n}: 0 to ${n - 1}, its 'databases' setting)` : ` (see its 'databases' setting)`}: check --source-db/--target-db or the URI's /N`);
    }
    throw new InputError(`${label}: SELECT ${ep.db} refused (${err.message}): check --source-db/--target-db or the URI's /N`);
  } catch (err) {
    if (err instanceof InputError) throw err;
    // CONFIG refused or a network failure: the ioredis connection that follows says what it finds
  } finally {
    c.close();
  }
}

/** Connects to a side; the entry node's INFO says whether it is a cluster. */
export async function openSide(ep: Endpoint, conn: ConnectOptions, label: string, name: string, readFrom: ReadFrom = 'master'): Promise<Side> {
  await probe(ep, conn, label);
  const entry = makeClient(ep, conn, { name, reconnect: true });
  // the server's own words (WRONGPASS, NOAUTH …) come as an 'error' event; connect() only says the connection closed
  let first: Error | undefined;
  const keep = (e: Error) => void (first ??= e);
  entry.on('error', keep);
  try {
    await entry.connect();
  } catch (err) {
    entry.disconnect();
    throw first && !/closed/i.test(first.message) ? first : err;
  } finally {
    entry.off('error', keep);
  }
  const info = await infoOf(entry).catch((err: Error) => {
    entry.disconnect();
    // a user without INFO (e.g. only +@read): cutover cannot tell a cluster from a server, or a replica from a master
    if (/^NOPERM/.test(err.message)) {
      throw new InputError(`${label}: user '${ep.username ?? 'default'}' may not run INFO, which cutover needs to see what the server is: grant it (ACL SETUSER ${ep.username ?? 'default'} +info) or connect as another user`);
    }
    throw err;
  });
  const reopen = (db: number) => openSide({ ...ep, db }, conn, describeEndpoint({ ...ep, db }), name, readFrom);
  if (!info.server.clusterEnabled) {
    const repl = info.replication;
    let reader = entry;
    if (readFrom === 'replica' && repl?.role !== 'replica') {
      // a master: read from its first replica that is online
      const online = (repl?.replicas ?? []).find((r) => r.state === 'online');
      if (!online) {
        entry.disconnect();
        throw new InputError(`--read-from replica: ${label} has no online replica to read from (INFO replication lists ${repl?.replicas.length ?? 0}): name one, or read from the master`);
      }
      reader = makeClient({ ...ep, host: online.host, port: online.port }, conn, { name, reconnect: true });
      try {
        await reader.connect();
      } catch (err) {
        entry.disconnect();
        reader.disconnect();
        throw new Error(`--read-from replica: its replica ${nodeId(online.host, online.port)} does not answer: ${(err as Error).message}`);
      }
    }
    return {
      label,
      isCluster: false,
      masters: [entry],
      readers: [reader],
      writer: entry,
      runIds: info.server.runId ? [info.server.runId] : [],
      replIds: repl?.masterReplId ? [repl.masterReplId] : [],
      version: info.server.redisVersion,
      expiry: expiryCaps(info.server.redisVersion),
      replicaOf: repl?.role === 'replica' && repl.masterHost && repl.masterPort ? nodeId(repl.masterHost, repl.masterPort) : undefined,
      db: ep.db,
      auth: { ...respLogin(ep, conn), db: ep.db },
      timeoutMs: conn.commandTimeoutMs,
      reopen,
      close: () => {
        entry.disconnect();
        if (reader !== entry) reader.disconnect();
      },
    };
  }
  entry.disconnect();
  const cluster = makeClusterClient(ep, conn, name, { enableReadyCheck: true, slotsRefreshTimeout: conn.connectTimeoutMs });
  const own: Redis[] = [];
  try {
    await cluster.ping();
    const masters = cluster.nodes('master');
    for (const m of masters) m.on('error', () => undefined);
    const infos = await Promise.all(masters.map((m) => infoOf(m)));
    const runIds = infos.map((i) => i.server.runId).filter((x): x is string => !!x);
    const replIds = infos.map((i) => i.replication?.masterReplId).filter((x): x is string => !!x);
    const connect = (host: string, port: number) => makeTunedClient({ ...ep, host, port }, conn, name, { readOnly: true, lazyConnect: true, maxRetriesPerRequest: 1 });
    const readers = readFrom === 'replica' ? await clusterReplicas(cluster, masters, label, connect, own) : masters;
    const auth = respLogin(ep, conn);
    return {
      label,
      isCluster: true,
      masters,
      readers,
      writer: cluster,
      runIds,
      replIds,
      version: infos[0]?.server.redisVersion,
      // the oldest master decides what every one of them is sent
      expiry: infos.map((i) => expiryCaps(i.server.redisVersion)).reduce((a, b) => ({ expireTime: a.expireTime && b.expireTime, absTtl: a.absTtl && b.absTtl, pxAt: a.pxAt && b.pxAt }), expiryCaps(infos[0]?.server.redisVersion)),
      db: 0,
      auth,
      readOnly: readFrom === 'replica',
      timeoutMs: conn.commandTimeoutMs,
      reopen: () => Promise.reject(new InputError(`${label} is a cluster: it has database 0 only`)),
      close: () => {
        cluster.disconnect();
        for (const r of own) r.disconnect();
      },
    };
  } catch (err) {
    cluster.disconnect();
    for (const r of own) r.disconnect();
    throw err;
  }
}

/**
 * One replica of each master. First those the Cluster client knows (cluster.nodes('slave'): ioredis sends them
 * READONLY), paired to their masters by the replica's INFO replication (master_host:master_port, link up). A
 * master left without one (a replica the entry node has not heard of yet, just after a cluster is made) gets the
 * first online replica its own INFO replication lists, over a client of ours with READONLY.
 */
async function clusterReplicas(cluster: Cluster, masters: Redis[], label: string, connect: (host: string, port: number) => Redis, own: Redis[]): Promise<Redis[]> {
  const replicas = cluster.nodes('slave');
  const masterOf = new Map<Redis, string>();
  await Promise.all(
    replicas.map(async (r) => {
      r.on('error', () => undefined);
      const repl = (await infoOf(r).catch(() => undefined))?.replication;
      if (repl?.role === 'replica' && repl.linkStatus === 'up' && repl.masterHost && repl.masterPort) masterOf.set(r, nodeId(repl.masterHost, repl.masterPort));
    }),
  );
  return Promise.all(
    masters.map(async (m) => {
      const at = nodeId(String(m.options.host), Number(m.options.port));
      const known = replicas.find((r) => masterOf.get(r) === at);
      if (known) return known;
      const online = (await infoOf(m)).replication?.replicas.find((r) => r.state === 'online');
      if (!online) throw new InputError(`--read-from replica: master ${at} of ${label} has no online replica to read from`);
      const replica = connect(online.host, online.port);
      own.push(replica);
      await replica.connect();
      return replica;
    }),
  );
}

/** Keys over every master of a side (counted where they are read). */
export async function keyCount(side: Side): Promise<number> {
  const sizes = await Promise.all(side.readers.map((m) => m.dbsize()));
  return sizes.reduce((a, b) => a + b, 0);
}

/** Databases that hold keys, from INFO keyspace: db number → keys. */
export async function keyspace(side: Side): Promise<Map<number, number>> {
  const info = await infoOf(side.readers[0]);
  const out = new Map<number, number>();
  for (const [db, v] of Object.entries(info.server.keyspace ?? {})) if (v.keys > 0) out.set(Number(db), v.keys);
  return out;
}

/** Groups keys by the master that holds them, with the client that reads there (the master or its replica). */
export function byOwner(side: Side, keys: Buffer[]): Array<{ client: Redis; keys: Buffer[]; index: number[] }> {
  if (!side.isCluster) return [{ client: side.readers[0], keys, index: keys.map((_k, i) => i) }];
  const cluster = side.writer as Cluster;
  const clients = new Map(side.masters.map((m, i) => [addressOf(m), side.readers[i]]));
  const groups = new Map<string, { client: Redis; keys: Buffer[]; index: number[] }>();
  keys.forEach((k, i) => {
    const owner = cluster.slots[calculateSlot(k)]?.[0] ?? '';
    const client = clients.get(owner) ?? side.readers[0];
    const g = groups.get(owner) ?? { client, keys: [], index: [] };
    g.keys.push(k);
    g.index.push(i);
    groups.set(owner, g);
  });
  return [...groups.values()];
}
