// Finds the deployment around the nodes the operator named (bounded polls, probe-all.ts), then reads
// the few facts a failover decides on, fresh and at the same moment: offsets and lag, min-replicas,
// the Sentinels' quorum and their view of the replicas, Sentinel connections a replica has. Reads only.
import { nodeId, type Endpoint } from '../../options/endpoint.js';
import type { ConnectOptions } from '../redis/connect.js';
import type { Credentials } from '../../options/credentials.js';
import { pairsToRecord, parseSentinelMasters, parseSentinelPeers } from '../topology/parse-sentinel.js';
import type { SentinelReplicaView } from './candidates.js';
import { buildDeployment, type FoDeployment } from './model.js';
import type { NodePool } from './pool.js';
import { readAuth, type NodeAuth } from './auth.js';
import type { NodeId } from './types.js';
import { probeAll } from './probe-all.js';

export interface DeploymentTarget {
  /** --uri (one or more) */
  entries: Endpoint[];
  /** --to */
  to?: Endpoint;
  /** --sentinel */
  sentinels: Endpoint[];
  masterName?: string;
  conn: ConnectOptions;
  dataAuth: Credentials;
  sentinelAuth: Credentials;
  labels?: Record<string, string>;
  /** the longest one node may take to answer during discovery (1 s) */
  probeBoundMs?: number;
}

/** Discovery: each node polled once, bounded (a hung master costs one second, not one per round). */
export async function discoverDeployment(t: DeploymentTarget): Promise<FoDeployment> {
  const states = await probeAll({
    entries: [...t.entries, ...(t.to ? [t.to] : []), ...t.sentinels],
    conn: t.conn,
    masterName: t.masterName,
    dataAuth: t.dataAuth,
    sentinelAuth: t.sentinelAuth,
    labels: t.labels,
    boundMs: t.probeBoundMs,
  });
  return buildDeployment(states, {
    entries: t.entries.map((e) => nodeId(e.host, e.port)),
    to: t.to ? nodeId(t.to.host, t.to.port) : undefined,
    masterName: t.masterName,
  });
}

/** Registers every node of the deployment in the pool: data nodes with the data credentials, Sentinels with theirs. */
export function registerNodes(pool: NodePool, d: FoDeployment, t: DeploymentTarget): void {
  const tls = t.entries[0]?.tls ?? false;
  for (const e of [...t.entries, ...(t.to ? [t.to] : [])]) pool.add(e);
  for (const s of t.sentinels) pool.add(s);
  for (const n of d.nodes) pool.add({ host: n.host, port: n.port, tls, db: 0, username: t.dataAuth.username, password: t.dataAuth.password });
  for (const s of d.sentinels) pool.add({ host: s.host, port: s.port, tls, db: 0, username: t.sentinelAuth.username, password: t.sentinelAuth.password });
}

export interface LiveFacts {
  /** the master's offset, read with the replicas' (planned) */
  masterOffset?: number;
  /** bytes each replica is behind the master */
  lags: Record<NodeId, number | undefined>;
  /** offsets as read now (unplanned: the record of step 1) */
  offsets: Record<NodeId, number | undefined>;
  /** cutover's own replication streams on the master (replica entries with port 0) */
  streams: number;
  /** min-replicas-to-write / max-lag per node that answered CONFIG GET */
  minReplicas: Record<NodeId, { toWrite: number; maxLag: number } | undefined>;
  /** INFO replication's min_slaves_good_slaves on the master, when set */
  goodReplicas?: number;
  /** SENTINEL CKQUORUM's answer */
  quorum?: { ok: boolean; text: string };
  /** what the first Sentinel that answered says of the replicas, and of the master */
  sentinelReplicas?: SentinelReplicaView[];
  sentinelFailoverState?: string;
  sentinelMasterFlags?: string[];
  /** Sentinel connections seen on the replicas (Sentinels watch this deployment) */
  sentinelClients: number;
  /** the Redis version of the master (or of the candidate when the master is down) */
  masterVersion?: string;
  /** a node's INFO failed: why */
  errors: Record<NodeId, string>;
  /** requirepass / masterauth / masteruser of each data node that answered CONFIG GET */
  auth: Record<NodeId, NodeAuth | undefined>;
}

async function minReplicasOf(pool: NodePool, id: NodeId): Promise<{ toWrite: number; maxLag: number } | undefined> {
  try {
    const reply = (await pool.call(id, ['CONFIG', 'GET', 'min-replicas-*'])) as string[];
    const rec: Record<string, string> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) rec[String(reply[i])] = String(reply[i + 1]);
    return { toWrite: Number(rec['min-replicas-to-write'] ?? 0), maxLag: Number(rec['min-replicas-max-lag'] ?? 10) };
  } catch {
    return undefined; // CONFIG may be renamed or not allowed to this user
  }
}

/** Fresh facts, read in parallel. */
export async function readLiveFacts(pool: NodePool, d: FoDeployment, opts: { masterName?: string }): Promise<LiveFacts> {
  const facts: LiveFacts = { lags: {}, offsets: {}, minReplicas: {}, streams: 0, sentinelClients: 0, errors: {}, auth: {} };
  const master = d.master;
  const replicaIds = d.replicas.filter((r) => r.up).map((r) => r.id);
  const [masterInfo, ...replicaInfos] = await Promise.all([
    master?.up ? pool.info(master.id, 'replication').catch((e: Error) => ((facts.errors[master.id] = e.message), undefined)) : Promise.resolve(undefined),
    ...replicaIds.map((id) => pool.info(id, 'replication').catch((e: Error) => ((facts.errors[id] = e.message), undefined))),
  ]);
  if (masterInfo?.replication) {
    facts.masterOffset = masterInfo.replication.masterReplOffset;
    facts.streams = masterInfo.replication.replicas.filter((r) => r.port === 0).length;
    const good = Number(masterInfo.sections.replication?.min_slaves_good_slaves ?? NaN);
    if (Number.isFinite(good)) facts.goodReplicas = good;
  }
  replicaIds.forEach((id, i) => {
    const r = replicaInfos[i]?.replication;
    const offset = r ? (r.replicaOffset ?? r.masterReplOffset) : undefined;
    facts.offsets[id] = offset;
    // a replica whose link is down is not "0 B behind": how far behind it is cannot be known
    if (offset !== undefined && facts.masterOffset !== undefined && r?.linkStatus === 'up') facts.lags[id] = Math.max(0, facts.masterOffset - offset);
  });
  const versionFrom = master?.up ? master.id : replicaIds[0];
  const [version] = await Promise.all([
    versionFrom ? pool.info(versionFrom, 'server').then((i) => i.server.redisVersion).catch(() => undefined) : Promise.resolve(undefined),
    ...[...replicaIds, ...(master?.up ? [master.id] : [])].map(async (id) => void (facts.minReplicas[id] = await minReplicasOf(pool, id))),
    ...(d.kind === 'cluster' ? [] : [...replicaIds, ...(master?.up ? [master.id] : [])].map(async (id) => void (facts.auth[id] = await readAuth(pool, id)))),
  ]);
  facts.masterVersion = version;

  if (d.kind === 'sentinel' && opts.masterName) {
    for (const s of d.sentinels.filter((x) => x.up)) {
      try {
        const [ck, replicas, master] = await Promise.all([
          pool.call(s.id, ['SENTINEL', 'CKQUORUM', opts.masterName]).then(
            (r) => ({ ok: true, text: String(r) }),
            (e: Error) => ({ ok: false, text: e.message }),
          ),
          pool.call(s.id, ['SENTINEL', 'REPLICAS', opts.masterName]),
          pool.call(s.id, ['SENTINEL', 'MASTER', opts.masterName]),
        ]);
        facts.quorum = ck;
        const refresh = new Map(
          (Array.isArray(replicas) ? replicas : []).map((r) => {
            const rec = pairsToRecord(Array.isArray(r) ? r : []);
            return [`${rec.ip}:${rec.port}`, Number(rec['info-refresh'])] as const;
          }),
        );
        facts.sentinelReplicas = parseSentinelPeers(replicas).map((p) => {
          const ms = refresh.get(`${p.host}:${p.port}`);
          return Number.isFinite(ms) ? { ...p, infoRefreshMs: ms } : p;
        });
        const view = parseSentinelMasters(master)[0];
        facts.sentinelFailoverState = view?.failoverState;
        facts.sentinelMasterFlags = view?.flags;
        break;
      } catch (err) {
        facts.errors[s.id] = String((err as Error).message);
      }
    }
    // a failover under way is known to its leader only, at first: ask every Sentinel
    if (!facts.sentinelFailoverState || facts.sentinelFailoverState === 'none') {
      const states = await Promise.all(
        d.sentinels.filter((x) => x.up).map((s) => pool.call(s.id, ['SENTINEL', 'MASTER', opts.masterName!]).then((r) => parseSentinelMasters(r)[0]?.failoverState, () => undefined)),
      );
      facts.sentinelFailoverState = states.find((x) => x && x !== 'none') ?? facts.sentinelFailoverState;
    }
  }
  if (d.kind === 'replication') {
    // Sentinels keep named connections to every replica they watch: a master that is down hides them from discovery
    const lists = await Promise.all(replicaIds.map((id) => pool.call(id, ['CLIENT', 'LIST']).catch(() => '')));
    facts.sentinelClients = Math.max(0, ...lists.map((l) => new Set([...String(l).matchAll(/name=sentinel-([0-9a-f]+)-/g)].map((m) => m[1])).size));
  }
  return facts;
}
