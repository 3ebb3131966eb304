// The lab's dataset loader and background workload, against one real redis-server started here.
import { isUtf8 } from 'node:buffer';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { loadDataset, DATASET_TYPES } from '../../src/lab/dataset.js';
import { startWorkload } from '../../src/lab/workload.js';
import { freePort } from '../../src/lab/ports.js';
import { findRedis } from '../../src/lab/redis-binaries.js';
import { LabServer } from '../../src/lab/server.js';
import { until } from './helpers.js';

// ------------------------------------------------------------------- one lab server

async function startRedis(): Promise<{ port: number; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-dataset-'));
  const server = new LabServer(findRedis(), dir, { name: 'dataset', kind: 'redis', port: await freePort(), config: [] });
  await server.start();
  return {
    port: server.port,
    stop: async () => {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A standalone master keeps no replication backlog (so master_repl_offset stays 0) until a replica
 * has asked for a sync once: ask, over a raw socket, then hang up. The backlog then stays an hour.
 */
function fakeReplicaSync(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port }, () => sock.write('PSYNC ? -1\r\n'));
    sock.once('data', (d) => {
      sock.destroy();
      if (d.toString().startsWith('+FULLRESYNC')) resolve();
      else reject(new Error(`unexpected PSYNC reply: ${d.toString().slice(0, 80)}`));
    });
    sock.once('error', reject);
  });
}

// ------------------------------------------------------------------------------------- helpers

async function allKeys(client: Redis, match = '*'): Promise<Buffer[]> {
  const keys: Buffer[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scanBuffer(cursor, 'MATCH', match, 'COUNT', 1000);
    cursor = next.toString();
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

async function replOffset(client: Redis): Promise<number> {
  const info = await client.info('replication');
  return Number(/master_repl_offset:(\d+)/.exec(info)?.[1] ?? NaN);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --------------------------------------------------------------------------------------- tests

describe('lab dataset and workload', () => {
  let server: Awaited<ReturnType<typeof startRedis>>;
  let client: Redis;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await startRedis();
    client = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true });
    await client.connect();
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    client?.disconnect();
    await server?.stop();
  });

  it('loads 20,000 keys of every type, a third with TTL, some binary', async () => {
    await client.flushall();
    const progress: number[] = [];
    const res = await loadDataset(client, { keys: 20_000, seed: 7, onProgress: (n, total) => progress.push(n / total) });

    expect(res.loaded).toBe(20_000);
    expect(await client.dbsize()).toBe(20_000);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    // every type is present, in about the intended shares
    expect(Object.keys(res.byType).sort()).toEqual([...DATASET_TYPES].sort());
    expect(Object.values(res.byType).reduce((a, b) => a + b, 0)).toBe(20_000);
    for (const t of DATASET_TYPES) expect(res.byType[t]).toBeGreaterThan(500);
    expect(res.byType.string / 20_000).toBeGreaterThan(0.35);
    expect(res.byType.string / 20_000).toBeLessThan(0.45);
    expect(res.withTtl / 20_000).toBeGreaterThan(0.3);
    expect(res.withTtl / 20_000).toBeLessThan(0.37);

    const keys = await allKeys(client);
    expect(keys.length).toBe(20_000);

    // a sample: TYPE and PTTL as the server sees them
    const sample = keys.slice(0, 3000);
    const pipe = client.pipeline();
    for (const k of sample) pipe.type(k).pttl(k);
    const replies = (await pipe.exec())!;
    const types = new Set<string>();
    let withTtl = 0;
    for (let i = 0; i < sample.length; i++) {
      const [typeErr, type] = replies[2 * i];
      const [ttlErr, pttl] = replies[2 * i + 1];
      expect(typeErr).toBeNull();
      expect(ttlErr).toBeNull();
      types.add(type as string);
      // the key name says its type
      expect(sample[i].toString('latin1').split(':')[1]).toBe(type);
      const ms = pttl as number;
      if (ms === -1) continue;
      withTtl++;
      expect(ms).toBeGreaterThan(3_500_000); // ≥ 1 h (less the test's own time)
      expect(ms).toBeLessThanOrEqual(24 * 3_600_000);
    }
    expect([...types].sort()).toEqual([...DATASET_TYPES].sort());
    expect(withTtl / sample.length).toBeGreaterThan(0.27);
    expect(withTtl / sample.length).toBeLessThan(0.4);

    // about 1% of names are not UTF-8
    const binary = keys.filter((k) => !isUtf8(k));
    expect(binary.length).toBeGreaterThan(100);
    expect(binary.length).toBeLessThan(400);
    expect(binary.every((k) => k.subarray(0, 4).toString() === 'lab:')).toBe(true);
    // and they are real keys with contents
    expect(await client.exists(binary[0])).toBe(1);

    // every key of each type has its contents (a few samples)
    const some = (t: string) => keys.find((k) => k.toString('latin1').startsWith(`lab:${t}:`) && isUtf8(k))!;
    expect((await client.get(some('string')))?.length).toBeGreaterThan(0);
    expect(await client.hlen(some('hash'))).toBeGreaterThanOrEqual(2);
    expect(await client.llen(some('list'))).toBeGreaterThanOrEqual(2);
    expect(await client.scard(some('set'))).toBeGreaterThanOrEqual(2);
    expect(await client.zcard(some('zset'))).toBeGreaterThanOrEqual(2);
    expect(await client.xlen(some('stream'))).toBeGreaterThanOrEqual(2);
  });

  it('is deterministic: the same seed gives the same keys and values, and reloading changes nothing', async () => {
    // key names, and the contents of a sample of them (order-free where Redis's order is not ours)
    const contents = async (k: Buffer): Promise<unknown> => {
      const type = await client.type(k);
      switch (type) {
        case 'string':
          return [type, await client.get(k)];
        case 'hash':
          return [type, Object.entries(await client.hgetall(k)).sort()];
        case 'list':
          return [type, await client.lrange(k, 0, -1)];
        case 'set':
          return [type, (await client.smembers(k)).sort()];
        case 'zset':
          return [type, await client.zrange(k, 0, -1, 'WITHSCORES')];
        case 'stream':
          return [type, await client.xrange(k, '-', '+')];
        default:
          return [type];
      }
    };
    const snapshot = async () => {
      const keys = (await allKeys(client)).map((k) => k.toString('hex')).sort();
      const values: unknown[] = [];
      for (let i = 0; i < keys.length; i += 10) values.push(await contents(Buffer.from(keys[i], 'hex')));
      return { keys, values };
    };
    await client.flushall();
    await loadDataset(client, { keys: 5_000, seed: 42 });
    const first = await snapshot();

    await client.flushall();
    await loadDataset(client, { keys: 5_000, seed: 42, batch: 333 });
    const second = await snapshot();
    expect(second.keys).toEqual(first.keys);
    expect(second.values).toEqual(first.values);

    // loading again on top: same key set, and (lists and streams are rewritten) same contents
    await loadDataset(client, { keys: 5_000, seed: 42 });
    const third = await snapshot();
    expect(third.keys).toEqual(first.keys);
    expect(third.values).toEqual(first.values);
    expect(await client.dbsize()).toBe(5_000);

    // another seed, another key set
    await client.flushall();
    await loadDataset(client, { keys: 5_000, seed: 43 });
    expect((await snapshot()).keys).not.toEqual(first.keys);
  });

  it('stops between batches when aborted and resolves with what was loaded', async () => {
    await client.flushall();
    const ac = new AbortController();
    const res = await loadDataset(client, {
      keys: 200_000,
      batch: 1000,
      signal: ac.signal,
      onProgress: (n) => {
        if (n >= 5_000) ac.abort();
      },
    });
    expect(res.loaded).toBeGreaterThanOrEqual(5_000);
    expect(res.loaded).toBeLessThan(200_000);
    expect(res.loaded % 1000).toBe(0);
    expect(await client.dbsize()).toBe(res.loaded);

    const none = await loadDataset(client, { keys: 1000, signal: AbortSignal.abort(), prefix: 'other' });
    expect(none.loaded).toBe(0);
    expect(await client.dbsize()).toBe(res.loaded);
  });

  it('rejects, naming the key, when a command fails; stops sending, and settles first', async () => {
    await client.flushall();
    await loadDataset(client, { keys: 3_000, seed: 11, prefix: 'clash' });
    const keys = (await allKeys(client, 'clash:hash:*')).filter((k) => isUtf8(k)).map(String);
    const victim = keys.sort()[0];
    await client.flushall();
    await client.set(victim, 'not a hash'); // HSET on it: WRONGTYPE
    await expect(loadDataset(client, { keys: 3_000, seed: 11, prefix: 'clash', batch: 100 })).rejects.toThrow(
      new RegExp(`${victim}.*WRONGTYPE`),
    );
    // it stopped there: no new batches, and the ones in flight had finished before it rejected
    const size = await client.dbsize();
    expect(size).toBeGreaterThan(1);
    expect(size).toBeLessThan(3_000);
    // the subject is that nothing more comes: a short window in which nothing may be written
    await sleep(100);
    expect(await client.dbsize()).toBe(size);
    expect(await client.get(victim)).toBe('not a hash');
  });

  it('workload moves master_repl_offset, writes only under its prefix, and stops cleanly', async () => {
    await client.flushall();
    await fakeReplicaSync(server.port);
    const before = await replOffset(client);

    const started = Date.now();
    const wl = startWorkload(client, { opsPerSecond: 200 });
    await until('100 workload operations', () => wl.stats().ops >= 100, 5000);
    const mid = wl.stats();
    await wl.stop();
    const after = wl.stats();
    const elapsedMs = Date.now() - started;
    await wl.stop(); // twice is fine

    expect(after.errors).toBe(0);
    expect(after.ops).toBeGreaterThanOrEqual(mid.ops);
    // paced, not flat out: at most 200/s over the time it ran, plus one burst (a quarter of a second's worth)
    expect(after.ops).toBeLessThanOrEqual(Math.floor((elapsedMs / 1000) * 200) + 50);
    expect(await replOffset(client)).toBeGreaterThan(before);

    const keys = (await allKeys(client)).map((k) => k.toString());
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith('wl:'))).toBe(true);

    // nothing more after stop(): the subject is that nothing comes, so a window in which nothing may be written
    const stopped = await replOffset(client);
    await sleep(200);
    expect(await replOffset(client)).toBe(stopped);
    expect(wl.stats()).toEqual(after);
  });

  it('workload counts errors instead of throwing when the server is unreachable', async () => {
    const dead = new Redis({
      host: '127.0.0.1',
      port: await freePort(),
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    dead.on('error', () => {}); // the owner's job, as in the console
    const wl = startWorkload(dead, { opsPerSecond: 100, prefix: 'gone' });
    await until('errors counted', () => wl.stats().errors > 5, 5000);
    await wl.stop();
    const s = wl.stats();
    expect(s.ops).toBe(0);
    expect(s.errors).toBeGreaterThan(5);
    dead.disconnect();
  });

  it('left no unhandled rejections', () => {
    expect(unhandled).toEqual([]);
  });
});
