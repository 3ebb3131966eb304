// Preflight on real servers: a target user that may only read, and a target full at maxmemory with noeviction,
// are one line and exit 2 before any write (not a retry per key); a dataset bigger than the headroom is a warning.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../src/options/endpoint.js';
import { DEFAULT_CONNECT } from '../../src/engine/redis/connect.js';
import { preflightTarget } from '../../src/engine/replicate/preflight-target.js';
import { openSide } from '../../src/engine/replicate/side.js';
import type { LabServer } from '../../src/lab/server.js';
import { runCli, standaloneServers, stopServers } from './helpers.js';

const PASSWORD = 'Pre-flight-S3cret';
const KEYS = 1000;
let servers: LabServer[] = [];
let dir: string | undefined;
let source: Redis;
let target: Redis;

beforeAll(async () => {
  ({ servers, dir } = await standaloneServers(['source', 'target'], 'cutover-preflight-'));
  source = new Redis({ host: '127.0.0.1', port: servers[0].port });
  target = new Redis({ host: '127.0.0.1', port: servers[1].port });
  const p = source.pipeline();
  for (let i = 0; i < KEYS; i++) p.set(`pre:${i}`, 'x'.repeat(1000));
  await p.exec();
  // reads, and INFO (which cutover needs to see what a server is)
  await target.call('ACL', 'SETUSER', 'reader', 'on', `>${PASSWORD}`, '+@read', '+info', '~*');
  await target.call('ACL', 'SETUSER', 'noinfo', 'on', `>${PASSWORD}`, '+@read', '~*');
});
afterEach(async () => {
  await target.config('SET', 'maxmemory', '0');
  await target.flushall();
});
afterAll(async () => {
  await stopServers(servers, dir, [source, target]);
});

const src = () => `redis://${servers[0].address}`;
const asReader = () => `redis://reader:${PASSWORD}@${servers[1].address}`;

describe('preflight: what will certainly fail is refused before the first write', () => {
  it.each(['dump', 'struct'])('a target user with only +@read +info ~* (--type %s): one line, exit 2, nothing written', async (type) => {
    const r = await runCli(['replicate', '--source', src(), '--target', asReader(), '--type', type]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^cutover: target .* user 'reader' may not write keys \((RESTORE|SET)/);
    expect(r.stderr + r.stdout).not.toContain(PASSWORD);
    expect(r.stdout).toBe('');
    expect(await target.dbsize()).toBe(0);
  });

  it('a user without INFO is one line naming it, exit 2', async () => {
    const r = await runCli(['replicate', '--source', src(), '--target', `redis://noinfo:${PASSWORD}@${servers[1].address}`]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/user 'noinfo' may not run INFO, which cutover needs/);
    expect(r.stderr).not.toContain(PASSWORD);
  });

  it('compare only reads: the same read-only user may compare', async () => {
    const r = await runCli(['compare', '--source', src(), '--target', asReader()]);
    expect(r.stderr).not.toMatch(/may not/);
    expect(r.code).toBe(1); // every key missing on the empty target: a difference, not a refusal
    expect(r.stdout).toMatch(/"missing":1000/);
  });

  it('a target at maxmemory with noeviction: one line, exit 2, no key by key OOM retries', async () => {
    await target.config('SET', 'maxmemory-policy', 'noeviction');
    await target.config('SET', 'maxmemory', '1mb');
    // fill it until it refuses
    for (let i = 0; ; i++) {
      const err = await target.set(`fill:${i}`, 'y'.repeat(1000)).then(
        () => undefined,
        (e: Error) => e,
      );
      if (err) {
        expect(err.message).toMatch(/^OOM/);
        break;
      }
    }
    const before = await target.dbsize();
    const started = Date.now();
    const r = await runCli(['replicate', '--source', src(), '--target', servers[1].address, '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/is full: used_memory .* of maxmemory 1\.0 MB with maxmemory-policy noeviction/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await target.dbsize()).toBe(before);
  });

  it('warns when the source dataset is larger than the target headroom', async () => {
    const info = await target.info('memory');
    const used = Number(/used_memory:(\d+)/.exec(info)![1]);
    await target.config('SET', 'maxmemory', String(used + 200 * 1024));
    const s = await openSide(parseEndpoint(src()), DEFAULT_CONNECT, 'source', 'test-source');
    const t = await openSide(parseEndpoint(servers[1].address), DEFAULT_CONNECT, 'target', 'test-target');
    try {
      const warnings = await preflightTarget(s, t, { writes: true, type: 'dump' });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/dataset \(.*\) is larger than the target's free memory .* writes may fail with OOM/);
      expect(await preflightTarget(s, t, { writes: false, type: 'dump' })).toEqual([]);
    } finally {
      s.close();
      t.close();
    }
  });
});
