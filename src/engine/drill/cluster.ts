// A Redis Cluster through ioredis's Cluster client, which follows MOVED and ASK and refreshes its slot map;
// tuned to retry within milliseconds. Unavailability is measured per shard: the counters whose slots one
// master held when the drill started (a failover moves a shard whole, so the group stays one).
import { createRequire } from 'node:module';
import { Cluster } from 'ioredis';
import { describeEndpoint, nodeId, type Endpoint } from '../../config/endpoint.js';
import { describeDrillError } from './errors.js';
import { describeError } from '../connect.js';
import type { DrillTarget, TargetHooks, TargetSpec } from './target.js';

const calculateSlot = createRequire(import.meta.url)('cluster-key-slot') as (key: string) => number;

export class ClusterTarget implements DrillTarget {
  readonly mode = 'cluster' as const;
  /** slot → group, fixed at the start */
  private readonly groups = new Map<number, string>();
  /** group → one of its slots, to ask who holds it now */
  private readonly sample = new Map<string, number>();
  private lastError?: string;
  /** errors are logged once connected; before that, open() says what failed */
  private connected = false;

  private constructor(
    readonly label: string,
    private readonly cluster: Cluster,
    private readonly base: Endpoint,
    hooks: TargetHooks,
  ) {
    cluster.on('error', (err: Error) => {
      const line = describeDrillError(err, base);
      if (this.connected && line !== this.lastError) hooks.log('warn', line);
      this.lastError = line;
    });
  }

  static async open(ep: Endpoint, spec: TargetSpec, hooks: TargetHooks): Promise<ClusterTarget> {
    const ms = spec.reconnectMs;
    const cluster = new Cluster([{ host: ep.host, port: ep.port }], {
      redisOptions: {
        username: ep.username,
        password: ep.password,
        tls: ep.tls ? spec.conn.tls : undefined,
        connectionName: 'cutover-drill',
        connectTimeout: spec.conn.connectTimeoutMs,
        commandTimeout: spec.conn.commandTimeoutMs,
        autoResendUnfulfilledCommands: false,
      },
      lazyConnect: true,
      enableReadyCheck: true,
      maxRedirections: 16,
      retryDelayOnFailover: ms,
      retryDelayOnClusterDown: ms,
      retryDelayOnTryAgain: ms,
      retryDelayOnMoved: 0,
      clusterRetryStrategy: () => ms,
      slotsRefreshTimeout: Math.min(spec.conn.connectTimeoutMs, 1000),
      slotsRefreshInterval: 1000,
    });
    const target = new ClusterTarget(describeEndpoint(ep), cluster, ep, hooks);
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

  get(key: string): Promise<string | null> {
    return this.cluster.get(key);
  }

  incr(key: string): Promise<number> {
    return this.cluster.incr(key);
  }

  del(key: string): Promise<number> {
    return this.cluster.del(key);
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

  describe(err: unknown, group?: string): string {
    const at = group ? this.masterOf(group) : undefined;
    const i = at ? at.lastIndexOf(':') : -1;
    return describeDrillError(err, at ? { ...this.base, host: at.slice(0, i), port: Number(at.slice(i + 1)) } : this.base);
  }

  close(): void {
    this.cluster.disconnect();
  }
}
