// Shared by the failover and clone tests: run the engine on real servers, and a writer that keeps
// writing (about 1k writes/s) through a failover and says which acknowledged writes were lost and how long
// writes were refused or blocked.
import { Cluster, Redis } from 'ioredis';
import { parseEndpoint, type Endpoint } from '../../src/options/endpoint.js';
import { DEFAULT_CONNECT } from '../../src/engine/redis/connect.js';
import { prepareClone, type CloneRequest } from '../../src/engine/failover/clone/plan-clone.js';
import { FAILOVER_DEFAULTS, prepareFailover, type FailoverRequest } from '../../src/engine/failover/failover.js';
import { MemoryJournal } from '../../src/engine/failover/journal.js';
import { NodePool } from '../../src/engine/failover/pool.js';
import { Procedure } from '../../src/engine/failover/procedure.js';
import type { Outcome, Plan, ProcedureEvent } from '../../src/engine/failover/types.js';
import type { LabServer } from '../../src/lab/server.js';
import { standaloneServers } from './helpers.js';

export const conn = { ...DEFAULT_CONNECT, commandTimeoutMs: 2000, connectTimeoutMs: 1500 };

export interface Run {
  plan: Plan;
  outcome: Outcome;
  events: ProcedureEvent[];
  journal: MemoryJournal;
}

/** Prepares and runs a failover through the engine, confirming at once (as --yes). */
export async function failover(req: Partial<FailoverRequest> & { entries: Endpoint[] }, opts: { dryRun?: boolean; confirm?: boolean } = {}): Promise<Run> {
  const pool = new NodePool(conn);
  try {
    const { plan } = await prepareFailover(
      { sentinels: [], conn, dataAuth: { password: req.entries[0]?.password }, sentinelAuth: {}, unplanned: false, killClients: false, ...FAILOVER_DEFAULTS, ...req },
      pool,
    );
    return await run(plan, pool, opts);
  } finally {
    pool.close();
  }
}

export async function clone(req: Partial<CloneRequest> & { origin: Endpoint; clone: Endpoint }, opts: { dryRun?: boolean } = {}): Promise<Run> {
  const pool = new NodePool(conn);
  try {
    const { plan } = await prepareClone({ promote: false, reconfigure: false, role: 'master', timeoutMs: 20_000, pauseMs: 5000, noConfig: false, noPause: false, via: 'pause', followTimeoutMs: 15_000, ...req }, pool);
    return await run(plan, pool, opts);
  } finally {
    pool.close();
  }
}

/** Runs a plan over a pool the caller made (and closes). */
export async function runPlan(plan: Plan, pool: NodePool, opts: { dryRun?: boolean; confirm?: boolean } = {}): Promise<Run> {
  return run(plan, pool, opts);
}

async function run(plan: Plan, pool: NodePool, opts: { dryRun?: boolean; confirm?: boolean }): Promise<Run> {
  const journal = new MemoryJournal();
  const proc = new Procedure(plan, { pool, journal, confirm: async () => opts.confirm ?? true });
  const events: ProcedureEvent[] = [];
  proc.events.on((e) => events.push(e));
  if (process.env.CUTOVER_TEST_TRACE) proc.events.on((e) => console.log(new Date().toISOString().slice(11, 23), e.type, JSON.stringify('step' in e ? { id: e.step.id, ...('error' in e ? { error: e.error } : {}), ...('result' in e ? { result: e.result } : {}) } : e.type === 'note' ? e.text : '').slice(0, 300)));
  const outcome = await proc.run({ dryRun: opts.dryRun });
  return { plan, outcome, events, journal };
}

export function ep(address: string, password?: string): Endpoint {
  return parseEndpoint(password ? `redis://:${password}@${address}` : address);
}

/** A client connected once, errors swallowed (the test disconnects it). */
export async function client(port: number, password?: string): Promise<Redis> {
  const c = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 100, enableOfflineQueue: false });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

export async function role(port: number, password?: string): Promise<{ role: string; master?: string; link?: string; offset: number }> {
  const c = await client(port, password);
  try {
    const info = await c.info('replication');
    const f = (k: string) => new RegExp(`^${k}:(.*)$`, 'm').exec(info)?.[1]?.trim();
    return { role: f('role') === 'master' ? 'master' : 'replica', master: f('master_host') ? `${f('master_host')}:${f('master_port')}` : undefined, link: f('master_link_status'), offset: Number(f('master_repl_offset') ?? 0) };
  } finally {
    c.disconnect();
  }
}

/** Where a write goes, and how it finds the master again after an error. */
export interface WriteTarget {
  write(seq: number): Promise<unknown>;
  /** after an error: find the master again (may wait a little) */
  recover(): Promise<void>;
  /** every sequence number on the (final) master */
  written(): Promise<Set<number>>;
  close(): void;
}

export interface WriterReport {
  acked: number;
  errors: number;
  lost: number[];
  /** the longest time between two acknowledged writes: how long writes were refused or blocked */
  maxGapMs: number;
}

export interface Writer {
  /**
   * Resolves once `n` more writes than now were acknowledged: the warm-up before a switch (the writer is writing),
   * and after it (writes are accepted again). Rejects after `timeoutMs`.
   */
  ackedMore(n: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<WriterReport>;
}

/** Writes 1, 2, 3 … as fast as one at a time allows, paced to about `perSecond`; retries a failed one after recover(). */
export function startWriter(target: WriteTarget, perSecond = 1000): Writer {
  let stopping = false;
  const acked: number[] = [];
  let errors = 0;
  let maxGap = 0;
  let lastAck = Date.now();
  const loop = (async () => {
    let seq = 1;
    const started = Date.now();
    while (!stopping) {
      try {
        await target.write(seq);
        const now = Date.now();
        maxGap = Math.max(maxGap, now - lastAck);
        lastAck = now;
        acked.push(seq++);
      } catch {
        errors++;
        await target.recover().catch(() => undefined);
        continue;
      }
      const due = started + (seq * 1000) / perSecond;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    async ackedMore(n, timeoutMs = 15_000) {
      const goal = acked.length + n;
      const end = Date.now() + timeoutMs;
      while (acked.length < goal) {
        if (stopping) throw new Error('the writer was stopped');
        if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${n} acknowledged writes (${acked.length - goal + n} so far, ${errors} errors)`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async stop() {
      stopping = true;
      await loop;
      const present = await target.written();
      target.close();
      return { acked: acked.length, errors, lost: acked.filter((s) => !present.has(s)), maxGapMs: maxGap };
    },
  };
}

const KEY = 'cutover:test:writes';

/** Plain replication: writes to whichever of these ports is the master. */
export function plainTarget(ports: number[], password?: string): WriteTarget {
  const clients = new Map<number, Redis>();
  const get = (port: number) => {
    let c = clients.get(port);
    if (!c) {
      c = new Redis({ host: '127.0.0.1', port, password, maxRetriesPerRequest: 0, retryStrategy: () => 50, enableOfflineQueue: true, commandTimeout: 3000 });
      c.on('error', () => undefined);
      clients.set(port, c);
    }
    return c;
  };
  let current = ports[0];
  const findMaster = async () => {
    for (const p of ports) {
      const info = await get(p).info('replication').catch(() => '');
      if (/role:master/.test(info)) return p;
    }
    return undefined;
  };
  return {
    write: (seq) => get(current).rpush(KEY, String(seq)),
    recover: async () => {
      await new Promise((r) => setTimeout(r, 2));
      current = (await findMaster()) ?? current;
    },
    written: async () => {
      const m = (await findMaster()) ?? current;
      return new Set((await get(m).lrange(KEY, 0, -1)).map(Number));
    },
    close: () => clients.forEach((c) => c.disconnect()),
  };
}

/** Through the Sentinels: asks them for the master after an error, as a Sentinel-aware client does. */
export function sentinelTarget(sentinelPorts: number[], name: string): WriteTarget {
  const sentinel = new Redis({ host: '127.0.0.1', port: sentinelPorts[0], maxRetriesPerRequest: 0, retryStrategy: () => 50 });
  sentinel.on('error', () => undefined);
  let c: Redis | undefined;
  let at = '';
  const connect = async () => {
    const [host, port] = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as string[];
    if (`${host}:${port}` === at && c) return c;
    c?.disconnect();
    at = `${host}:${port}`;
    c = new Redis({ host, port: Number(port), maxRetriesPerRequest: 0, retryStrategy: () => 50, commandTimeout: 3000 });
    c.on('error', () => undefined);
    return c;
  };
  return {
    write: async (seq) => (await (c ?? connect())).rpush(KEY, String(seq)),
    recover: async () => {
      await new Promise((r) => setTimeout(r, 2));
      await connect();
    },
    written: async () => new Set((await (await connect()).lrange(KEY, 0, -1)).map(Number)),
    close: () => {
      c?.disconnect();
      sentinel.disconnect();
    },
  };
}

/** A cluster: one key (one slot), routed by the cluster client (MOVED after the switch). */
export function clusterTarget(port: number, key: string): WriteTarget {
  const c = new Cluster([{ host: '127.0.0.1', port }], { enableReadyCheck: true, clusterRetryStrategy: () => 50, redisOptions: { maxRetriesPerRequest: 0, commandTimeout: 3000 } });
  c.on('error', () => undefined);
  return {
    write: (seq) => c.rpush(key, String(seq)),
    recover: async () => {
      await new Promise((r) => setTimeout(r, 5));
    },
    written: async () => new Set((await c.lrange(key, 0, -1)).map(Number)),
    close: () => c.disconnect(),
  };
}

/** The figures a test prints (never asserted against the clock). */
export function figures(what: string, run: Run, w?: WriterReport): string {
  const m = run.outcome.measures.map((x) => `${x.label}: ${x.ms} ms`).join('; ');
  const wr = w ? `; writer: ${w.acked} acked, ${w.lost.length} lost, ${w.errors} errors, longest gap ${w.maxGapMs} ms` : '';
  return `${what}: ${m}${wr}`;
}

/**
 * A master and its replicas, each its own server asking for `password` (requirepass, and masterauth to follow),
 * the replicas told to follow the master (their links not waited for). The first name is the master.
 */
export async function passwordedReplication(names: string[], prefix: string, password: string): Promise<{ servers: LabServer[]; dir: string }> {
  const { servers, dir } = await standaloneServers(names, prefix);
  for (const s of servers) {
    const c = await client(s.port);
    await c.call('CONFIG', 'SET', 'masterauth', password);
    await c.call('CONFIG', 'SET', 'requirepass', password);
    c.disconnect();
  }
  const [master, ...replicas] = servers;
  for (const r of replicas) {
    const c = await client(r.port, password);
    await c.call('REPLICAOF', '127.0.0.1', String(master.port));
    c.disconnect();
  }
  return { servers, dir };
}
