// Shared by the slot-move tests: a real cluster of 3 masters (no replicas: quick to start) behind a password, keys
// of every type with binary names and TTLs in a few slots, key snapshots of slots (DUMP + PTTL), and
// redis-cli --cluster check.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { freePort } from '../../src/lab/ports.js';
import { findRedis, type RedisBinaries } from '../../src/lab/redis-binaries.js';
import { LabServer } from '../../src/lab/server.js';
import { RespConnection } from '../../src/engine/redis/resp.js';
import { calculateSlot } from '../../src/engine/redis/slot.js';
import { clusterViewOf } from '../../src/engine/cluster/move/cluster-view.js';
import type { ClusterView } from '../../src/engine/cluster/move/reshard-plan.js';
import { until as waitUntil } from './helpers.js';

const run = promisify(execFile);

export interface TestCluster {
  servers: LabServer[];
  dir: string;
  bins: RedisBinaries;
  password: string;
  addresses: string[];
  conn(address: string): Promise<RespConnection>;
  view(): Promise<ClusterView & { open: string[] }>;
  stop(): Promise<void>;
}

const until = (what: string, check: () => Promise<boolean>, timeoutMs = 20_000) => waitUntil(what, check, timeoutMs);

export async function call(conn: RespConnection, name: string, ...args: Array<string | number | Buffer>): Promise<unknown> {
  const p = conn.pipeline();
  p.call(name, args);
  const [[err, v]] = await p.exec();
  if (err) throw err;
  return v;
}

export async function startCluster(password: string): Promise<TestCluster> {
  const bins = findRedis();
  const dir = mkdtempSync(join(tmpdir(), 'cutover-move-'));
  const ports = await Promise.all([0, 1, 2].map(() => freePort()));
  const servers = ports.map(
    (port, i) =>
      new LabServer(bins, dir, {
        name: `m${i + 1}`,
        kind: 'redis',
        port,
        config: ['cluster-enabled yes', 'cluster-config-file nodes.conf', 'cluster-node-timeout 3000', `requirepass "${password}"`, `masterauth "${password}"`],
      }),
  );
  const conns = new Map<string, RespConnection>();
  const addresses = ports.map((p) => `127.0.0.1:${p}`);
  const tc: TestCluster = {
    servers,
    dir,
    bins,
    password,
    addresses,
    async conn(address) {
      const have = conns.get(address);
      if (have && !have.broken) return have;
      const [host, port] = address.split(':');
      const c = await RespConnection.open({ host, port: Number(port), password });
      conns.set(address, c);
      return c;
    },
    async view() {
      return clusterViewOf(String(await call(await tc.conn(addresses[0]), 'CLUSTER', 'NODES')));
    },
    async stop() {
      for (const c of conns.values()) c.close();
      await Promise.all(servers.map((s) => s.kill()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(servers.map((s) => s.start()));
    await run(bins.cli, ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { env: { ...process.env, ...bins.env, REDISCLI_AUTH: password }, timeout: 60_000 });
    for (const a of addresses) {
      await until(`${a} cluster_state ok with 3 masters`, async () => {
        const c = await tc.conn(a);
        const info = String(await call(c, 'CLUSTER', 'INFO'));
        const v = clusterViewOf(String(await call(c, 'CLUSTER', 'NODES')));
        return /cluster_state:ok/.test(info) && v.masters.filter((m) => m.slots.length).length === 3;
      });
    }
    return tc;
  } catch (err) {
    await tc.stop();
    throw err;
  }
}

export const TYPES = ['string', 'hash', 'list', 'set', 'zset', 'stream'] as const;

/** Keys of every type under the hash tags given (one slot per tag), binary names among them, a third with a TTL. */
export async function writeTaggedKeys(tc: TestCluster, tags: string[], perTag: number): Promise<Buffer[]> {
  const [host, port] = tc.addresses[0].split(':');
  const cluster = new Cluster([{ host, port: Number(port) }], { redisOptions: { password: tc.password } });
  cluster.on('error', () => undefined);
  const names: Buffer[] = [];
  try {
    for (const tag of tags) {
      const p = cluster.pipeline();
      for (let i = 0; i < perTag; i++) {
        const name = i % 7 === 0 ? Buffer.concat([Buffer.from(`{${tag}}`), Buffer.from([0xff, 0x00, 0xfe, i & 0xff, 0x0a])]) : Buffer.from(`{${tag}}:k${i}`);
        names.push(name);
        const type = TYPES[i % TYPES.length];
        if (type === 'string') p.set(name, `value ${i} ${'x'.repeat(i * 10)}`);
        if (type === 'hash') p.hset(name, 'f1', `v${i}`, 'f2', Buffer.from([0, 1, 2, i & 0xff]));
        if (type === 'list') p.rpush(name, 'a', 'b', `c${i}`);
        if (type === 'set') p.sadd(name, 'x', 'y', `z${i}`);
        if (type === 'zset') p.zadd(name, 1, 'one', i, `m${i}`);
        if (type === 'stream') p.xadd(name, '*', 'f', `v${i}`);
        if (i % 3 === 0) p.pexpire(name, 3_600_000 + i * 1000);
      }
      const res = await p.exec();
      const err = res?.find(([e]) => e);
      if (err) throw err[0];
    }
  } finally {
    cluster.disconnect();
  }
  return names;
}

export function slotOfTag(tag: string): number {
  return calculateSlot(`{${tag}}`);
}

export interface KeyCopy {
  /** DEBUG DIGEST-VALUE: the value whatever its encoding (a DUMP of a hashtable set depends on its order) */
  digest: string;
  pttl: number;
}

/** Every key of the slots on the node that owns each, by key (hex): its digest and PTTL. */
export async function snapshotSlots(tc: TestCluster, slots: number[]): Promise<Map<string, KeyCopy>> {
  const v = await tc.view();
  const out = new Map<string, KeyCopy>();
  for (const s of slots) {
    const owner = v.masters.find((m) => m.slots.some(([a, b]) => s >= a && s <= b))!;
    const c = await tc.conn(owner.address);
    const keys = (await call(c, 'CLUSTER', 'GETKEYSINSLOT', s, 100_000)) as Buffer[];
    for (const k of keys) out.set(k.toString('hex'), { digest: String(((await call(c, 'DEBUG', 'DIGEST-VALUE', k)) as Buffer[])[0]), pttl: (await call(c, 'PTTL', k)) as number });
  }
  return out;
}

/** redis-cli --cluster check: its exit code and output. */
export async function clusterCheck(tc: TestCluster): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout } = await run(tc.bins.cli, ['--cluster', 'check', tc.addresses[0]], { env: { ...process.env, ...tc.bins.env, REDISCLI_AUTH: tc.password }, timeout: 30_000 });
    return { ok: !/\[(WARNING|ERR)\]/.test(stdout) && /All 16384 slots covered/.test(stdout), out: stdout };
  } catch (err) {
    return { ok: false, out: String((err as { stdout?: string }).stdout ?? err) };
  }
}

export async function waitClean(tc: TestCluster): Promise<string> {
  let last = '';
  await until('redis-cli --cluster check to be clean', async () => {
    const r = await clusterCheck(tc);
    last = r.out;
    return r.ok;
  }, 10_000).catch(() => undefined);
  return last;
}
