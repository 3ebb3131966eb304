// The lab: real Redis deployments on loopback for the demo console, the tests and the benchmarks.
import { execFile } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { parseClusterNodes } from '../engine/topology/parse-cluster-nodes.js';
import { parseSentinelMasters } from '../engine/topology/parse-sentinel.js';
import { loadDataset } from './dataset.js';
import { LabEndpoint } from './endpoint.js';
import { MANIFEST, type LabManifest } from './manifest.js';
import { freePort } from './ports.js';
import { sweepOrphans, trackDir } from './processes.js';
import { findRedis, type RedisBinaries } from './redis-binaries.js';
import { LabServer, sleep, type ServerSpec } from './server.js';
import { startWorkload } from './workload.js';

import { DEFAULT_CLUSTER, PRESETS, type ClusterShape, type Preset } from './presets.js';
export { PRESETS, type Preset };
export const MASTER_NAME = 'mymaster';

export interface LabOptions {
  preset: Preset;
  /** keys of the mixed dataset loaded into the source */
  keys?: number;
  /** keep a light write load going on the source */
  workload?: boolean;
  /** progress lines (starting servers, loading keys) */
  log?: (line: string) => void;
  /** the switchable endpoint (a TCP proxy) in front of the source's master; default: on for the migration preset */
  endpoint?: boolean;
  /** Sentinel down-after-milliseconds; short so drills are quick */
  downAfterMs?: number;
  /** the cluster preset's masters, replicas of each, and spare (empty, met) nodes; default 3, 1, 0 */
  cluster?: Partial<ClusterShape>;
}

const run = promisify(execFile);

export class Lab {
  private workload?: ReturnType<typeof startWorkload>;
  private stopped = false;
  /** the switchable endpoint in front of the source (the migration preset's, by default) */
  endpoint?: LabEndpoint;
  /** set by startLab: forget the folder once stop() has removed it */
  untrackDir?: () => void;

  constructor(
    readonly preset: Preset,
    readonly dir: string,
    readonly servers: LabServer[],
    readonly bins: RedisBinaries,
  ) {}

  server(name: string): LabServer {
    const s = this.servers.find((x) => x.name === name);
    if (!s) throw new Error(`no lab server named ${name}`);
    return s;
  }

  /** host:port → lab name, for the console's labels. */
  labels(): Record<string, string> {
    const labels = Object.fromEntries(this.servers.map((s) => [s.address, s.name]));
    if (this.endpoint) labels[this.endpoint.address] = 'endpoint';
    return labels;
  }

  /** Where the source deployment is reached: its master (or first cluster node) and a Sentinel. */
  sourceEntries(): string[] {
    if (this.preset === 'cluster') return [this.server('c1').address];
    return [this.server('master').address, this.server('s1').address];
  }

  targetEntry(): string | undefined {
    return this.preset === 'migration' ? this.server('target').address : undefined;
  }

  /** Every entry point the console should open on. */
  entries(): string[] {
    const t = this.targetEntry();
    return t ? [...this.sourceEntries(), t] : this.sourceEntries();
  }

  /**
   * A client on the source's writable side that follows failovers: a Cluster client for the cluster
   * preset, and one that asks the Sentinels for the master otherwise.
   */
  sourceClient(): Redis | Cluster {
    const client =
      this.preset === 'cluster'
        ? new Cluster([{ host: '127.0.0.1', port: this.server('c1').port }], { enableReadyCheck: true })
        : new Redis({
            sentinels: ['s1', 's2', 's3'].map((s) => ({ host: '127.0.0.1', port: this.server(s).port })),
            name: MASTER_NAME,
            sentinelRetryStrategy: () => 250,
            retryStrategy: () => 250,
          });
    client.on('error', () => undefined);
    return client;
  }

  async load(keys: number, log?: (line: string) => void): Promise<void> {
    const client = this.preset === 'cluster' ? this.sourceClient() : this.masterClient();
    try {
      const res = await loadDataset(client, { keys });
      log?.(`lab: loaded ${res.loaded} keys in ${res.ms} ms (${Math.round(res.loaded / Math.max(res.ms / 1000, 0.001))} keys/s)`);
    } finally {
      client.disconnect();
    }
  }

  /** A plain client on the master (not yet known to Sentinel while the lab starts). */
  private masterClient(): Redis {
    const client = new Redis({ host: '127.0.0.1', port: this.server('master').port });
    client.on('error', () => undefined);
    return client;
  }

  startWorkload(): void {
    if (this.workload) return;
    const client = this.sourceClient();
    const wl = startWorkload(client);
    this.workload = {
      stats: wl.stats,
      // commands queued for a master that is gone would hold the quit up: wait a moment, then drop them
      stop: async () => {
        await Promise.race([wl.stop(), sleep(500)]);
        client.disconnect();
      },
    };
  }

  writeManifest(): void {
    if (this.stopped) return;
    const manifest: LabManifest = {
      preset: this.preset,
      owner: process.pid,
      servers: this.servers.map((s) => ({ name: s.name, kind: s.kind, port: s.port, pid: s.pid, dir: s.dir })),
      ...(this.endpoint ? { endpoint: this.endpoint.manifest() } : {}),
    };
    // written whole then renamed: a reader (cutover lab switch) never sees half a file
    const file = join(this.dir, MANIFEST);
    writeFileSync(`${file}.tmp`, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }

  /** Starts the switchable endpoint in front of `name` (the source's master). */
  async startEndpoint(name: string): Promise<LabEndpoint> {
    const s = this.server(name);
    this.endpoint = await LabEndpoint.start(
      { name, host: '127.0.0.1', port: s.port, address: s.address },
      () => this.servers,
      () => this.writeManifest(),
    );
    this.writeManifest();
    return this.endpoint;
  }

  async kill(name: string): Promise<void> {
    await this.server(name).kill();
  }

  async restart(name: string): Promise<void> {
    await this.server(name).restart();
    this.writeManifest();
  }

  /** Stops the workload and every server, and removes the lab's folder. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.workload?.stop().catch(() => undefined);
    await this.endpoint?.close().catch(() => undefined);
    await Promise.all(this.servers.map((s) => s.kill()));
    rmSync(this.dir, { recursive: true, force: true });
    this.untrackDir?.();
  }
}

async function startServers(lab: Lab, specs: ServerSpec[]): Promise<void> {
  const servers = specs.map((spec) => new LabServer(lab.bins, lab.dir, spec));
  lab.servers.push(...servers);
  await Promise.all(servers.map((s) => s.start()));
  lab.writeManifest(); // at once, so a long load can be inspected and swept too
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`lab: timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function withClient<T>(port: number, fn: (c: Redis) => Promise<T>): Promise<T> {
  const c = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return await fn(c);
  } finally {
    c.disconnect();
  }
}

function infoField(info: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim();
}

async function startReplication(lab: Lab, opts: LabOptions): Promise<void> {
  const [m, r1, r2, s1, s2, s3] = await Promise.all(Array.from({ length: 6 }, () => freePort()));
  await startServers(lab, [{ name: 'master', kind: 'redis', port: m, config: [] }]);
  // Load before the replicas attach: they then take the data by one full sync, as a real deployment's would.
  if (opts.keys) await lab.load(opts.keys, opts.log);
  await startServers(lab, [
    { name: 'r1', kind: 'redis', port: r1, config: [`replicaof 127.0.0.1 ${m}`, 'replica-priority 100'] },
    { name: 'r2', kind: 'redis', port: r2, config: [`replicaof 127.0.0.1 ${r1}`, 'replica-priority 90'] },
  ]);
  for (const port of [r1, r2]) {
    await waitFor(`replica ${port} link up`, () =>
      withClient(port, async (c) => infoField(await c.info('replication'), 'master_link_status') === 'up'),
    );
  }
  const downAfter = opts.downAfterMs ?? 2000;
  const sentinelConf = [
    `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${m} 2`,
    `sentinel down-after-milliseconds ${MASTER_NAME} ${downAfter}`,
    `sentinel failover-timeout ${MASTER_NAME} 10000`,
    `sentinel parallel-syncs ${MASTER_NAME} 1`,
  ];
  await startServers(lab, [
    { name: 's1', kind: 'sentinel', port: s1, config: sentinelConf },
    { name: 's2', kind: 'sentinel', port: s2, config: sentinelConf },
    { name: 's3', kind: 'sentinel', port: s3, config: sentinelConf },
  ]);
  for (const port of [s1, s2, s3]) {
    await waitFor(`sentinel ${port} to see its peers and r1`, () =>
      withClient(port, async (c) => {
        const [master] = parseSentinelMasters(await c.call('SENTINEL', 'MASTER', MASTER_NAME));
        return !!master && master.numOtherSentinels >= 2 && master.numReplicas >= 1;
      }),
    );
  }
}

const CLUSTER_CONFIG = ['cluster-enabled yes', 'cluster-config-file nodes.conf', 'cluster-node-timeout 3000', 'cluster-require-full-coverage yes'];

/**
 * masters × (1 + replicas) nodes c1… made a cluster by redis-cli --cluster create, then the spare nodes spare1…
 * (empty masters) met into it; waits until every node sees every node, the masters with their slots and replicas.
 */
async function startCluster(lab: Lab, shape: ClusterShape): Promise<void> {
  const created = shape.masters * (1 + shape.replicas);
  const ports = await Promise.all(Array.from({ length: created + shape.spare }, () => freePort()));
  const name = (i: number) => (i < created ? `c${i + 1}` : `spare${i - created + 1}`);
  await startServers(
    lab,
    ports.map((port, i) => ({ name: name(i), kind: 'redis' as const, port, config: CLUSTER_CONFIG })),
  );
  const createPorts = ports.slice(0, created);
  await run(lab.bins.cli, ['--cluster', 'create', ...createPorts.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', String(shape.replicas), '--cluster-yes'], {
    env: { ...process.env, ...lab.bins.env },
    timeout: 60_000,
  });
  const spares = ports.slice(created);
  if (spares.length) await withClient(ports[0], async (c) => Promise.all(spares.map((p) => c.call('CLUSTER', 'MEET', '127.0.0.1', String(p)))));
  for (const port of ports) {
    await waitFor(`cluster node ${port} state ok`, () =>
      withClient(port, async (c) => {
        const info = (await c.call('CLUSTER', 'INFO')) as string;
        const repl = await c.info('replication');
        const linked = infoField(repl, 'role') === 'master' || infoField(repl, 'master_link_status') === 'up';
        // every node's own view: the masters with slots, each with its replicas (gossip can lag the create), the spares known
        const view = parseClusterNodes((await c.call('CLUSTER', 'NODES')) as string);
        const masters = view.filter((n) => n.role === 'master' && n.slots.length > 0);
        const settled =
          masters.length === shape.masters &&
          masters.every((m) => view.filter((r) => r.role === 'replica' && r.masterId === m.id).length === shape.replicas) &&
          view.filter((n) => n.role === 'master' && n.slots.length === 0 && !n.flags.includes('handshake')).length === shape.spare;
        return infoField(info, 'cluster_state') === 'ok' && infoField(info, 'cluster_known_nodes') === String(ports.length) && linked && settled;
      }),
    );
  }
}

/** Starts a lab preset; everything it started is stopped again if a step fails. */
export async function startLab(opts: LabOptions): Promise<Lab> {
  const log = opts.log ?? (() => undefined);
  const bins = findRedis({ log });
  const swept = sweepOrphans(tmpdir());
  if (swept) log(`lab: stopped ${swept} server${swept > 1 ? 's' : ''} left by an earlier lab whose cutover was killed`);
  const dir = mkdtempSync(join(tmpdir(), `cutover-lab-${process.pid}-`));
  const lab = new Lab(opts.preset, dir, [], bins);
  lab.untrackDir = trackDir(dir);
  try {
    log(`lab: starting preset ${opts.preset} with redis ${bins.version}`);
    if (opts.preset === 'cluster') await startCluster(lab, { ...DEFAULT_CLUSTER, ...opts.cluster });
    else await startReplication(lab, opts);
    if (opts.preset === 'migration') {
      await startServers(lab, [{ name: 'target', kind: 'redis', port: await freePort(), config: [] }]);
    }
    if (opts.endpoint ?? opts.preset === 'migration') {
      if (opts.preset === 'cluster') throw new Error(`lab: the switchable endpoint is for the replication and migration presets (a cluster's clients follow MOVED, not one address)`);
      const ep = await lab.startEndpoint('master');
      log(`lab: endpoint ${ep.address} → master ${lab.server('master').address} (a TCP proxy in front of the source; repoint it: cutover lab switch --to target)`);
    }
    lab.writeManifest();
    if (opts.keys && opts.preset === 'cluster') await lab.load(opts.keys, log);
    if (opts.workload) lab.startWorkload();
    return lab;
  } catch (err) {
    await lab.stop();
    throw err;
  }
}
