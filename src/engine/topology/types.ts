// Shapes of what the topology engine learns about a deployment. Plain data: no ioredis, no React.

/** What a node is, as far as cutover can tell. */
export type Role = 'master' | 'replica' | 'sentinel' | 'unknown';

/** `host:port`, the key of a node everywhere in the engine and the store. */
export type NodeId = string;

/** One replica as its master reports it in INFO replication (`slaveN:` lines). */
export interface ReplicaEntry {
  host: string;
  port: number;
  /** online, wait_bgsave, send_bulk, … as Redis says it. */
  state: string;
  offset: number;
  /** Seconds since the replica's last REPLCONF ACK. */
  lag: number;
}

/** INFO replication, parsed. Both the modern and the older `slave` wordings land here. */
export interface ReplicationInfo {
  role: 'master' | 'replica';
  connectedReplicas: number;
  replicas: ReplicaEntry[];
  masterReplId?: string;
  masterReplOffset: number;
  /** replica only */
  masterHost?: string;
  masterPort?: number;
  linkStatus?: 'up' | 'down';
  lastIoSecondsAgo?: number;
  syncInProgress?: boolean;
  replicaOffset?: number;
  replicaPriority?: number;
  replicaReadOnly?: boolean;
  /** seconds the link has been down (only while down) */
  linkDownSinceSeconds?: number;
}

/** The few facts from INFO's other sections that the console shows. */
export interface ServerFacts {
  redisVersion?: string;
  redisMode?: 'standalone' | 'cluster' | 'sentinel';
  runId?: string;
  uptimeSeconds?: number;
  tcpPort?: number;
  connectedClients?: number;
  usedMemory?: number;
  usedMemoryHuman?: string;
  maxmemory?: number;
  clusterEnabled?: boolean;
  /** total keys over every database in INFO keyspace */
  keys?: number;
  /** per database: db index → key count */
  keyspace?: Record<number, { keys: number; expires: number }>;
  rdbBgsaveInProgress?: boolean;
  loading?: boolean;
  /** full syncs this node has served as a master (INFO stats) */
  syncFull?: number;
}

/** One line of CLUSTER NODES. */
export interface ClusterNodeEntry {
  id: string;
  host: string;
  port: number;
  busPort?: number;
  hostname?: string;
  flags: string[];
  myself: boolean;
  role: 'master' | 'replica' | 'unknown';
  /** node id of its master, for a replica */
  masterId?: string;
  pingSent: number;
  pongRecv: number;
  configEpoch: number;
  linkState: 'connected' | 'disconnected';
  /** fail or pfail seen in the flags */
  failing: 'fail' | 'pfail' | null;
  /** inclusive ranges */
  slots: Array<[number, number]>;
  /** importing / migrating markers, kept as text */
  slotMigrations: string[];
}

/** A master as one Sentinel sees it (SENTINEL MASTERS / SENTINEL MASTER name). */
export interface SentinelMasterView {
  name: string;
  host: string;
  port: number;
  flags: string[];
  quorum: number;
  numReplicas: number;
  numOtherSentinels: number;
  failoverTimeout?: number;
  downAfterMs?: number;
  configEpoch?: number;
  /** failover state, when a failover is under way */
  failoverState?: string;
}

/** A replica or a sentinel as one Sentinel sees it (SENTINEL REPLICAS / SENTINEL SENTINELS). */
export interface SentinelPeerView {
  name: string;
  host: string;
  port: number;
  runId?: string;
  flags: string[];
  /** replicas only */
  masterLinkStatus?: string;
  replicaPriority?: number;
  replOffset?: number;
  lastOkPingReplyMs?: number;
}

/** Everything one poll learned about one node. */
export interface NodeState {
  id: NodeId;
  host: string;
  port: number;
  role: Role;
  status: 'up' | 'down' | 'pending';
  /** when the node was first seen down (ms since epoch) */
  downSince?: number;
  lastError?: string;
  /**
   * down to cutover only: the node answers, but refuses the credentials cutover gives it (WRONGPASS, NOAUTH): a
   * wrong password, or a node with a requirepass or ACL of its own. Not stopped, not hung.
   */
  authFailed?: boolean;
  lastPollAt?: number;
  pollMs?: number;
  /** for a replica: id of the node it replicates from */
  masterId?: NodeId;
  linkStatus?: 'up' | 'down';
  syncInProgress?: boolean;
  offset?: number;
  /** bytes behind its master's master_repl_offset */
  lagBytes?: number;
  /** seconds behind, estimated from the master's offset history */
  lagSeconds?: number;
  /** bytes/s of this node's replication offset */
  offsetRate?: number;
  connectedClients?: number;
  usedMemory?: number;
  keys?: number;
  server?: ServerFacts;
  replication?: ReplicationInfo;
  cluster?: {
    self?: ClusterNodeEntry;
    state?: string;
    slotsAssigned?: number;
    knownNodes?: number;
    currentEpoch?: number;
    /** what the other nodes' CLUSTER NODES say of this one: the worst flag any of them reports */
    peerFailing?: 'fail' | 'pfail' | null;
    /** how many other nodes report their link to this one disconnected */
    peersLinkDown?: number;
  };
  sentinel?: { masters: SentinelMasterView[]; /** master name → the replicas this Sentinel knows */ replicas?: Record<string, NodeId[]> };
  /** this node says it is a master, but the Sentinels' master for its deployment is another node (e.g. an old master back after a failover) */
  conflict?: string;
  /** a label given by the lab or the operator (master, r1, target, …) */
  label?: string;
  /**
   * masters: cutover live-replication streams following it (INFO replication entries on listening port 0, as
   * cutover's PSYNC client announces itself): not replicas, never failover candidates
   */
  streams?: Array<{ host: string; state: string; offset: number; lagBytes?: number }>;
}

/** A `slaveN:` entry that is cutover's own live stream (REPLCONF listening-port 0), not a replica. */
export function isCutoverStream(r: ReplicaEntry): boolean {
  return r.port === 0;
}

export interface LogEntry {
  at: number;
  level: 'info' | 'warn' | 'error';
  kind:
    | 'role-change'
    | 'link-up'
    | 'link-down'
    | 'sync-started'
    | 'sync-finished'
    | 'node-down'
    | 'node-up'
    | 'node-added'
    | 'sentinel'
    | 'cluster'
    | 'info';
  node?: NodeId;
  message: string;
}

export type DeploymentKind = 'standalone' | 'replication' | 'sentinel' | 'cluster' | 'unknown';

export interface DeploymentInfo {
  kind: DeploymentKind;
  /** what the operator pointed at, redacted */
  entry: string[];
  /** every Redis version among the data nodes, e.g. "7.0.15" or "6.2.14, 7.0.15" */
  redisVersion?: string;
  intervalMs: number;
}

/** Everything the topology engine tells its listeners. */
export type TopologyEvent =
  | { type: 'deployment'; info: DeploymentInfo }
  | { type: 'node'; node: NodeState }
  /** the node turned out to be another one under a second address (same run_id), and was merged into it */
  | { type: 'node-removed'; id: NodeId }
  | { type: 'log'; entry: LogEntry }
  | { type: 'poll'; at: number; durationMs: number };
