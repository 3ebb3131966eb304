// A light, steady background write load, so the console shows replication offsets moving.
//
// Writes only under its own prefix (default 'wl') to a bounded set of keys: INCR counters, SET … PX,
// HSET, LPUSH + LTRIM, ZADD over a bounded member set, XADD … MAXLEN ~ 1000. Errors (the master went
// away, READONLY after a failover, …) are counted, never thrown; it keeps going until stop().
// It attaches nothing to the client's events: the owner of the client does that.
import type { Cluster, Redis } from 'ioredis';
import { mix32, mulberry32 } from './dataset.js';

export interface WorkloadOptions {
  /** default 50 */
  opsPerSecond?: number;
  /** default 'wl' */
  prefix?: string;
  seed?: number;
}

export interface Workload {
  /** Stops issuing commands and waits for those in flight. Safe to call more than once. */
  stop(): Promise<void>;
  /** ops: operations that succeeded; errors: operations that failed. */
  stats(): { ops: number; errors: number };
}

const LIST_LEN = 100;
const STREAM_MAXLEN = 1000;

export function startWorkload(client: Redis | Cluster, opts: WorkloadOptions = {}): Workload {
  const rate = Math.max(0, opts.opsPerSecond ?? 50);
  const p = opts.prefix ?? 'wl';
  const rand = mulberry32(mix32((opts.seed ?? 1) >>> 0, 0x770ad));
  const int = (n: number) => Math.floor(rand() * n);

  let ops = 0;
  let errors = 0;
  let stopped = false;
  let stopping: Promise<void> | undefined;
  const inFlight = new Set<Promise<unknown>>();
  // If the server stops answering (a failover in progress), do not pile up commands in the client's
  // offline queue: beyond this many unanswered operations, ticks skip theirs.
  const maxInFlight = Math.max(32, Math.ceil(rate * 2));

  const operation = (): Promise<unknown> => {
    switch (int(6)) {
      case 0:
        return client.incr(`${p}:counter:${int(8)}`);
      case 1:
        return client.set(`${p}:str:${int(256)}`, `v${int(1e6)}`, 'PX', 60_000 + int(240_000));
      case 2:
        return client.hset(`${p}:hash:${int(16)}`, `f${int(32)}`, `v${int(1e6)}`);
      case 3: {
        const key = `${p}:list:${int(8)}`;
        return Promise.all([client.lpush(key, `v${int(1e6)}`), client.ltrim(key, 0, LIST_LEN - 1)]);
      }
      case 4:
        return client.zadd(`${p}:zset:${int(8)}`, int(10_000), `m${int(500)}`);
      default:
        return client.xadd(`${p}:stream:${int(4)}`, 'MAXLEN', '~', STREAM_MAXLEN, '*', 'n', int(1e6), 'v', `v${int(1e6)}`);
    }
  };

  const issue = () => {
    let op: Promise<unknown>;
    try {
      op = operation();
    } catch {
      errors++;
      return;
    }
    const tracked: Promise<unknown> = op.then(
      () => {
        ops++;
      },
      () => {
        errors++;
      },
    );
    inFlight.add(tracked);
    void tracked.finally(() => inFlight.delete(tracked));
  };

  // Paced by the clock, not by the timer count, so the rate holds when ticks are late; after a stall
  // we do not burst to catch up more than a quarter of a second's worth.
  const started = performance.now();
  let issued = 0;
  const burst = Math.max(1, Math.ceil(rate / 4));
  const tick = () => {
    if (stopped) return;
    try {
      const due = Math.floor(((performance.now() - started) / 1000) * rate);
      let n = due - issued;
      if (n > burst) n = burst;
      issued = due;
      for (let k = 0; k < n && inFlight.size < maxInFlight; k++) issue();
    } catch {
      errors++;
    }
  };
  const timer = rate > 0 ? setInterval(tick, Math.min(100, Math.max(10, 1000 / rate))) : undefined;
  timer?.unref();

  return {
    stop() {
      if (!stopping) {
        stopped = true;
        if (timer) clearInterval(timer);
        stopping = (async () => {
          while (inFlight.size) await Promise.allSettled([...inFlight]);
        })();
      }
      return stopping;
    },
    stats() {
      return { ops, errors };
    },
  };
}
