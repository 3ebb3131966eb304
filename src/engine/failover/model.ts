// The deployment as a failover sees it, from the topology engine's NodeState[]: which node is the master
// to fail over, its direct replicas (the candidates), the Sentinels watching it, the cluster shard. Pure.
// cutover's own replication streams (a replica entry with port 0) are never nodes here.
import type { NodeId, NodeState } from '../topology/types.js';

export interface FoNode {
  id: NodeId;
  host: string;
  port: number;
  label?: string;
  up: boolean;
  error?: string;
  /** it answers, but refuses the credentials given (WRONGPASS, NOAUTH): not down, not hung */
  authFailed?: boolean;
  role: 'master' | 'replica' | 'sentinel' | 'unknown';
  masterId?: NodeId;
  link?: 'up' | 'down';
  offset?: number;
  syncing?: boolean;
  /** replica-priority (0: never promote) */
  priority?: number;
  version?: string;
  runId?: string;
  /** seconds since the replica last heard from its master; while the link is down, since when it is */
  lastIoSeconds?: number;
  linkDownSeconds?: number;
  /** cluster: this node's id, its master's id, its slot ranges, what the cluster says of it */
  cluster?: { id: string; masterId?: string; slots: Array<[number, number]>; state?: string; failing?: 'fail' | 'pfail' | null };
}

export type FoKind = 'replication' | 'sentinel' | 'cluster';

export interface FoDeployment {
  kind: FoKind;
  /** every data node found (not Sentinels) */
  nodes: FoNode[];
  sentinels: FoNode[];
  /** the Sentinels' name for the master */
  masterName?: string;
  /** the master to fail over */
  master?: FoNode;
  /** its direct replicas */
  replicas: FoNode[];
  /** why no master could be settled on */
  problem?: string;
}

function toFoNode(n: NodeState): FoNode {
  const r = n.replication;
  const self = n.cluster?.self;
  return {
    id: n.id,
    host: n.host,
    port: n.port,
    ...(n.label ? { label: n.label } : {}),
    up: n.status === 'up',
    ...(n.lastError ? { error: n.lastError } : {}),
    ...(n.authFailed ? { authFailed: true } : {}),
    role: n.role,
    ...(n.masterId ? { masterId: n.masterId } : {}),
    ...(n.linkStatus ? { link: n.linkStatus } : {}),
    ...(n.offset !== undefined ? { offset: n.offset } : {}),
    ...(n.syncInProgress ? { syncing: true } : {}),
    ...(r?.replicaPriority !== undefined ? { priority: r.replicaPriority } : {}),
    ...(n.server?.redisVersion ? { version: n.server.redisVersion } : {}),
    ...(n.server?.runId ? { runId: n.server.runId } : {}),
    ...(r?.lastIoSecondsAgo !== undefined ? { lastIoSeconds: r.lastIoSecondsAgo } : {}),
    ...(r?.linkDownSinceSeconds !== undefined ? { linkDownSeconds: r.linkDownSinceSeconds } : {}),
    ...(self ? { cluster: { id: self.id, masterId: self.masterId, slots: self.slots, state: n.cluster?.state, failing: n.cluster?.peerFailing ?? null } } : {}),
  };
}

export interface ModelOptions {
  /** the nodes the operator named with --uri, in order */
  entries: NodeId[];
  /** --to */
  to?: NodeId;
  /** --master-name */
  masterName?: string;
}

/** Follows replica → master links up from a node; stops at a master, a node not found, or a loop. */
function topOf(start: FoNode, byId: Map<NodeId, FoNode>): FoNode | undefined {
  let at: FoNode | undefined = start;
  const seen = new Set<NodeId>();
  while (at && at.role === 'replica' && at.masterId && !seen.has(at.id)) {
    seen.add(at.id);
    at = byId.get(at.masterId) ?? { id: at.masterId, host: at.masterId.replace(/:\d+$/, ''), port: Number(at.masterId.split(':').pop()), up: false, role: 'unknown' };
  }
  return at;
}

export function buildDeployment(states: NodeState[], opts: ModelOptions): FoDeployment {
  const all = states.filter((n) => n.port > 0).map(toFoNode);
  const sentinels = all.filter((n) => n.role === 'sentinel');
  const nodes = all.filter((n) => n.role !== 'sentinel');
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const isCluster = nodes.some((n) => n.cluster);
  const kind: FoKind = isCluster ? 'cluster' : sentinels.length ? 'sentinel' : 'replication';
  const base = { kind, nodes, sentinels } as const;

  if (isCluster) return { ...base, ...clusterShard(nodes, opts) };

  let master: FoNode | undefined;
  let masterName = opts.masterName;
  // Sentinels that disagree (some have not heard of a failover yet): first a view naming a node that answers as
  // a master, then the newest config epoch
  const answersAsMaster = (m: { host: string; port: number }) => Number(byId.get(`${m.host}:${m.port}`)?.up === true && byId.get(`${m.host}:${m.port}`)?.role === 'master');
  const views = states
    .filter((s) => s.role === 'sentinel' && s.status === 'up')
    .flatMap((s) => s.sentinel?.masters ?? [])
    .sort((a, b) => answersAsMaster(b) - answersAsMaster(a) || (b.configEpoch ?? 0) - (a.configEpoch ?? 0));
  if (sentinels.length && views.length) {
    const named = masterName ? views.find((m) => m.name === masterName) : undefined;
    const entryTops = opts.entries.map((e) => byId.get(e)).flatMap((n) => (n ? [topOf(n, byId)] : [])).filter(Boolean) as FoNode[];
    const chosen = named ?? views.find((m) => entryTops.some((t) => t.id === `${m.host}:${m.port}`)) ?? (new Set(views.map((v) => v.name)).size === 1 ? views[0] : undefined);
    if (chosen) {
      masterName = chosen.name;
      const id = `${chosen.host}:${chosen.port}`;
      master = byId.get(id) ?? { id, host: chosen.host, port: chosen.port, up: false, role: 'unknown' };
    }
  }
  if (!master && opts.to) {
    const to = byId.get(opts.to);
    if (to?.role === 'replica' && to.masterId) master = byId.get(to.masterId) ?? topOf(to, byId);
  }
  if (!master) {
    const entry = opts.entries.map((e) => byId.get(e)).find((n) => n && (n.up || n.role !== 'unknown'));
    master = entry ? topOf(entry, byId) : undefined;
  }
  if (!master) return { ...base, masterName, replicas: [], problem: 'no master found from the nodes given: name a node of the deployment with --uri' };
  const replicas = nodes.filter((n) => n.role === 'replica' && n.masterId === master!.id);
  // only the master's own tree: Sentinels watching other masters name their nodes too
  const tree = nodes.filter((n) => n.id === master!.id || topOf(n, byId)?.id === master!.id);
  return { ...base, nodes: tree, masterName, master: byId.get(master.id) ?? master, replicas };
}

/** A cluster: the shard of --to, or of the --uri node (its master if it is a replica), or the one failing master. */
function clusterShard(nodes: FoNode[], opts: ModelOptions): Pick<FoDeployment, 'master' | 'replicas' | 'problem'> {
  const byClusterId = new Map(nodes.flatMap((n) => (n.cluster ? [[n.cluster.id, n] as const] : [])));
  const masterOf = (n: FoNode): FoNode | undefined => {
    if (n.role === 'replica' || n.cluster?.masterId) {
      // a master that is down from the start has no cluster id of its own: its address, from INFO, still holds
      return (n.cluster?.masterId ? byClusterId.get(n.cluster.masterId) : undefined) ?? nodes.find((m) => m.id === n.masterId);
    }
    return n.role === 'master' || n.cluster?.slots.length ? n : undefined;
  };
  let master: FoNode | undefined;
  const to = opts.to ? nodes.find((n) => n.id === opts.to) : undefined;
  if (to) master = masterOf(to);
  if (!master) {
    const failing = (n: FoNode) => !n.up || n.cluster?.failing === 'fail';
    const masters = new Set<FoNode>(nodes.filter((n) => n.role === 'master' && n.cluster?.slots.length));
    for (const r of nodes) {
      const m = r.role === 'replica' ? masterOf(r) : undefined;
      if (m) masters.add(m);
    }
    const downMasters = [...masters].filter(failing);
    const entry = opts.entries.map((e) => nodes.find((n) => n.id === e)).find((n) => n?.up);
    if (downMasters.length === 1) master = downMasters[0];
    else if (entry) master = masterOf(entry);
  }
  if (!master) return { replicas: [], problem: 'cannot tell which shard to fail over: name its replica with --to host:port' };
  const id = master.cluster?.id;
  const replicas = nodes.filter((n) => n !== master && ((!!id && n.cluster?.masterId === id) || (n.role === 'replica' && n.masterId === master!.id)));
  return { master, replicas };
}
