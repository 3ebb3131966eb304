// A plain master (no Sentinel, no cluster), followed through role changes: when writes meet READONLY or the
// connection is lost, every node of the deployment known so far is asked ROLE every reconnect interval until one
// is the master (the one most replicas follow), and writes go there. An entry point that is a replica is followed
// up to its master at the start. With follow off (--no-follow) the entry point is the only address ever written
// to: behind a proxy or a DNS name, the switch is that address's business, and a lost connection is reconnected
// to the same address.
import type { Redis } from 'ioredis';
import { describeEndpoint, nodeId, type Endpoint } from '../../options/endpoint.js';
import { describeError, makeClient, type ConnectOptions } from '../redis/connect.js';
import { describeDrillError } from './errors.js';
import { parseRole, pickMaster, type RoleReply } from './role.js';
import { sleep } from './sleep.js';
import type { DrillTarget, TargetHooks, TargetSpec } from './target.js';

/** Nodes remembered at most: a deployment's master and replicas, chains included. */
const MAX_KNOWN = 64;
/** How long a ROLE probe may take. */
const PROBE_MS = 300;

export class StandaloneTarget implements DrillTarget {
  readonly mode = 'standalone' as const;
  private client: Redis;
  private current: string;
  private readonly known = new Map<string, Endpoint>();
  private resolving = false;
  private closed = false;
  private refresher: NodeJS.Timeout;

  private constructor(
    readonly label: string,
    private readonly base: Endpoint,
    private readonly spec: TargetSpec,
    private readonly hooks: TargetHooks,
    master: string,
  ) {
    this.current = master;
    this.client = this.connect(master);
    this.refresher = setInterval(() => void this.refresh(), 2000);
    this.refresher.unref();
  }

  static async open(ep: Endpoint, spec: TargetSpec, hooks: TargetHooks): Promise<StandaloneTarget> {
    if (spec.follow === false) return StandaloneTarget.openPinned(ep, spec, hooks);
    // an entry point that is a replica: up its chain to the master
    let at = nodeId(ep.host, ep.port);
    const seen = new Set<string>();
    const roles = new Map<string, RoleReply>();
    for (let hop = 0; hop < 8 && !seen.has(at); hop++) {
      seen.add(at);
      const role = parseRole(await roleOf(endpointAt(ep, at), spec.conn, Math.max(PROBE_MS, spec.conn.connectTimeoutMs)));
      roles.set(at, role);
      if (role.role !== 'replica') break;
      at = role.master;
    }
    const role = roles.get(at);
    if (role?.role !== 'master') {
      const entry = nodeId(ep.host, ep.port);
      throw new Error(at === entry ? `${entry} did not answer ROLE as a master` : `${entry} is a replica of ${at}, which does not answer as a master: is it down?`);
    }
    const target = new StandaloneTarget(describeEndpoint(ep), ep, spec, hooks, at);
    for (const [id, r] of roles) target.learn(id, r);
    if (at !== nodeId(ep.host, ep.port)) hooks.log('info', `${nodeId(ep.host, ep.port)} is a replica: writing to its master ${at}`);
    try {
      await target.client.connect();
    } catch (err) {
      target.close();
      throw new Error(describeError(err, endpointAt(ep, at)));
    }
    return target;
  }

  /** --no-follow: the entry point must answer as a master now; it is the only address written to. */
  private static async openPinned(ep: Endpoint, spec: TargetSpec, hooks: TargetHooks): Promise<StandaloneTarget> {
    const entry = nodeId(ep.host, ep.port);
    const role = parseRole(await roleOf(ep, spec.conn, Math.max(PROBE_MS, spec.conn.connectTimeoutMs)));
    if (role.role === 'replica') throw new Error(`${entry} answers ROLE as a replica of ${role.master}: with --no-follow the drill writes to the address given only; give a master's (or drop --no-follow)`);
    if (role.role !== 'master') throw new Error(`${entry} did not answer ROLE as a master`);
    const target = new StandaloneTarget(describeEndpoint(ep), ep, spec, hooks, entry);
    try {
      await target.client.connect();
    } catch (err) {
      target.close();
      throw new Error(describeError(err, ep));
    }
    hooks.log('info', `writing to ${entry} only (--no-follow): a switch behind it is seen as a lost connection, reconnected to the same address`);
    return target;
  }

  private connect(address: string): Redis {
    const client = makeClient(endpointAt(this.base, address), this.spec.conn, { name: 'cutover-drill', reconnect: true });
    // reconnect fast: a switch is measured in milliseconds
    client.options.retryStrategy = () => this.spec.reconnectMs;
    // a write sent when the connection dropped is not sent again: its fate stays unknown, the read-back tells
    client.options.autoResendUnfulfilledCommands = false;
    client.on('close', () => {
      if (client === this.client) this.kick();
    });
    return client;
  }

  /** Something went wrong with writes: look for the master, once at a time. */
  private kick(): void {
    // --no-follow: the client reconnects to the entry point by itself; there is no other master to look for
    if (this.resolving || this.closed || this.spec.follow === false) return;
    this.resolving = true;
    void this.resolve().finally(() => (this.resolving = false));
  }

  private async resolve(): Promise<void> {
    let said = false;
    while (!this.closed) {
      const roles = await this.probeAll();
      const master = pickMaster(roles);
      if (master && master !== this.current) {
        this.switchTo(master);
        return;
      }
      if (master === this.current && this.client.status === 'ready') return;
      if (!master && !said) {
        const asked = [...this.known.keys()];
        this.hooks.log('warn', `no node answers as a master (asked ${asked.length > 3 ? `${asked.length} nodes` : asked.join(', ')}): asking again every ${this.spec.reconnectMs} ms`);
        said = true;
      }
      await sleep(this.spec.reconnectMs);
    }
  }

  private async probeAll(): Promise<Map<string, RoleReply>> {
    const ids = [...this.known.keys()];
    const replies = await Promise.all(ids.map((id) => roleOf(this.known.get(id)!, this.spec.conn, PROBE_MS)));
    const roles = new Map<string, RoleReply>();
    ids.forEach((id, i) => {
      if (replies[i] === undefined) return;
      const r = parseRole(replies[i]);
      roles.set(id, r);
      this.learn(id, r);
    });
    return roles;
  }

  private learn(id: string, r: RoleReply): void {
    const add = (x: string) => {
      if (!this.known.has(x) && this.known.size < MAX_KNOWN) this.known.set(x, endpointAt(this.base, x));
    };
    add(id);
    if (r.role === 'master') r.replicas.forEach(add);
    if (r.role === 'replica') add(r.master);
  }

  private switchTo(master: string): void {
    const old = this.client;
    const was = this.current;
    this.current = master;
    this.client = this.connect(master);
    this.client.connect().catch(() => undefined);
    old.disconnect();
    this.hooks.log('warn', `writes now go to ${master} (was ${was}): it answers ROLE as the master`);
  }

  /** Now and then: the master's replicas, so an unplanned failover finds them. */
  private async refresh(): Promise<void> {
    if (this.closed || this.client.status !== 'ready' || this.spec.follow === false) return;
    try {
      this.learn(this.current, parseRole(await this.client.call('ROLE')));
    } catch {
      // the next write says what is wrong
    }
  }

  private watch<T>(p: Promise<T>): Promise<T> {
    return p.catch((err: Error) => {
      if (/^READONLY|^MASTERDOWN|^LOADING/.test(err?.message ?? '') || this.client.status !== 'ready') this.kick();
      throw err;
    });
  }

  get(key: string): Promise<string | null> {
    return this.watch(this.client.get(key));
  }

  incr(key: string): Promise<number> {
    return this.watch(this.client.incr(key));
  }

  del(key: string): Promise<number> {
    return this.watch(this.client.del(key));
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

  nodeOf(): string | undefined {
    return this.current;
  }

  /** One line for a node's trouble (the one the command was sent to; by default the current master). */
  describe(err: unknown, node?: string): string {
    return describeDrillError(err, endpointAt(this.base, node ?? this.current));
  }

  close(): void {
    this.closed = true;
    clearInterval(this.refresher);
    this.client.disconnect();
  }
}

/** The entry point's credentials and TLS at another address. */
function endpointAt(base: Endpoint, address: string): Endpoint {
  const i = address.lastIndexOf(':');
  return { ...base, host: address.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(address.slice(i + 1)) };
}

/** One ROLE from a short-lived connection; undefined when the node does not answer in time. */
export async function roleOf(ep: Endpoint, conn: ConnectOptions, timeoutMs: number): Promise<unknown> {
  const client = makeClient(ep, { ...conn, connectTimeoutMs: timeoutMs, commandTimeoutMs: timeoutMs }, { name: 'cutover-drill-probe', reconnect: false });
  try {
    await client.connect();
    return await client.call('ROLE');
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}
