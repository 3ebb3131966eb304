// The topology engine: discovers every node reachable from the entry points, polls each one every
// interval over its own connection, derives lag and rates, and emits typed events. No React here.
import { nodeId, type Endpoint } from '../../config/endpoint.js';
import { Emitter } from '../emitter.js';
import { type ConnectOptions } from '../connect.js';
import { detectChanges } from './changes.js';
import { OffsetHistory } from './offset-history.js';
import { NodeProbe, type Neighbour, type PollResult } from './probe.js';
import { listenForSentinels, watchSentinel, type SentinelEvent } from './subscriptions.js';
import type { DeploymentInfo, DeploymentKind, LogEntry, NodeState, TopologyEvent } from './types.js';

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
  /** follow Sentinel hellos and pub/sub events (off for one-shot discovery) */
  subscribe?: boolean;
}

interface Tracked {
  probe: NodeProbe;
  state: NodeState;
  history: OffsetHistory;
  inFlight: boolean;
}

const SENTINEL_EVENTS_WARN = new Set(['+sdown', '+odown', '+switch-master', '+try-failover', '-failover-abort-not-elected', '+failover-end-for-timeout']);

export class TopologyMonitor {
  readonly events = new Emitter<TopologyEvent>();
  private nodes = new Map<string, Tracked>();
  private timer?: NodeJS.Timeout;
  private closers: Array<() => void> = [];
  private watchedSentinels = new Set<string>();
  private helloListening = new Set<string>();
  private discovered = false;
  /** the most Sentinels any master said were watching it (from CLIENT LIST) */
  private expectedSentinels = 0;
  private stopped = false;
  private redisVersion?: string;

  constructor(private readonly opts: MonitorOptions) {
    for (const ep of opts.entries) this.track(ep, true);
  }

  /** Current picture, in discovery order. */
  snapshot(): NodeState[] {
    return [...this.nodes.values()].map((t) => t.state);
  }

  private log(entry: Omit<LogEntry, 'at'> & { at?: number }): void {
    this.events.emit({ type: 'log', entry: { at: Date.now(), ...entry } });
  }

  private track(ep: Endpoint, entry = false): Tracked | undefined {
    const id = nodeId(ep.host, ep.port);
    if (this.nodes.has(id) || this.stopped) return undefined;
    const t: Tracked = {
      probe: new NodeProbe(ep, this.opts.conn, this.opts.masterName),
      state: { id, host: ep.host, port: ep.port, role: 'unknown', status: 'pending', label: this.opts.labels?.[id] },
      history: new OffsetHistory(),
      inFlight: false,
    };
    this.nodes.set(id, t);
    this.events.emit({ type: 'node', node: t.state });
    if (this.discovered && !entry) this.log({ level: 'info', kind: 'node-added', node: id, message: `discovered ${t.state.label ? t.state.label + ' ' : ''}${id}` });
    return t;
  }

  /** A neighbour shares the credentials and TLS settings of the node that named it. */
  private trackNeighbour(from: Endpoint, n: Neighbour): void {
    if (!n.host || !n.port) return;
    this.track({ ...from, host: n.host, port: n.port, db: from.db });
  }

  private async pollOne(t: Tracked): Promise<void> {
    if (t.inFlight) return; // a slow node skips a beat; it never holds the others back
    t.inFlight = true;
    try {
      const result = await t.probe.poll();
      if (this.stopped) return;
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
    }
    if (next.status === 'up' && next.offset !== undefined) {
      t.history.add(now, next.offset);
      next.offsetRate = t.history.rate();
    }
    if (next.status === 'up' && next.role === 'replica' && next.masterId && next.offset !== undefined) {
      const master = this.nodes.get(next.masterId);
      const mo = master?.state.status === 'up' ? master.history.latest() : undefined;
      if (mo && master) {
        next.lagBytes = Math.max(0, mo.offset - next.offset);
        next.lagSeconds = next.lagBytes === 0 ? 0 : master.history.secondsBehind(next.offset, now);
      }
    }
    if (next.server?.redisVersion && next.role !== 'sentinel') this.redisVersion ??= next.server.redisVersion;
    t.state = next;
    for (const entry of detectChanges(prev, next, now)) this.events.emit({ type: 'log', entry });
    this.events.emit({ type: 'node', node: next });
    for (const n of result.neighbours) this.trackNeighbour(t.probe.endpoint, n);
    this.subscribeFor(t, result);
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
      // Sentinels authenticate to the master with their own settings; the hello channel only tells us where they listen.
      this.closers.push(
        listenForSentinels(t.probe.endpoint, this.opts.conn, (host, port) => {
          const ep = { ...t.probe.endpoint, host, port, db: 0 };
          if (!this.nodes.has(nodeId(host, port))) {
            this.track(ep);
            const added = this.nodes.get(nodeId(host, port));
            if (added) void this.pollOne(added);
          }
        }),
      );
    }
  }

  private onSentinelEvent(sentinelId: string, e: SentinelEvent): void {
    if (this.opts.masterName && e.master && e.master !== this.opts.masterName) return;
    if (e.kind === '__sentinel__:hello') return;
    this.log({
      level: SENTINEL_EVENTS_WARN.has(e.kind) ? 'warn' : 'info',
      kind: 'sentinel',
      node: sentinelId,
      message: `${this.opts.labels?.[sentinelId] ?? sentinelId} ${e.kind} ${e.text}`.trim(),
    });
    if (e.kind === '+switch-master') void this.pollAll();
  }

  /** One poll of every node, concurrently. */
  async pollAll(): Promise<void> {
    const started = Date.now();
    await Promise.all([...this.nodes.values()].map((t) => this.pollOne(t)));
    this.events.emit({ type: 'poll', at: Date.now(), durationMs: Date.now() - started });
  }

  /** Polls until no new node turns up (a replica chain or a cluster takes a few rounds). */
  async discover(maxRounds = 8): Promise<NodeState[]> {
    // listeners attached after construction have not seen the entry points yet: announce them in order
    for (const t of this.nodes.values()) this.events.emit({ type: 'node', node: t.state });
    for (let round = 0; round < maxRounds; round++) {
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
    if (this.expectedSentinels) await this.pollAll();
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
    return {
      kind: deploymentKind(this.snapshot()),
      entry: this.opts.entryLabels ?? this.opts.entries.map((e) => nodeId(e.host, e.port)),
      redisVersion: this.redisVersion,
      intervalMs: this.opts.intervalMs,
    };
  }

  /** Discovers, then polls every interval until stop(). */
  async start(): Promise<void> {
    if (!this.discovered) await this.discover();
    const tick = async () => {
      if (this.stopped) return;
      const kind = this.deployment().kind;
      await this.pollAll();
      if (deploymentKind(this.snapshot()) !== kind) this.events.emit({ type: 'deployment', info: this.deployment() });
    };
    this.timer = setInterval(() => void tick(), this.opts.intervalMs);
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
