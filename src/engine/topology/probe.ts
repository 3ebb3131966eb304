// Polls one node over its own connection and says what it saw: the node's facts and the neighbours it names.
import type { Redis } from 'ioredis';
import { nodeId, type Endpoint } from '../../options/endpoint.js';
import { makeClient, type ConnectOptions } from '../redis/connect.js';
import { describeNodeError, isAuthError } from './describe-node-error.js';
import { parseClusterInfo, parseClusterNodes } from './parse-cluster-nodes.js';
import { parseInfo } from './parse-info.js';
import { parseSentinelMasters, parseSentinelPeers } from './parse-sentinel.js';
import { isCutoverStream, type ClusterNodeEntry, type NodeState, type SentinelMasterView } from './types.js';

/** A node another node told us about; `sentinel` when it is a Sentinel (it may have credentials of its own). */
export interface Neighbour {
  host: string;
  port: number;
  sentinel?: boolean;
  /** the master it replicates from, as the naming node says */
  replicaOf?: string;
}

export interface PollResult {
  /** the node's facts; status 'down' when it could not be polled */
  state: Omit<NodeState, 'lagBytes' | 'lagSeconds' | 'offsetRate' | 'downSince' | 'label'>;
  neighbours: Neighbour[];
  /** this node's whole CLUSTER NODES: how it sees every other node */
  clusterView?: ClusterNodeEntry[];
  /** a master that Sentinels watch (their connections show in CLIENT LIST) */
  sentinelClients?: number;
}

export const CLIENT_NAME = 'cutover-topology';

export class NodeProbe {
  readonly id: string;
  private client: Redis;
  private lastConnectError?: string;
  private clusterEnabled?: boolean;
  private sentinelChecked = false;
  private closed = false;
  /** it answered once on this connection: a closed connection later is a lost one */
  private answered = false;
  /**
   * it refused the credentials (WRONGPASS, NOAUTH): ioredis then drops the connection and reconnects, and the
   * commands fail as on a lost connection; this says why, until a poll succeeds
   */
  private authError?: string;

  constructor(
    readonly endpoint: Endpoint,
    conn: ConnectOptions,
    private readonly masterName?: string,
  ) {
    this.id = nodeId(endpoint.host, endpoint.port);
    this.client = makeClient(endpoint, conn, { name: CLIENT_NAME, reconnect: true }, (line) => (this.lastConnectError = line));
    // the same errors, described knowing whether the node answered before (a reset then is a lost connection)
    this.client.on('error', (err: Error) => {
      this.lastConnectError = describeNodeError(err, endpoint, this.answered);
      if (isAuthError(err)) this.authError = this.lastConnectError;
    });
    this.client.on('ready', () => {
      this.lastConnectError = undefined;
      this.answered = true;
    });
  }

  async poll(): Promise<PollResult> {
    const started = Date.now();
    const base = { id: this.id, host: this.endpoint.host, port: this.endpoint.port, lastPollAt: started };
    if (this.closed) return { state: { ...base, role: 'unknown', status: 'down', lastError: 'stopped' }, neighbours: [] };
    try {
      if (this.client.status === 'wait') await this.client.connect();
      const text = await this.client.info();
      const info = parseInfo(text);
      this.authError = undefined;
      if (info.server.redisMode === 'sentinel') return await this.pollSentinel(base, info.server, started);
      return await this.pollData(base, info, started);
    } catch (err) {
      if (isAuthError(err)) this.authError = describeNodeError(err, this.endpoint, this.answered);
      const described = describeNodeError(err, this.endpoint, this.answered);
      const error = this.authError ?? (this.client.status === 'ready' ? described : (this.lastConnectError ?? described));
      const state: PollResult['state'] = { ...base, role: 'unknown', status: 'down', lastError: error, pollMs: Date.now() - started };
      if (this.authError) state.authFailed = true;
      return { state, neighbours: [] };
    }
  }

  private async pollData(base: Pick<NodeState, 'id' | 'host' | 'port' | 'lastPollAt'>, info: ReturnType<typeof parseInfo>, started: number): Promise<PollResult> {
    const repl = info.replication;
    const neighbours: Neighbour[] = [];
    const state: PollResult['state'] = {
      ...base,
      status: 'up',
      role: repl?.role ?? 'unknown',
      server: info.server,
      replication: repl,
      connectedClients: info.server.connectedClients,
      usedMemory: info.server.usedMemory,
      keys: info.server.keys,
    };
    if (repl?.role === 'replica' && repl.masterHost && repl.masterPort) {
      state.masterId = nodeId(repl.masterHost, repl.masterPort);
      state.linkStatus = repl.linkStatus;
      state.syncInProgress = repl.syncInProgress;
      state.offset = repl.replicaOffset ?? repl.masterReplOffset;
      neighbours.push({ host: repl.masterHost, port: repl.masterPort });
    } else if (repl) {
      state.offset = repl.masterReplOffset;
    }
    for (const r of repl?.replicas ?? []) if (!isCutoverStream(r)) neighbours.push({ host: r.host, port: r.port, replicaOf: this.id });
    const streams = (repl?.replicas ?? []).filter(isCutoverStream);
    if (streams.length) state.streams = streams.map((r) => ({ host: r.host, state: r.state, offset: r.offset, lagBytes: Math.max(0, (repl?.masterReplOffset ?? r.offset) - r.offset) }));

    this.clusterEnabled = info.server.clusterEnabled ?? this.clusterEnabled;
    let sentinelClients: number | undefined;
    let clusterView: ClusterNodeEntry[] | undefined;
    if (this.clusterEnabled) {
      const [nodesText, infoText] = (await Promise.all([this.client.call('CLUSTER', 'NODES'), this.client.call('CLUSTER', 'INFO')])) as [string, string];
      const entries = (clusterView = parseClusterNodes(nodesText));
      const cinfo = parseClusterInfo(infoText);
      const self = entries.find((e) => e.myself);
      state.cluster = {
        self,
        state: cinfo.cluster_state,
        slotsAssigned: Number(cinfo.cluster_slots_assigned ?? 0),
        knownNodes: Number(cinfo.cluster_known_nodes ?? 0),
        currentEpoch: Number(cinfo.cluster_current_epoch ?? 0),
      };
      for (const e of entries) if (!e.myself && e.port > 0 && !e.flags.includes('noaddr')) neighbours.push({ host: e.host, port: e.port });
    } else if (state.role === 'master' && !this.sentinelChecked) {
      // Sentinels keep named connections to the masters they watch; finding them says whether to listen for their hellos.
      this.sentinelChecked = true;
      const list = String(await this.client.call('CLIENT', 'LIST').catch(() => ''));
      const ids = new Set([...list.matchAll(/name=sentinel-([0-9a-f]+)-/g)].map((m) => m[1]));
      sentinelClients = ids.size;
    }
    state.pollMs = Date.now() - started;
    return { state, neighbours, sentinelClients, clusterView };
  }

  private async pollSentinel(base: Pick<NodeState, 'id' | 'host' | 'port' | 'lastPollAt'>, server: NodeState['server'], started: number): Promise<PollResult> {
    const neighbours: Neighbour[] = [];
    let masters: SentinelMasterView[] = parseSentinelMasters(await this.client.call('SENTINEL', 'MASTERS'));
    if (this.masterName) masters = masters.filter((m) => m.name === this.masterName);
    const replicasOf: Record<string, string[]> = {};
    await Promise.all(
      masters.map(async (m) => {
        neighbours.push({ host: m.host, port: m.port });
        const [replicas, sentinels] = await Promise.all([
          this.client.call('SENTINEL', 'REPLICAS', m.name).catch(() => this.client.call('SENTINEL', 'SLAVES', m.name)),
          this.client.call('SENTINEL', 'SENTINELS', m.name),
        ]);
        const peers = parseSentinelPeers(replicas);
        replicasOf[m.name] = peers.map((r) => nodeId(r.host, r.port));
        for (const r of peers) neighbours.push({ host: r.host, port: r.port, replicaOf: nodeId(m.host, m.port) });
        for (const s of parseSentinelPeers(sentinels)) neighbours.push({ host: s.host, port: s.port, sentinel: true });
      }),
    );
    return {
      state: {
        ...base,
        status: 'up',
        role: 'sentinel',
        server,
        connectedClients: server?.connectedClients,
        usedMemory: server?.usedMemory,
        sentinel: { masters, replicas: replicasOf },
        pollMs: Date.now() - started,
      },
      neighbours,
    };
  }

  close(): void {
    this.closed = true;
    this.client.disconnect();
  }
}
