// Shared by the live replication tests: servers with their own config, a live job between two of them, and a
// writer of mixed commands whose INCR counters' final values it knows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { parseEndpoint } from '../../src/options/endpoint.js';
import { DEFAULT_CONNECT } from '../../src/engine/redis/connect.js';
import { LiveJob } from '../../src/engine/live/job.js';
import type { LiveEvent, LiveOptions, LiveStats, LiveSummary } from '../../src/engine/live/types.js';
import { openSide, type Side } from '../../src/engine/replicate/side.js';
import { freePort } from '../../src/lab/ports.js';
import { findRedis } from '../../src/lab/redis-binaries.js';
import { LabServer } from '../../src/lab/server.js';
import { until } from './helpers.js';

export class Servers {
  readonly dir = mkdtempSync(join(tmpdir(), 'cutover-live-'));
  readonly all: LabServer[] = [];
  readonly clients: Redis[] = [];
  private bins = findRedis();

  async start(name: string, config: string[] = []): Promise<{ server: LabServer; redis: Redis }> {
    const server = new LabServer(this.bins, this.dir, { name, kind: 'redis', port: await freePort(), config });
    this.all.push(server);
    await server.start();
    return { server, redis: this.client(server.port) };
  }

  client(port: number): Redis {
    const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 2, retryStrategy: () => 100 });
    redis.on('error', () => undefined);
    this.clients.push(redis);
    return redis;
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.disconnect();
    await Promise.all(this.all.map((s) => s.kill()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const LIVE_DEFAULTS: LiveOptions = {
  mode: 'live',
  liveSource: 'psync',
  scan: { count: 1000, include: [], exclude: [] },
  allDbs: false,
  allowFlush: false,
  eventQueue: 10_000,
  eventOrder: 'fifo',
  flushIntervalMs: 20,
  enableNotifications: false,
  verifyOnIdle: false,
  type: 'dump',
  readBatch: 500,
  readThreads: 2,
  readQueue: 10_000,
  writeBatch: 500,
  targetPool: 4,
  ttlToleranceMs: 1000,
  listeningPort: 0,
  ackIntervalMs: 200,
};

export interface RunningLive {
  job: LiveJob;
  source: Side;
  target: Side;
  events: LiveEvent[];
  logs: string[];
  last(): LiveStats;
  done: Promise<LiveSummary>;
  /** waits until the target has everything the source has sent (streaming, nothing queued, lag 0) */
  caughtUp(timeoutMs?: number): Promise<LiveStats>;
  stop(): Promise<LiveSummary>;
}

export async function startLive(sourceAddress: string, targetAddress: string, o: Partial<LiveOptions> = {}): Promise<RunningLive> {
  const conn = { ...DEFAULT_CONNECT, commandTimeoutMs: 5000, connectTimeoutMs: 2000 };
  const source = await openSide(parseEndpoint(sourceAddress), conn, sourceAddress, 'cutover-source');
  const target = await openSide(parseEndpoint(targetAddress), conn, targetAddress, 'cutover-target');
  const job = new LiveJob(source, target, { ...LIVE_DEFAULTS, ...o });
  const events: LiveEvent[] = [];
  const logs: string[] = [];
  job.events.on((e) => {
    events.push(e);
    if (e.type === 'log') logs.push(`${e.level}: ${e.message}`);
  });
  const done = job.run().finally(() => {
    source.close();
    target.close();
  });
  done.catch(() => undefined);
  const last = () => job.stats();
  return {
    job,
    source,
    target,
    events,
    logs,
    last,
    done,
    caughtUp: async (timeoutMs = 20_000) => {
      // everything the source has written so far: its master_repl_offset now
      let want = -1;
      for (const end = Date.now() + timeoutMs; want < 0 && Date.now() < end; ) {
        const info = await source.masters[0].info('replication').catch(() => undefined); // reconnecting after a fault
        if (info) want = Number(/master_repl_offset:(\d+)/.exec(info)?.[1] ?? 0);
        else await new Promise((r) => setTimeout(r, 100));
      }
      return until(
        `the live job to apply up to offset ${want}`,
        () => {
          const s = job.stats();
          return s.phase === 'streaming' && s.queueDepth === 0 && s.appliedOffset >= want && s;
        },
        timeoutMs,
      );
    },
    stop: async () => {
      job.stop();
      return done;
    },
  };
}

/** Mixed writes on every type, INCR counters whose final values `expected` holds. */
export class Writer {
  readonly expected = new Map<string, number>();
  private n = 0;

  constructor(
    private readonly redis: Redis,
    private readonly counters = 50,
  ) {}

  /** One round of `count` commands in a pipeline (a MULTI/EXEC every tenth round). */
  async round(count = 50): Promise<void> {
    const p = this.redis.pipeline();
    for (let i = 0; i < count; i++) {
      const n = this.n++;
      const c = `counter:${n % this.counters}`;
      switch (n % 8) {
        case 0:
        case 1:
          p.incr(c);
          this.expected.set(c, (this.expected.get(c) ?? 0) + 1);
          break;
        case 2:
          p.set(`s:${n % 97}`, `v${n}`);
          break;
        case 3:
          p.hset(`h:${n % 31}`, `f${n % 7}`, String(n));
          break;
        case 4:
          p.rpush(`l:${n % 13}`, String(n));
          p.ltrim(`l:${n % 13}`, -20, -1);
          break;
        case 5:
          p.zadd(`z:${n % 11}`, n, `m${n % 50}`);
          p.sadd(`set:${n % 11}`, `m${n % 40}`);
          break;
        case 6:
          p.xadd(`x:${n % 5}`, 'MAXLEN', '100', '*', 'n', String(n));
          break;
        case 7:
          p.set(`t:${n % 17}`, 'x', 'PX', 60_000);
          if (n % 3 === 0) p.del(`s:${(n + 50) % 97}`);
          break;
      }
    }
    await p.exec();
    if (this.n % 500 < count) {
      const c = `counter:${this.n % this.counters}`;
      await this.redis.multi().incr(c).set('txn:last', String(this.n)).exec();
      this.expected.set(c, (this.expected.get(c) ?? 0) + 1);
    }
  }

  /** Counters on a server that differ from what was written: [lost, extra]. */
  async check(on: Redis): Promise<{ lost: number; extra: number }> {
    const keys = [...this.expected.keys()];
    const values = await on.mget(keys);
    let lost = 0;
    let extra = 0;
    keys.forEach((k, i) => {
      const d = this.expected.get(k)! - Number(values[i] ?? 0);
      if (d > 0) lost += d;
      else extra -= d;
    });
    return { lost, extra };
  }
}
