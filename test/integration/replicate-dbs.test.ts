// Databases and where the source is read: --all-dbs (every non-empty db into the same number), --source-db /
// --target-db and the URI's /N, and --read-from replica on a replica chain and on a cluster, shown by the
// servers' own INFO commandstats: the reads went to the replicas, none to the masters.
import { rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { LabServer } from '../../src/lab/server.js';
import { runCli, standaloneServers, until } from './helpers.js';

const LAB_KEYS = 600;
let dir: string;
let servers: LabServer[] = [];
let replication: Lab;
let cluster: Lab;
const clients: Redis[] = [];

function client(port: number, db = 0): Redis {
  const c = new Redis({ host: '127.0.0.1', port, db });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  ({ servers, dir } = await standaloneServers(['src', 'dst'], 'cutover-dbs-'));
  [replication, cluster] = await Promise.all([
    startLab({ preset: 'replication', keys: LAB_KEYS }),
    startLab({ preset: 'cluster', keys: LAB_KEYS }),
  ]);
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await Promise.all([...servers.map((s) => s.kill()), replication?.stop(), cluster?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const src = () => servers[0];
const dst = () => servers[1];

async function run(args: string[]) {
  const r = await runCli(args);
  const events = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const summaries = (phase: string) => events.filter((e) => e.event === 'summary' && e.phase === phase);
  return { ...r, events, snapshots: summaries('snapshot'), compares: summaries('compare') };
}


/** Calls per command from INFO commandstats. */
async function commandCalls(c: Redis): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of (await c.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[m[1]] = Number(m[2]);
  return out;
}

async function fill(c: Redis, prefix: string, n: number): Promise<void> {
  const p = c.pipeline();
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) p.set(`${prefix}:s:${i}`, `${prefix}-${i}`);
    else if (i % 3 === 1) p.hset(`${prefix}:h:${i}`, 'f', `${prefix}-${i}`);
    else p.zadd(`${prefix}:z:${i}`, i, `${prefix}-${i}`);
  }
  p.pexpire(`${prefix}:s:0`, 3_600_000);
  await p.exec();
}

describe('--all-dbs', () => {
  it('copies db 0, 3 and 7 into the same dbs, one pass each, and verifies each', async () => {
    await Promise.all([fill(client(src().port, 0), 'zero', 10), fill(client(src().port, 3), 'three', 20), fill(client(src().port, 7), 'seven', 30)]);
    const r = await run(['replicate', '--source', src().address, '--target', dst().address, '--all-dbs', '--check-extra']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.snapshots.map((s) => [s.db, s.counts.written, s.counts.failed])).toEqual([
      [0, 10, 0],
      [3, 20, 0],
      [7, 30, 0],
    ]);
    expect(r.compares.map((c) => [c.db, c.counts.ok, c.line])).toEqual([
      [0, 10, '0 missing, 0 type, 0 value, 0 ttl, 0 extra'],
      [3, 20, '0 missing, 0 type, 0 value, 0 ttl, 0 extra'],
      [7, 30, '0 missing, 0 type, 0 value, 0 ttl, 0 extra'],
    ]);
    expect(r.events.filter((e) => e.event === 'progress').every((e) => [0, 3, 7].includes(e.db))).toBe(true);
    for (const [db, n, prefix] of [
      [0, 10, 'zero'],
      [3, 20, 'three'],
      [7, 30, 'seven'],
    ] as const) {
      const t = client(dst().port, db);
      expect(await t.dbsize()).toBe(n);
      expect(await t.get(`${prefix}:s:3`)).toBe(`${prefix}-3`);
      expect(await t.pttl(`${prefix}:s:0`)).toBeGreaterThan(3_500_000);
    }

    // compare --all-dbs finds a difference in db 7 only, and keys in a db only the target fills as extra
    await client(dst().port, 7).set('seven:s:3', 'changed');
    await client(dst().port, 9).set('only:target', 'x');
    const c = await run(['compare', '--source', src().address, '--target', dst().address, '--all-dbs', '--check-extra']);
    expect(c.code).toBe(1);
    expect(c.compares.map((s) => [s.db, s.line])).toEqual([
      [0, '0 missing, 0 type, 0 value, 0 ttl, 0 extra'],
      [3, '0 missing, 0 type, 0 value, 0 ttl, 0 extra'],
      [7, '0 missing, 0 type, 1 value, 0 ttl, 0 extra'],
      [9, '0 missing, 0 type, 0 value, 0 ttl, 1 extra'],
    ]);

    // a second copy into the now full target is refused, on one line, naming the dbs
    const again = await runCli(['replicate', '--source', src().address, '--target', dst().address, '--all-dbs']);
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toMatch(/already holds 60 keys in db 0, 3, 7: add --merge-policy/);
    await client(dst().port).flushall();
  });

  it('refuses --source-db/--target-db and a cluster side, on one line each', async () => {
    for (const args of [
      ['--all-dbs', '--source-db', '2'],
      ['--all-dbs', '--target-db', '1'],
    ]) {
      const r = await runCli(['replicate', '--source', src().address, '--target', dst().address, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/--all-dbs copies each database into the same number/);
    }
    const r = await runCli(['replicate', '--source', src().address, '--target', cluster.server('c1').address, '--all-dbs']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--all-dbs is for standalone servers: the target .* is a cluster/);
  });
});

describe('--source-db / --target-db', () => {
  it('copies db 2 into db 5, by options and by the URI path', async () => {
    await fill(client(src().port, 2), 'two', 25);
    const r = await run(['replicate', '--source', src().address, '--target', dst().address, '--source-db', '2', '--target-db', '5']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.snapshots[0]).toMatchObject({ db: 2, targetDb: 5, counts: { written: 25, failed: 0 } });
    expect(r.compares[0]).toMatchObject({ db: 2, targetDb: 5, line: '0 missing, 0 type, 0 value, 0 ttl' });
    expect(await client(dst().port, 5).dbsize()).toBe(25);
    expect(await client(dst().port, 0).dbsize()).toBe(0);

    await client(dst().port).flushall();
    const u = await run(['replicate', '--source', `redis://${src().address}/2`, '--target', `redis://${dst().address}/5`, '--type', 'struct']);
    expect(u.code).toBe(0);
    expect(u.snapshots[0]).toMatchObject({ db: 2, targetDb: 5, counts: { written: 25 } });
    expect(await client(dst().port, 5).get('two:s:3')).toBe('two-3');
    await client(dst().port).flushall();
  });
});

describe('--read-from replica', () => {
  it('reads a standalone master through its first online replica', async () => {
    const master = client(replication.server('master').port);
    const r1 = client(replication.server('r1').port);
    await until('r1 to hold every key', async () => (await r1.dbsize()) === (await master.dbsize()));
    await Promise.all([master.config('RESETSTAT'), r1.config('RESETSTAT')]);
    const r = await run(['replicate', '--source', replication.server('master').address, '--target', dst().address, '--read-from', 'replica', '--check-extra']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.snapshots[0].counts).toMatchObject({ total: LAB_KEYS, written: LAB_KEYS, failed: 0 });
    expect(r.compares[0].line).toBe('0 missing, 0 type, 0 value, 0 ttl, 0 extra');
    const [m, rep] = await Promise.all([commandCalls(master), commandCalls(r1)]);
    expect(rep.scan).toBeGreaterThan(0);
    expect(rep.dump).toBe(2 * LAB_KEYS); // the snapshot's and the compare's
    expect(rep.exists).toBe(LAB_KEYS); // --check-extra asks the source (its replica) about every target key
    expect(m.scan ?? 0).toBe(0);
    expect(m.dump ?? 0).toBe(0);
    expect(m.exists ?? 0).toBe(0);
    await client(dst().port).flushall();
  });

  it('reads a cluster through one replica of each master', async () => {
    const nodes = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((n) => client(cluster.server(n).port));
    const roles = await Promise.all(nodes.map(async (c) => /role:master/.test(await c.info('replication'))));
    const masters = nodes.filter((_c, i) => roles[i]);
    const replicas = nodes.filter((_c, i) => !roles[i]);
    expect(masters).toHaveLength(3);
    const sum = async (cs: Redis[]) => (await Promise.all(cs.map((c) => c.dbsize()))).reduce((a, b) => a + b, 0);
    await until('the replicas to hold every key', async () => (await sum(replicas)) === LAB_KEYS);
    await Promise.all(nodes.map((c) => c.config('RESETSTAT')));
    const r = await run(['replicate', '--source', cluster.server('c1').address, '--target', dst().address, '--read-from', 'replica', '--type', 'struct', '--check-extra']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.snapshots[0].counts).toMatchObject({ total: LAB_KEYS, written: LAB_KEYS, failed: 0 });
    expect(r.compares[0].line).toBe('0 missing, 0 type, 0 value, 0 ttl, 0 extra');
    const [m, rep] = await Promise.all([Promise.all(masters.map(commandCalls)), Promise.all(replicas.map(commandCalls))]);
    for (const calls of rep) {
      expect(calls.scan).toBeGreaterThan(0);
      expect(calls.type).toBeGreaterThan(0); // struct reads: TYPE + PTTL, then by type
      expect(calls.dump).toBeGreaterThan(0); // the compare's fast path
    }
    expect(rep.reduce((n, c) => n + c.dump, 0)).toBe(LAB_KEYS);
    for (const calls of m) {
      expect(calls.scan ?? 0).toBe(0);
      expect(calls.type ?? 0).toBe(0);
      expect(calls.dump ?? 0).toBe(0);
    }
    await client(dst().port).flushall();
  });

  it('refuses, on one line, a source with no replica to read from', async () => {
    const r = await runCli(['replicate', '--source', src().address, '--target', dst().address, '--read-from', 'replica']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--read-from replica: .* has no online replica to read from/);
  });
});
