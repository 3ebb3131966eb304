// A Redis Cluster through ioredis's Cluster client, which follows MOVED and ASK and refreshes its slot map.
// Unavailability is measured per shard: the counters whose slots one master held when the drill started (a failover
// moves a shard whole, so the group stays one).
//
// Shards are kept apart: one that hangs must not hold the writes to the others. ioredis's own retries do not: a
// command that meets CLUSTERDOWN, TRYAGAIN or a closed connection waits in a queue shared by every shard until a
// slot-map refresh ends (which may be asking the hung master, up to its timeout), then goes to a *random* master,
// the hung one included. So those retries are off (retryDelayOn… 0): such a write fails at once, on its own shard,
// and the checker's next write to that shard is the retry. MOVED and ASK are still followed at once (one command,
// to the node named). The slot map is asked for again every reconnect interval while a shard's writes fail.
import type { Cluster } from 'ioredis';
import { describeEndpoint, nodeId, type Endpoint } from '../../options/endpoint.js';
import { describeDrillError } from './errors.js';
import { describeError, makeClusterClient } from '../redis/connect.js';
import type { DrillTarget, TargetHooks, TargetSpec } from './target.js';
import { calculateSlot } from '../redis/slot.js';

/** How long one node may take to give the slot map. */
const SLOTS_REFRESH_TIMEOUT_MS = 300;

export class ClusterTarget implements DrillTarget {
  readonly mode = 'cluster' as const;
  /** slot → group, fixed at the start */
  private readonly groups = new Map<number, string>();
  /** group → one of its slots, to ask who holds it now */
  private readonly sample = new Map<string, number>();
  private lastError?: string;
  /** errors are logged once connected; before that, open() says what failed */
  private connected = false;
  /** when the slot map was last asked for because a write failed */
  private lastKick = 0;

  private constructor(
    readonly label: string,
    private readonly cluster: Cluster,
    private readonly base: Endpoint,
    hooks: TargetHooks,
    private readonly reconnectMs: number,
  ) {
    cluster.on('error', (err: Error) => {
      const line = describeDrillError(err, base);
      if (this.connected && line !== this.lastError) hooks.log('warn', line);
      this.lastError = line;
    });
  }

  static async open(ep: Endpoint, spec: TargetSpec, hooks: TargetHooks): Promise<ClusterTarget> {
    const ms = spec.reconnectMs;
    const cluster = makeClusterClient(ep, spec.conn, 'cutover-drill', {
      redisOptions: { commandTimeout: spec.conn.commandTimeoutMs, autoResendUnfulfilledCommands: false },
      lazyConnect: true,
      enableReadyCheck: true,
      maxRedirections: 16,
      // no retries through ioredis's shared delay queue (see above): the checker retries, shard by shard
      retryDelayOnFailover: 0,
      retryDelayOnClusterDown: 0,
      retryDelayOnTryAgain: 0,
      retryDelayOnMoved: 0,
      clusterRetryStrategy: () => ms,
      // a refresh tries the nodes one at a time: a hung one costs this much before the next is asked
      slotsRefreshTimeout: Math.min(spec.conn.connectTimeoutMs, SLOTS_REFRESH_TIMEOUT_MS),
      slotsRefreshInterval: 1000,
    });
    const target = new ClusterTarget(describeEndpoint(ep), cluster, ep, hooks, ms);
    try {
      await cluster.connect();
      await cluster.ping();
    } catch (err) {
      cluster.disconnect();
      throw new Error(`cluster at ${nodeId(ep.host, ep.port)}: ${describeError(err, ep)}`);
    }
    target.connected = true;
    target.mapSlots();
    hooks.log('info', `cluster of ${target.sample.size} shards, masters ${target.master()}`);
    return target;
  }

  /** Fixes each slot's group: the master holding it now. */
  private mapSlots(): void {
    this.cluster.slots.forEach((nodes, slot) => {
      const owner = nodes?.[0];
      if (!owner) return;
      const group = `shard ${owner}`;
      this.groups.set(slot, group);
      if (!this.sample.has(group)) this.sample.set(group, slot);
    });
  }

  /** A write failed: the slot map may have changed (a failover); ask for it again, at most every reconnect interval. */
  private watch<T>(p: Promise<T>): Promise<T> {
    return p.catch((err: unknown) => {
      const now = performance.now();
      if (now - this.lastKick >= this.reconnectMs) {
        this.lastKick = now;
        this.cluster.refreshSlotsCache();
      }
      throw err;
    });
  }

  get(key: string): Promise<string | null> {
    return this.watch(this.cluster.get(key));
  }

  incr(key: string): Promise<number> {
    return this.watch(this.cluster.incr(key));
  }

  del(key: string): Promise<number> {
    return this.watch(this.cluster.del(key));
  }

  nodeOf(key: string): string | undefined {
    return this.cluster.slots[calculateSlot(key)]?.[0];
  }

  groupOf(key: string): string {
    return this.groups.get(calculateSlot(key)) ?? 'unmapped slots';
  }

  masterOf(group: string): string | undefined {
    const slot = this.sample.get(group);
    return slot === undefined ? undefined : this.cluster.slots[slot]?.[0];
  }

  master(): string | undefined {
    const owners = new Set<string>();
    for (const slot of this.sample.values()) {
      const o = this.cluster.slots[slot]?.[0];
      if (o) owners.add(o);
    }
    return owners.size ? [...owners].sort().join(', ') : undefined;
  }

  describe(err: unknown, node?: string): string {
    const i = node ? node.lastIndexOf(':') : -1;
    return describeDrillError(err, node && i > 0 ? { ...this.base, host: node.slice(0, i), port: Number(node.slice(i + 1)) } : this.base);
  }

  close(): void {
    this.cluster.disconnect();
  }
}
