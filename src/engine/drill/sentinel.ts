// The master a set of Sentinels names, through ioredis's Sentinel client tuned to follow a failover within
// milliseconds: it asks the Sentinels again every reconnect interval; it drops its connection when a Sentinel
// publishes +switch-master naming another master than the one it writes to (a subscription of its own on each
// Sentinel given, not ioredis's failoverDetector, which also drops a connection already on the new master), and
// when a write meets READONLY (an old master turned replica).
//
// A connection is dropped once: not through ioredis's reconnectOnError, which calls disconnect() for every READONLY
// reply read (hundreds when the writes in flight all meet it) and each call adds a 'close' listener to the same
// socket (Node's MaxListenersExceededWarning). And it is dropped at once: a master that hangs (SIGSTOP, a partition)
// never answers the close, and ioredis would wait its disconnectTimeout (2 s) before asking the Sentinels again.
import type { Redis } from 'ioredis';
import { nodeId, type Endpoint } from '../../options/endpoint.js';
import { describeDrillError } from './errors.js';
import { describeError, makeSentinelClient, makeTunedClient } from '../redis/connect.js';
import type { DrillTarget, TargetHooks, TargetSpec } from './target.js';

/** How often a subscription to a Sentinel that went away is tried again. */
const SUBSCRIBER_RETRY_MS = 500;
/** How long a dropped connection may take to close before its socket is destroyed. */
const DROP_TIMEOUT_MS = 50;

export class SentinelTarget implements DrillTarget {
  readonly mode = 'sentinel' as const;
  private current?: string;
  /** error lines said during the current outage, each once */
  private said = new Set<string>();
  private readonly subscribers: Redis[] = [];
  private closed = false;
  /** the socket last dropped: one drop per connection */
  private dropped?: object;

  private constructor(
    readonly label: string,
    private readonly client: Redis,
    private readonly spec: TargetSpec,
    private readonly hooks: TargetHooks,
  ) {
    const say = (line: string) => {
      if (this.said.has(line) || this.said.size > 20) return;
      this.said.add(line);
      hooks.log('warn', line);
    };
    client.on('error', (err: Error) => {
      // ioredis says this when the master it was given refused, after trying each Sentinel's answer: not news
      if (/^All sentinels are unreachable/.test(err.message)) return;
      say(describeDrillError(err, this.where()));
    });
    client.on('sentinelError', (err: Error) => say(`Sentinel: ${err.message.split('\n')[0]}`));
    // ioredis may still end the client during a switch: a drill goes on until it is stopped
    client.on('end', () => {
      if (!this.closed) setTimeout(() => void (this.closed ? undefined : client.connect().catch(() => undefined)), spec.reconnectMs);
    });
    client.on('ready', () => {
      const s = client.stream;
      const now = s?.remoteAddress && s.remotePort ? nodeId(s.remoteAddress, s.remotePort) : undefined;
      if (now && this.current && now !== this.current) hooks.log('warn', `writes now go to ${now} (was ${this.current}): the Sentinels' master for '${spec.masterName}'`);
      else if (now && !this.current) hooks.log('info', `writing to ${now}, the Sentinels' master for '${spec.masterName}'`);
      this.current = now ?? this.current;
      this.said.clear();
    });
  }

  static async open(spec: TargetSpec, sentinels: Endpoint[], hooks: TargetHooks): Promise<SentinelTarget> {
    const master = { sentinels, masterName: spec.masterName, ...spec.dataAuth, db: spec.db, tls: !!spec.dataTls };
    const client = makeSentinelClient(master, spec.conn, 'cutover-drill', {
      sentinelCommandTimeout: Math.min(spec.conn.commandTimeoutMs, 1000),
      sentinelRetryStrategy: () => spec.reconnectMs,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      enableReadyCheck: true,
      retryStrategy: () => spec.reconnectMs,
      // an old master demoted to replica (READONLY) is dropped by drop(), once, not by reconnectOnError
      disconnectTimeout: DROP_TIMEOUT_MS,
    });
    const label = `${sentinels.map((s) => `sentinel ${nodeId(s.host, s.port)}`).join(', ')} · master '${spec.masterName}'`;
    const target = new SentinelTarget(label, client, spec, hooks);
    try {
      await client.connect();
    } catch (err) {
      client.disconnect();
      throw new Error(`the Sentinels' master for '${spec.masterName}': ${describeError(err, target.where())}`);
    }
    for (const s of sentinels) target.watch(s);
    return target;
  }

  /** Subscribes to a Sentinel's +switch-master: a new master for our name drops the connection at once. */
  private watch(s: Endpoint): void {
    const sub = makeTunedClient(s, this.spec.conn, 'cutover-drill-watch', { retryStrategy: () => SUBSCRIBER_RETRY_MS, maxRetriesPerRequest: null });
    sub.on('message', (_channel: string, message: string) => {
      const [name, , , host, port] = message.split(' ');
      if (name !== this.spec.masterName || !host || !port) return;
      const next = nodeId(host, Number(port));
      if (next === this.current) return;
      this.hooks.log('warn', `Sentinel ${nodeId(s.host, s.port)}: +switch-master to ${next}: reconnecting`);
      this.drop();
    });
    sub.subscribe('+switch-master').catch(() => undefined);
    this.subscribers.push(sub);
  }

  /** A node (by default the current master) as an endpoint, for error lines; the first Sentinel before one is known. */
  private where(node?: string): Endpoint {
    const at = node ?? this.current;
    if (!at) return this.spec.sentinels[0] ?? this.spec.endpoint!;
    const i = at.lastIndexOf(':');
    return { host: at.slice(0, i), port: Number(at.slice(i + 1)), tls: this.spec.dataTls, db: this.spec.db };
  }

  /**
   * Drops the live connection so that the Sentinels are asked again; once per connection. Only a live one: one being
   * made asks the Sentinels anyway, and cutting it while ioredis resolves the master ends the client for good
   * ("Connection is closed.", status 'end').
   */
  private drop(): void {
    const stream = this.client.stream as object | undefined;
    if (this.closed || this.client.status !== 'ready' || !stream || stream === this.dropped) return;
    this.dropped = stream;
    this.client.disconnect(true);
  }

  /** A write that met READONLY: the master was demoted; the write itself is not resent. */
  private guard<T>(p: Promise<T>): Promise<T> {
    return p.catch((err: unknown) => {
      if (/^READONLY/.test((err as Error)?.message ?? '')) this.drop();
      throw err;
    });
  }

  get(key: string): Promise<string | null> {
    return this.guard(this.client.get(key));
  }

  incr(key: string): Promise<number> {
    return this.guard(this.client.incr(key));
  }

  del(key: string): Promise<number> {
    return this.guard(this.client.del(key));
  }

  nodeOf(): string | undefined {
    return this.current;
  }

  groupOf(): string {
    return 'master';
  }

  masterOf(): string | undefined {
    return this.current;
  }

  master(): string | undefined {
    return this.current;
  }

  describe(err: unknown, node?: string): string {
    return describeDrillError(err, this.where(node));
  }

  close(): void {
    this.closed = true;
    for (const s of this.subscribers) s.disconnect();
    this.client.disconnect();
  }
}
