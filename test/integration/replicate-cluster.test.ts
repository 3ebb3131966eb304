// Replication with a Redis Cluster on either side: cluster → standalone, standalone → cluster, cluster → cluster.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { freePort } from '../../src/lab/ports.js';
import { findRedis } from '../../src/lab/redis-binaries.js';
import { LabServer } from '../../src/lab/server.js';
import { runCli } from './helpers.js';

const KEYS = 2000;
let full: Lab;
let empty: Lab;
let standalone: LabServer;
let dir: string;

beforeAll(async () => {
  [full, empty] = await Promise.all([startLab({ preset: 'cluster', keys: KEYS }), startLab({ preset: 'cluster' })]);
  dir = mkdtempSync(join(tmpdir(), 'cutover-repl-cluster-'));
  standalone = new LabServer(findRedis(), dir, { name: 'standalone', kind: 'redis', port: await freePort(), config: [] });
  await standalone.start();
});
afterAll(async () => {
  await Promise.all([full?.stop(), empty?.stop(), standalone?.kill()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function summaries(args: string[]) {
  const r = await runCli(args);
  const events = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { code: r.code, stderr: r.stderr, snapshot: events.find((e) => e.phase === 'snapshot' && e.event === 'summary'), compare: events.find((e) => e.phase === 'compare' && e.event === 'summary') };
}

describe('replicate with a cluster', () => {
  it('copies cluster → standalone, every master scanned', async () => {
    const r = await summaries(['replicate', '--source', full.server('c2').address, '--target', standalone.address, '--type', 'struct']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.snapshot.counts).toMatchObject({ total: KEYS, written: KEYS, failed: 0 });
    expect(r.compare.line).toBe('0 missing, 0 type, 0 value, 0 ttl');
  });

  it('copies standalone → cluster, routed by slot', async () => {
    const r = await summaries(['replicate', '--source', standalone.address, '--target', empty.server('c1').address]);
    expect(r.code).toBe(0);
    expect(r.snapshot.counts).toMatchObject({ written: KEYS, failed: 0 });
    expect(r.compare.counts).toMatchObject({ compared: KEYS, ok: KEYS });
    const sizes = await Promise.all(['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map(async (n) => {
      const c = new Redis({ port: empty.server(n).port, host: '127.0.0.1' });
      const role = (await c.info('replication')).includes('role:master') ? await c.dbsize() : 0;
      c.disconnect();
      return role;
    }));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(KEYS);
    expect(sizes.filter((n) => n > 0)).toHaveLength(3);
  });

  it('copies cluster → cluster with --merge-policy overwrite, and compare agrees', async () => {
    const r = await summaries(['replicate', '--source', full.server('c1').address, '--target', empty.server('c3').address, '--merge-policy', 'overwrite', '--check-extra']);
    expect(r.code).toBe(0);
    expect(r.compare.line).toBe('0 missing, 0 type, 0 value, 0 ttl, 0 extra');
  });
});
