// TTLs that cannot grow: a snapshot whose writes wait on a stalled target (SIGSTOP) lands every key with the
// source's own expiry time (PEXPIRETIME equal to the millisecond or so), not the TTL read before the stall.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../src/options/endpoint.js';
import { DEFAULT_CONNECT } from '../../src/engine/redis/connect.js';
import { openSide } from '../../src/engine/replicate/side.js';
import { SnapshotJob } from '../../src/engine/replicate/snapshot.js';
import type { LabServer } from '../../src/lab/server.js';
import { standaloneServers, stopServers } from './helpers.js';

/** How long the target hangs while the copy waits on it: the fault, not a wait for a condition. */
const STALL_MS = 2000;
const KEYS = 200;
let servers: LabServer[] = [];
let dir: string | undefined;
let source: Redis;
let target: Redis;
let paused: number | undefined;

beforeAll(async () => {
  ({ servers, dir } = await standaloneServers(['source', 'target'], 'cutover-ttl-'));
  source = new Redis({ host: '127.0.0.1', port: servers[0].port });
  target = new Redis({ host: '127.0.0.1', port: servers[1].port });
  const p = source.pipeline();
  for (let i = 0; i < KEYS; i++) {
    p.set(`ttl:s:${i}`, `v${i}`, 'PX', 600_000 + i);
    p.hset(`ttl:h:${i}`, 'f', `v${i}`);
    p.pexpire(`ttl:h:${i}`, 600_000 + i);
  }
  p.set('ttl:none', 'forever');
  await p.exec();
});
afterEach(async () => {
  if (paused) process.kill(paused, 'SIGCONT');
  paused = undefined;
  await target.flushall();
});
afterAll(async () => {
  await stopServers(servers, dir, [source, target]);
});

describe('expiry times across a stalled target', () => {
  it.each(['dump', 'struct'] as const)('--type %s: the target has the source PEXPIRETIME of every key after a ' + STALL_MS + ' ms stall', async (type) => {
    const s = await openSide(parseEndpoint(servers[0].address), DEFAULT_CONNECT, 'source', 'test-source');
    const t = await openSide(parseEndpoint(servers[1].address), DEFAULT_CONNECT, 'target', 'test-target');
    try {
      const job = new SnapshotJob(s, t, {
        type,
        scan: { count: 1000, include: [], exclude: [] },
        readBatch: 50,
        readThreads: 1,
        readQueue: 1000,
        writeBatch: 50,
        targetPool: 1,
        mergePolicy: 'overwrite',
        dryRun: false,
        maxAttempts: 3,
        // a stall, not a lost target: well under the bound (DEFAULT_CONNECT's 2 s command timeout would be it)
        lostAfterMs: 10_000,
      });
      paused = servers[1].pid!;
      process.kill(paused, 'SIGSTOP');
      const running = job.run();
      await new Promise((r) => setTimeout(r, STALL_MS));
      process.kill(paused, 'SIGCONT');
      paused = undefined;
      const summary = await running;
      expect(summary.counts.failed).toBe(0);
      expect(summary.counts.written).toBe(2 * KEYS + 1);
      const keys = [...Array.from({ length: KEYS }, (_, i) => `ttl:s:${i}`), ...Array.from({ length: KEYS }, (_, i) => `ttl:h:${i}`)];
      const [from, to] = await Promise.all(
        [source, target].map(async (c) => {
          const p = c.pipeline();
          for (const k of keys) p.call('PEXPIRETIME', k);
          return ((await p.exec()) ?? []).map(([, v]) => Number(v));
        }),
      );
      const drift = from.map((at, i) => Math.abs(to[i] - at));
      expect(Math.max(...drift)).toBeLessThanOrEqual(5);
      expect(await target.call('PEXPIRETIME', 'ttl:none')).toBe(-1);
    } finally {
      s.close();
      t.close();
    }
  }, 30_000);
});
