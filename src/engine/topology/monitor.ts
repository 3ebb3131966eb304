// The topology engine: discovers every node reachable from the entry points, polls each one every
// interval over its own connection, derives lag and rates, and emits typed events. No React here.
import { nodeId, type Endpoint } from '../../options/endpoint.js';
import { redact } from '../../options/redact.js';
import type { Credentials } from '../../options/credentials.js';
import { Emitter } from '../emitter.js';
import { type ConnectOptions } from '../redis/connect.js';
import { detectChanges, nodeName, peerFailingChange, sentinelEventText } from './changes.js';
import { OffsetHistory } from './offset-history.js';
import { NodeProbe, type Neighbour, type PollResult } from './probe.js';
import { listenForSentinels, watchSentinel, type SentinelEvent } from './subscriptions.js';
import type { ClusterNodeEntry, DeploymentInfo, DeploymentKind, LogEntry, NodeState, TopologyEvent } from './types.js';

export interface MonitorOptions {
  entries: Endpoint[];
  conn: ConnectOptions;
  /** poll interval, ms */
  intervalMs: number;
  /** only this Sentinel master (and its nodes) */
  masterName?: string;
  /** host:port → name shown beside the address */
  labels?: Record<string, string>;
  /** how entries are described in the header (already redacted) */
  entryLabels?: string[];
  /** credentials for data nodes found by discovery (entry points keep their own) */
  dataAuth?: Credentials;
  /** credentials for Sentinels found by discovery: Sentinels usually have none, or their own */
  sentinelAuth?: Credentials;
  /** subscribe to every Sentinel's event channels (off for one-shot discovery) */
  subscribe?: boolean;
}

interface Tracked {
  probe: NodeProbe;
  state: NodeState;
  history: OffsetHistory;
  inFlight: boolean;
  /** an entry point the operator gave (kept over a discovered alias of the same node) */
  entry: boolean;
  clusterView?: ClusterNodeEntry[];
  /** rounds in a row this master has contradicted the Sentinels */
  conflictRounds: number;
}

const SENTINEL_EVENTS_WARN = new Set(['+sdown', '+odown', '+switch-master', '+try-failover', '-failover-abort-not-elected', '+failover-end-for-timeout']);
/** Every Sentinel publishes the same event: one log line for them all within this window. */
const SENTINEL_DEDUP_MS = 5000;

export class TopologyMonitor {
  readonly events = new Emitter<TopologyEvent>();
  private nodes = new Map<string, Tracked>();
  private timer?: NodeJS.Timeout;
  private closers: Array<() => void> = [];
  private watchedSentinels = new Set<string>();
  private helloListening = new Set<string>();
  private recentSentinelEvents = new Map<string, number>();
  private discovered = false;
  private stopped = false;
  /** the most Sentinels any master said were watching it (from CLIENT LIST) */
  private expectedSentinels = 0;

  constructor(private readonly opts: MonitorOptions) {
    for (const ep of opts.entries) this.track(ep, true);
  }

  /** Current picture, in discovery order. */
  snapshot(): NodeState[] {
    return [...this.nodes.values()].map((t) => t.state);
  }

  private log(entry: Omit<LogEntry, 'at'> & { at?: number }): void {
    this.events.emit({ type: 'log', entry: { at: Date.now(), ...entry, message: redact(entry.message) } });
  }

  /** Errors inside the engine become log lines, never a crash of the console. */
  private guard(p: Promise<unknown>): void {
    p.catch((err: unknown) => this.log({ level: 'error', kind: 'info', message: `internal error: ${String((err as Error)?.message ?? err)}` }));
  }

  private track(ep: Endpoint, entry = false): Tracked | undefined {
    const id = nodeId(ep.host, ep.port);
    if (this.nodes.has(id) || this.stopped) return undefined;
    const t: Tracked = {
      probe: new NodeProbe(ep, this.opts.conn, this.opts.masterName),
      state: { id, host: ep.host, port: ep.port, role: 'unknown', status: 'pending', label: this.opts.labels?.[id] },
      history: new OffsetHistory(),
      inFlight: false,
      entry,
      conflictRounds: 0,
    };
    this.nodes.set(id, t);
    this.events.emit({ type: 'node', node: t.state });
    if (this.discovered && !entry) this.log({ level: 'info', kind: 'node-added', node: id, message: `discovered ${t.state.label ? t.state.label + ' ' : ''}${id}` });
    return t;
  }

  /** A neighbour shares the TLS settings of the node that named it, and the credentials of its kind. */
  private trackNeighbour(from: Endpoint, n: Neighbour): Tracked | undefined {
    if (!n.host || !n.port) return undefined;
    const auth = (n.sentinel ? this.opts.sentinelAuth : this.opts.dataAuth) ?? {};
    const t = this.track({ ...from, host: n.host, port: n.port, db: n.sentinel ? 0 : from.db, username: auth.username, password: auth.password });
    // what the node that named it says it is, until it answers itself (a node down from the start still sits in its place)
    if (t && n.replicaOf) t.state = { ...t.state, role: 'replica', masterId: n.replicaOf };
    if (t && n.sentinel) t.state = { ...t.state, role: 'sentinel' };
    return t;
  }

  private async pollOne(t: Tracked): Promise<void> {
    if (t.inFlight) return; // a slow node skips a beat; it never holds the others back
    t.inFlight = true;
    try {
      const result = await t.probe.poll();
      if (this.stopped || this.nodes.get(t.state.id) !== t) return;
      this.apply(t, result);
    } finally {
      t.inFlight = false;
    }
  }

  private apply(t: Tracked, result: PollResult): void {
    const now = Date.now();
    const prev = t.state;
    const next: NodeState = { ...result.state, label: prev.label };
    if (next.status === 'down') {
      next.downSince = prev.status === 'down' ? prev.downSince : now;
      // keep what we last knew, marked down: the node stays in the picture
      next.role = prev.role;
      next.masterId = prev.masterId;
      next.offset = prev.offset;
      next.server = prev.server;
      next.replication = prev.replication;
      next.cluster = prev.cluster;
      next.sentinel = prev.sentinel;
    } else if (this.mergeAlias(t, next)) {
      return;
    }
    if (next.status === 'up' && next.offset !== undefined) {
      t.history.add(now, next.offset);
      next.offsetRate = t.history.rate();
    }
    next.lagBytes = prev.lagBytes;
    next.lagSeconds = prev.lagSeconds;
    next.conflict = prev.conflict;
    if (next.cluster && prev.cluster) {
      next.cluster.peerFailing = prev.cluster.peerFailing;
      next.cluster.peersLinkDown = prev.cluster.peersLinkDown;
    }
    if (result.clusterView) t.clusterView = result.clusterView;
    t.state = next;
    for (const entry of detectChanges(prev, next, now)) this.events.emit({ type: 'log', entry: { ...entry, message: redact(entry.message) } });
    this.events.emit({ type: 'node', node: next });
    for (const n of result.neighbours) this.trackNeighbour(t.probe.endpoint, n);
    this.subscribeFor(t, result);
  }

  /**
   * One node reached under two addresses (a DNS name given as the entry, the IP its replicas report):
   * the same run_id. Keep the address the deployment itself uses, with the entry's label. True when `t` went.
   */
  private mergeAlias(t: Tracked, next: NodeState): boolean {
    const runId = next.server?.runId;
    if (!runId) return false;
    const other = [...this.nodes.values()].find((u) => u !== t && u.state.status === 'up' && u.state.server?.runId === runId);
    if (!other) return false;
    const [keep, drop] = t.entry && !other.entry ? [other, t] : [t, other];
    keep.entry ||= drop.entry;
    keep.state = { ...keep.state, label: keep.state.label ?? drop.state.label };
    if (keep === t) next.label = keep.state.label;
    drop.probe.close();
    this.nodes.delete(drop.state.id);
    this.events.emit({ type: 'node-removed', id: drop.state.id });
    return drop === t;
  }

  /** After a round: lag from offsets read at the same moment, and how the cluster sees each node. */
  private derive(): void {
    const byClusterId = new Map<string, ClusterNodeEntry[]>();
    for (const t of this.nodes.values()) {
      if (t.state.status !== 'up') continue;
      for (const e of t.clusterView ?? []) {
        if (e.myself) continue;
        const seen = byClusterId.get(e.id) ?? [];
        seen.push(e);
        byClusterId.set(e.id, seen);
      }
    }
    // a node the Sentinels count as a replica of their master, that says it is a master itself
    const sentinelMasterOf = new Map<string, string>();
    for (const t of this.nodes.values()) {
      if (t.state.status !== 'up') continue;
      for (const m of t.state.sentinel?.masters ?? []) {
        for (const r of t.state.sentinel?.replicas?.[m.name] ?? []) sentinelMasterOf.set(r, nodeId(m.host, m.port));
      }
    }
    const now = Date.now();
    for (const t of this.nodes.values()) {
      const s = t.state;
      if (s.status === 'pending') continue;
      const theirs = sentinelMasterOf.get(s.id);
      const seen = s.status === 'up' && s.role === 'master' && theirs && theirs !== s.id ? theirs : undefined;
      // a promotion in flight contradicts the Sentinels for a moment: only a contradiction that lasts two rounds is one
      t.conflictRounds = seen ? t.conflictRounds + 1 : 0;
      const conflict = seen && t.conflictRounds >= 2 ? seen : seen ? s.conflict : undefined;
      if (conflict !== s.conflict) {
        this.log(
          conflict
            ? { level: 'warn', kind: 'role-change', node: s.id, message: `${nodeName(s)} says it is a master, but the Sentinels' master is ${conflict}` }
            : { level: 'info', kind: 'role-change', node: s.id, message: `${nodeName(s)} no longer contradicts the Sentinels` },
        );
      }
      let lagBytes = s.lagBytes;
      let lagSeconds = s.lagSeconds;
      const master = s.role === 'replica' && s.masterId ? this.nodes.get(s.masterId) : undefined;
      if (s.status === 'up' && master && master.state.status === 'up' && s.offset !== undefined && s.lastPollAt !== undefined) {
        const masterOffset = master.history.offsetAt(s.lastPollAt);
        if (masterOffset !== undefined) {
          lagBytes = Math.max(0, masterOffset - s.offset);
          lagSeconds = lagBytes === 0 ? 0 : master.history.secondsBehind(s.offset, s.lastPollAt);
        }
      } else {
        // not a replica, or its master is not answering: no figure is better than a stale one
        lagBytes = lagSeconds = undefined;
      }
      let cluster = s.cluster;
      const selfId = s.cluster?.self?.id;
      if (cluster && selfId) {
        const views = byClusterId.get(selfId) ?? [];
        const peerFailing = views.some((v) => v.failing === 'fail') ? 'fail' : views.some((v) => v.failing === 'pfail') ? 'pfail' : null;
        const peersLinkDown = views.filter((v) => v.linkState === 'disconnected').length;
        if (peerFailing !== cluster.peerFailing || peersLinkDown !== cluster.peersLinkDown) {
          const change = peerFailingChange(s, cluster.peerFailing, peerFailing, now);
          if (change) this.events.emit({ type: 'log', entry: change });
          cluster = { ...cluster, peerFailing, peersLinkDown };
        }
      }
      if (lagBytes !== s.lagBytes || lagSeconds !== s.lagSeconds || cluster !== s.cluster || conflict !== s.conflict) {
        t.state = { ...s, lagBytes, lagSeconds, cluster, conflict };
        this.events.emit({ type: 'node', node: t.state });
      }
    }
  }

  private subscribeFor(t: Tracked, result: PollResult): void {
    const s = t.state;
    if (this.opts.subscribe !== false && s.role === 'sentinel' && s.status === 'up' && !this.watchedSentinels.has(s.id)) {
      this.watchedSentinels.add(s.id);
      this.closers.push(watchSentinel(t.probe.endpoint, this.opts.conn, (e) => this.onSentinelEvent(s.id, e)));
    }
    if (result.sentinelClients) this.expectedSentinels = Math.max(this.expectedSentinels, result.sentinelClients);
    if (result.sentinelClients && !this.helloListening.has(s.id)) {
      this.helloListening.add(s.id);
      // the hello channel only says where each Sentinel listens; they get the Sentinel credentials
      this.closers.push(
        listenForSentinels(t.probe.endpoint, this.opts.conn, (host, port) => {
          const added = this.trackNeighbour(t.probe.endpoint, { host, port, sentinel: true });
          if (added) this.guard(this.pollOne(added));
        }),
      );
    }
  }

  private onSentinelEvent(sentinelId: string, e: SentinelEvent): void {
    if (this.opts.masterName && e.master && e.master !== this.opts.masterName) return;
    const key = sentinelEventText(e);
    const now = Date.now();
    for (const [k, at] of this.recentSentinelEvents) if (now - at > SENTINEL_DEDUP_MS) this.recentSentinelEvents.delete(k);
    if (this.recentSentinelEvents.has(key)) return;
    this.recentSentinelEvents.set(key, now);
    this.log({
      level: SENTINEL_EVENTS_WARN.has(e.kind) ? 'warn' : 'info',
      kind: 'sentinel',
      node: sentinelId,
      message: `${this.opts.labels?.[sentinelId] ?? sentinelId} ${key}`.trim(),
    });
    if (e.kind === '+switch-master') this.guard(this.pollAll());
  }

  /** One poll of every node, concurrently; then what can only be read across nodes. */
  async pollAll(): Promise<void> {
    const started = Date.now();
    await Promise.all([...this.nodes.values()].map((t) => this.pollOne(t)));
    if (this.stopped) return;
    this.derive();
    this.events.emit({ type: 'poll', at: Date.now(), durationMs: Date.now() - started });
  }

  /** Polls until no new node turns up (a replica chain or a cluster takes a few rounds). */
  async discover(maxRounds = 8): Promise<NodeState[]> {
    // listeners attached after construction have not seen the entry points yet: announce them in order
    for (const t of this.nodes.values()) this.events.emit({ type: 'node', node: t.state });
    for (let round = 0; round < maxRounds && !this.stopped; round++) {
      const before = this.nodes.size;
      const pending = [...this.nodes.values()].some((t) => t.state.status === 'pending');
      await this.pollAll();
      if (this.nodes.size === before && !pending) break;
    }
    // Sentinels announce themselves on the master every 2 s; wait that long for the ones CLIENT LIST showed.
    const deadline = Date.now() + 2500;
    while (this.sentinelCount() < this.expectedSentinels && Date.now() < deadline && !this.stopped) {
      await new Promise((r) => setTimeout(r, 100));
    }
    if (this.expectedSentinels && !this.stopped) await this.pollAll();
    this.discovered = true;
    const nodes = this.snapshot();
    const tally = (['master', 'replica', 'sentinel'] as const)
      .map((r) => [r, nodes.filter((n) => n.role === r).length] as const)
      .filter(([, n]) => n > 0)
      .map(([r, n]) => `${n} ${r}${n > 1 ? 's' : ''}`);
    const down = nodes.filter((n) => n.status === 'down').length;
    this.events.emit({ type: 'deployment', info: this.deployment() });
    this.log({ level: down ? 'warn' : 'info', kind: 'info', message: `discovered ${nodes.length} nodes: ${tally.join(', ') || 'none answering'}${down ? `; ${down} DOWN` : ''}` });
    return nodes;
  }

  private sentinelCount(): number {
    return [...this.nodes.values()].filter((t) => t.state.role === 'sentinel').length;
  }

  deployment(): DeploymentInfo {
    const versions = new Set(this.snapshot().flatMap((n) => (n.role !== 'sentinel' && n.server?.redisVersion ? [n.server.redisVersion] : [])));
    return {
      kind: deploymentKind(this.snapshot()),
      entry: this.opts.entryLabels ?? this.opts.entries.map((e) => nodeId(e.host, e.port)),
      redisVersion: versions.size ? [...versions].sort().join(', ') : undefined,
      intervalMs: this.opts.intervalMs,
    };
  }

  /** Discovers (unless done already), then polls every interval until stop(). */
  async start(): Promise<void> {
    if (!this.discovered) await this.discover();
    if (this.stopped) return;
    let shown = JSON.stringify(this.deployment());
    const tick = async () => {
      await this.pollAll();
      const now = JSON.stringify(this.deployment());
      if (now !== shown && !this.stopped) {
        shown = now;
        this.events.emit({ type: 'deployment', info: this.deployment() });
      }
    };
    this.timer = setInterval(() => this.guard(tick()), this.opts.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const close of this.closers) close();
    for (const t of this.nodes.values()) t.probe.close();
  }
}

export function deploymentKind(nodes: NodeState[]): DeploymentKind {
  if (nodes.length === 0) return 'unknown';
  if (nodes.some((n) => n.cluster)) return 'cluster';
  if (nodes.some((n) => n.role === 'sentinel')) return 'sentinel';
  if (nodes.some((n) => n.role === 'replica')) return 'replication';
  return 'standalone';
}
