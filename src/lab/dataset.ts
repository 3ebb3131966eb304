// The lab's dataset: a deterministic, mixed set of keys, loaded fast with pipelines.
//
// Key n (0 ≤ n < keys) depends only on (seed, n): its type, name, contents and TTL come from a PRNG
// seeded with a hash of both, so the same seed gives the same key set on any topology, and loading
// twice gives the same data (each key's commands are idempotent: lists and streams are DEL'd first).
//
// Speed: the client library's per-command cost is what limits us (Redis itself mostly idles), so
// the loader keeps commands per key low (~1.0 standalone, ~1.4 cluster): one DEL per batch for its
// lists and streams, one MSET per batch for strings without TTL (standalone only: on a cluster,
// multi-key commands must stay in one slot), SET … PX for strings with one; only other keys with
// a TTL need a second command (PEXPIRE), and streams one XADD per entry.
import type { Cluster, Redis } from 'ioredis';
import { RespConnection } from '../engine/redis/resp.js';
import { calculateSlot } from '../engine/redis/slot.js';

export type DatasetType = 'string' | 'hash' | 'list' | 'set' | 'zset' | 'stream';
export const DATASET_TYPES: readonly DatasetType[] = ['string', 'hash', 'list', 'set', 'zset', 'stream'];

export interface LoadDatasetOptions {
  keys: number;
  seed?: number;
  /** key names are `{prefix}:{type}:{n}`; default 'lab' */
  prefix?: string;
  /** keys per pipeline batch; default 1000 */
  batch?: number;
  /** checked between batches: the promise then resolves with what was loaded */
  signal?: AbortSignal;
  /** after each batch is acknowledged */
  onProgress?: (loaded: number, total: number) => void;
}

export interface LoadDatasetResult {
  /** keys written (and acknowledged) */
  loaded: number;
  /** keys written, by type: string, hash, list, set, zset, stream */
  byType: Record<string, number>;
  /** of those, keys with a TTL (1 h to 24 h) */
  withTtl: number;
  ms: number;
}

/** Batches sent whose replies we have not awaited yet. */
const IN_FLIGHT = 4;
const HOUR = 3_600_000;
const TTL_SHARE = 1 / 3;
const BINARY_SHARE = 0.01;

// ---------------------------------------------------------------------------------------- PRNG

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes two 32-bit numbers into one (murmur3's finaliser over a combination of both). */
export function mix32(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul((b + 0x632be5ab) | 0, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// ------------------------------------------------------------------------------------ the keys

type Arg = string | Buffer | number;
type Sink = (name: string, args: Arg[]) => void;
/** What a batch is sent through: a client library's pipeline, or the lab's bare RESP one. */
interface Pipelining {
  pipeline(): { call(name: string, args: Arg[]): unknown; exec(): Promise<Array<[Error | null, unknown]> | null> };
}

interface Head {
  n: number;
  key: string | Buffer;
  type: DatasetType;
  /** ms; 0 = no TTL */
  ttl: number;
  /** the PRNG state body() continues from */
  state: number;
  /** commands body() queued for it (0 when it went into the batch's MSET) */
  cmds: number;
}

const WORDS = [
  'alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima',
  'mike', 'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango', 'uniform', 'victor', 'whiskey',
  'xray', 'yankee', 'zulu', 'redis', 'cutover', 'replica', 'master', 'slot', 'offset',
];
const FIELDS = ['name', 'email', 'city', 'plan', 'status', 'score', 'created', 'visits', 'country', 'lang'];
const EVENTS = ['login', 'logout', 'view', 'click', 'purchase', 'signup'];

function pickType(r: number): DatasetType {
  if (r < 0.4) return 'string';
  if (r < 0.56) return 'hash';
  if (r < 0.68) return 'list';
  if (r < 0.81) return 'set';
  if (r < 0.94) return 'zset';
  return 'stream';
}

/** Lists and streams are not idempotent to write: they are DEL'd first. */
const needsDel = (h: Head) => h.type === 'list' || h.type === 'stream';

/** head(n) draws key n's type, TTL and name; body(head) queues the commands that (re)create it. */
class KeyMaker {
  private state = 0;
  private readonly pool: string[] = [];

  constructor(
    private readonly seed: number,
    private readonly prefix: string,
  ) {
    // small values, made once per load from the seed
    this.state = mix32(seed, 0x5eed);
    for (let i = 0; i < 256; i++) {
      const words = 1 + this.int(4);
      let v = WORDS[this.int(WORDS.length)];
      for (let w = 1; w < words; w++) v += '-' + WORDS[this.int(WORDS.length)];
      this.pool.push(`${v}:${this.int(100000)}`);
    }
  }

  /** mulberry32, inlined to avoid a closure per key */
  private rand(): number {
    const a = (this.state = (this.state + 0x6d2b79f5) | 0);
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private int(n: number): number {
    return Math.floor(this.rand() * n);
  }

  private value(): string {
    return this.pool[this.int(this.pool.length)];
  }

  head(n: number): Head {
    this.state = mix32(this.seed, n);
    const type = pickType(this.rand());
    const ttl = this.rand() < TTL_SHARE ? HOUR + this.int(23 * HOUR) : 0;
    let key: string | Buffer;
    if (this.rand() < BINARY_SHARE) {
      // 0xff and 0xfe never occur in UTF-8, so this name is never valid UTF-8; the 4 bytes are
      // fixed width, so the `:{n}` suffix keeps names unique.
      const bytes = Buffer.from([0xff, 0xfe, this.int(256), 0x80 + this.int(64)]);
      key = Buffer.concat([Buffer.from(`${this.prefix}:${type}:`), bytes, Buffer.from(`:${n}`)]);
    } else {
      key = `${this.prefix}:${type}:${n}`;
    }
    return { n, key, type, ttl, state: this.state, cmds: 0 };
  }

  /**
   * Queues h's commands into sink. With `batched`, the caller has DEL'd lists and streams already,
   * and strings without TTL go into its MSET instead.
   */
  body(h: Head, sink: Sink, batched?: { mset: Arg[] }): void {
    this.state = h.state;
    const { key, ttl } = h;
    let cmds = 0;
    const emit = (name: string, args: Arg[]) => {
      sink(name, args);
      cmds++;
    };
    if (!batched && needsDel(h)) emit('del', [key]);
    switch (h.type) {
      case 'string': {
        const v = this.rand() < 0.1 ? String(this.int(1_000_000)) : this.value();
        if (ttl) emit('set', [key, v, 'PX', ttl]);
        else if (batched) batched.mset.push(key, v);
        else emit('set', [key, v]);
        break;
      }
      case 'hash': {
        const count = 2 + this.int(5);
        const off = this.int(FIELDS.length);
        const args: Arg[] = [key];
        for (let j = 0; j < count; j++) args.push(FIELDS[(off + j) % FIELDS.length], this.value());
        emit('hset', args);
        break;
      }
      case 'list': {
        const count = 2 + this.int(5);
        const args: Arg[] = [key];
        for (let j = 0; j < count; j++) args.push(this.value());
        emit('rpush', args);
        break;
      }
      case 'set': {
        const count = 2 + this.int(7);
        const off = this.int(1000);
        const args: Arg[] = [key];
        for (let j = 0; j < count; j++) args.push(`member:${off + j}`);
        emit('sadd', args);
        break;
      }
      case 'zset': {
        const count = 2 + this.int(7);
        const off = this.int(1000);
        const args: Arg[] = [key];
        for (let j = 0; j < count; j++) args.push(this.int(10000), `player:${off + j}`);
        emit('zadd', args);
        break;
      }
      case 'stream': {
        // explicit, deterministic entry IDs (the key was DEL'd, so they are always accepted)
        const count = 2 + this.int(2);
        let ms = 1_700_000_000_000 + this.int(1e9);
        for (let j = 0; j < count; j++) {
          ms += 1 + this.int(1000);
          emit('xadd', [key, `${ms}-0`, 'event', EVENTS[this.int(EVENTS.length)], 'value', this.value()]);
        }
        break;
      }
    }
    if (ttl && h.type !== 'string') emit('pexpire', [key, ttl]);
    h.cmds = cmds;
  }
}

// ------------------------------------------------------------------------------------- sending

function keyText(key: string | Buffer): string {
  return typeof key === 'string' ? key : JSON.stringify(key.toString('latin1'));
}

function failure(h: Head, err: unknown): Error {
  const msg = err instanceof Error ? err.message : String(err);
  return new Error(`loadDataset: writing ${h.type} ${keyText(h.key)} failed: ${msg}`, { cause: err });
}

/**
 * Sends keys in one pipeline; resolves with the keys whose commands failed, and the first error.
 * With `batched` (standalone only: multi-key commands must stay in one slot on a cluster), the
 * lists and streams are DEL'd by one DEL up front and strings without TTL set by one MSET at the end.
 */
async function sendPipeline(
  client: Pipelining,
  maker: KeyMaker,
  heads: Head[],
  batched: boolean,
): Promise<{ failed: Head[]; first?: Error }> {
  const pipe = client.pipeline();
  const sink: Sink = (name, args) => void pipe.call(name, args);
  const dels: Arg[] = [];
  if (batched) for (const h of heads) if (needsDel(h)) dels.push(h.key);
  if (dels.length) pipe.call('del', dels);
  const mset = batched ? { mset: [] as Arg[] } : undefined;
  for (const h of heads) maker.body(h, sink, mset);
  let msetAt = -1;
  if (mset?.mset.length) {
    msetAt = (dels.length ? 1 : 0) + heads.reduce((sum, h) => sum + h.cmds, 0);
    pipe.call('mset', mset.mset);
  }

  const replies = await pipe.exec();
  const reply = (r: number): Error | null => {
    const entry = replies?.[r];
    return entry ? entry[0] : new Error('no reply');
  };
  let r = 0;
  const delError = dels.length ? reply(r++) : null;
  const failed: Head[] = [];
  let first: Error | undefined;
  for (const h of heads) {
    let err = batched && needsDel(h) ? delError : null;
    for (let c = 0; c < h.cmds; c++) {
      const e = reply(r++); // (not `err ||= reply(r++)`: r must advance past every reply)
      err ??= e;
    }
    if (h.cmds === 0 && msetAt >= 0) err ??= reply(msetAt);
    if (err) {
      failed.push(h);
      first ??= failure(h, err);
    }
  }
  return { failed, first };
}

/** Cluster fallback: keys' commands one at a time through the cluster client, which follows MOVED/ASK. */
async function sendOneByOne(cluster: Cluster, maker: KeyMaker, heads: Head[]): Promise<void> {
  const jobs = heads.map((h) => {
    const cmds: [string, Arg[]][] = [];
    maker.body(h, (name, args) => cmds.push([name, args]));
    return { h, cmds };
  });
  await Promise.all(
    jobs.map(async ({ h, cmds }) => {
      try {
        for (const [name, args] of cmds) await cluster.call(name, args);
      } catch (err) {
        throw failure(h, err);
      }
    }),
  );
}

/** Sends keys [from, to), calling tally for each; resolves once all are acknowledged. */
/** Bare RESP connections, one per server: the standalone server, or each cluster master as keys reach it. */
class RawPool {
  private conns = new Map<string, Promise<RespConnection>>();

  constructor(private readonly auth: { password?: string; db?: number }) {}

  /** "host:port" → its connection, opened on first use. */
  get(address: string): Promise<RespConnection> {
    let c = this.conns.get(address);
    if (!c) {
      const at = address.lastIndexOf(':');
      c = RespConnection.open({ host: address.slice(0, at), port: Number(address.slice(at + 1)), password: this.auth.password, db: this.auth.db });
      c.catch(() => undefined);
      this.conns.set(address, c);
    }
    return c;
  }

  async close(): Promise<void> {
    for (const c of this.conns.values()) (await c.catch(() => undefined))?.close();
  }
}

function sendBatch(
  client: Redis | Cluster,
  pool: RawPool,
  maker: KeyMaker,
  from: number,
  to: number,
  tally: (h: Head) => void,
): Promise<void> {
  const heads: Head[] = new Array(to - from);
  for (let n = from; n < to; n++) tally((heads[n - from] = maker.head(n)));
  if (!client.isCluster) {
    const o = (client as Redis).options;
    return pool
      .get(`${o.host ?? '127.0.0.1'}:${o.port ?? 6379}`)
      .then((raw) => sendPipeline(raw, maker, heads, true))
      .then(({ first }) => {
        if (first) throw first;
      });
  }
  // On a cluster, each master gets the keys of its slots over a connection of its own. Keys whose slot
  // has no known owner, or whose commands fail (a slot moved while we loaded, a failover), go again one
  // command at a time through the cluster client, which follows MOVED and ASK.
  const cluster = client as Cluster;
  const groups = new Map<string, Head[]>();
  const loose: Head[] = [];
  for (const h of heads) {
    const owner = cluster.slots[calculateSlot(h.key)]?.[0];
    if (owner === undefined) loose.push(h);
    else {
      const group = groups.get(owner);
      if (group) group.push(h);
      else groups.set(owner, [h]);
    }
  }
  return Promise.all([
    ...[...groups.entries()].map(async ([owner, group]) => {
      let again: Head[];
      try {
        again = (await sendPipeline(await pool.get(owner), maker, group, false)).failed;
      } catch {
        again = group; // the node is gone or refused the whole pipeline
      }
      if (again.length) await sendOneByOne(cluster, maker, again);
    }),
    loose.length ? sendOneByOne(cluster, maker, loose) : undefined,
  ]).then(() => undefined);
}

// ------------------------------------------------------------------------------------- loading

export async function loadDataset(client: Redis | Cluster, opts: LoadDatasetOptions): Promise<LoadDatasetResult> {
  const started = performance.now();
  const total = Math.max(0, Math.floor(opts.keys));
  const seed = (opts.seed ?? 1) >>> 0;
  const batchSize = Math.max(1, Math.floor(opts.batch ?? 1000));
  const maker = new KeyMaker(seed, opts.prefix ?? 'lab');

  const byType: Record<string, number> = {};
  for (const t of DATASET_TYPES) byType[t] = 0;
  let loaded = 0;
  let withTtl = 0;

  // A cluster client needs its slot map before we can group keys by node.
  if (client.isCluster && total > 0 && !(client as Cluster).slots.length) await client.ping();
  // Servers are fed through bare RESP pipelines: the client library's per-command cost is the bottleneck.
  const o = client.isCluster ? (client as Cluster).options.redisOptions ?? {} : (client as Redis).options;
  const pool = new RawPool({ password: o.password, db: client.isCluster ? 0 : (o as Redis['options']).db });

  type Batch = { promise: Promise<void>; keys: number; types: Record<string, number>; ttl: number };
  const inFlight: Batch[] = [];
  const settle = async (batch: Batch) => {
    await batch.promise;
    loaded += batch.keys;
    for (const t of DATASET_TYPES) byType[t] += batch.types[t];
    withTtl += batch.ttl;
    opts.onProgress?.(loaded, total);
  };

  try {
    for (let from = 0; from < total && !opts.signal?.aborted; from += batchSize) {
      const to = Math.min(total, from + batchSize);
      const batch: Batch = { promise: Promise.resolve(), keys: to - from, types: {}, ttl: 0 };
      for (const t of DATASET_TYPES) batch.types[t] = 0;
      batch.promise = sendBatch(client, pool, maker, from, to, (h) => {
        batch.types[h.type]++;
        if (h.ttl) batch.ttl++;
      });
      batch.promise.catch(() => {}); // awaited in order below; never unhandled if an earlier batch fails first
      inFlight.push(batch);
      if (inFlight.length >= IN_FLIGHT) await settle(inFlight.shift()!);
    }
    while (inFlight.length) await settle(inFlight.shift()!);
  } finally {
    // on an error, let the other batches finish before it is reported
    if (inFlight.length) await Promise.allSettled(inFlight.map((b) => b.promise));
    await pool.close();
  }
  return { loaded, byType, withTtl, ms: Math.round(performance.now() - started) };
}
