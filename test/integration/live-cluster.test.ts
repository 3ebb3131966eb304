// Live replication with a Redis Cluster on either side: one stream per source master; a cluster target routed by
// slot, a transaction over several target masters split and reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis, type Cluster } from 'ioredis';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { until } from './helpers.js';
import { Servers, startLive } from './live-helpers.js';

const servers = new Servers();
let lab: Lab;
let cluster: Cluster;

beforeAll(async () => {
  lab = await startLab({ preset: 'cluster' });
  cluster = lab.sourceClient() as Cluster;
}, 90_000);

afterAll(async () => {
  cluster?.disconnect();
  await lab?.stop();
  await servers.stop();
});

async function masters(): Promise<Redis[]> {
  const out: Redis[] = [];
  for (const s of lab.servers) {
    const c = servers.client(s.port);
    if ((await c.info('replication')).includes('role:master')) out.push(c);
  }
  return out;
}

describe('live replication with a cluster', () => {
  it('a cluster source: one stream per master, everything applied to a standalone target', async () => {
    const dst = await servers.start('from-cluster-target');
    for (let i = 0; i < 300; i++) await cluster.set(`before:${i}`, String(i));
    const live = await startLive(lab.server('c1').address, dst.server.address);
    await until('three streams streaming', () => live.last().phase === 'streaming' && live.last().streams === 3, 20_000);
    for (let i = 0; i < 300; i++) await cluster.incr(`count:{${i % 30}}`);
    await until('all applied', () => live.last().lagBytes === 0 && live.last().queueDepth === 0 && live.last().applied >= 600, 20_000);
    const keys = await dst.redis.dbsize();
    expect(keys).toBe(330);
    expect(Number(await dst.redis.get('count:{7}'))).toBe(10);
    expect(live.last().rdbKeys).toBe(300);
    await live.stop();
    for (const m of await masters()) await m.flushall();
  });

  it('a cluster target: routed by slot; a transaction across slots is split and reported', async () => {
    const src = await servers.start('to-cluster-source');
    const live = await startLive(src.server.address, lab.server('c1').address);
    await until('streaming', () => live.last().phase === 'streaming', 20_000);
    for (let i = 0; i < 200; i++) await src.redis.set(`k:${i}`, String(i));
    // MSET over many slots: split by key; a transaction over keys of several slots: split per slot
    await src.redis.mset('m:a', '1', 'm:b', '2', 'm:c', '3', 'm:d', '4');
    await src.redis.multi().set('t:a', '1').set('t:b', '2').set('t:c', '3').set('t:d', '4').set('t:e', '5').exec();
    await until('all applied', () => live.last().lagBytes === 0 && live.last().queueDepth === 0 && live.last().applied >= 209, 20_000).catch((e) => {
      console.log(JSON.stringify(live.last()), live.logs);
      throw e;
    });
    let total = 0;
    for (const m of await masters()) total += await m.dbsize();
    expect(total).toBe(209);
    expect([await cluster.get('m:a'), await cluster.get('m:d')]).toEqual(['1', '4']);
    expect(await cluster.get('t:e')).toBe('5');
    expect(live.last().splitTransactions).toBe(1);
    expect(live.logs.join('\n')).toMatch(/a transaction of 5 commands spans 5 slots of the cluster target/);
    expect(live.last().failed).toBe(0);
    // commands whose keys map to different masters of the target: never sent whole (CROSSSLOT), by key instead
    await src.redis.rpush('x:list', 'a', 'b');
    await src.redis.sadd('x:set1', 'p', 'q');
    await src.redis.sadd('x:set2', 'q', 'r');
    await src.redis.rename('k:1', 'renamed:1');
    await src.redis.lmove('x:list', 'y:list', 'LEFT', 'RIGHT');
    await src.redis.sunionstore('x:union', 'x:set1', 'x:set2');
    await src.redis.smove('x:set1', 'y:set', 'p');
    await src.redis.msetnx('nx:1', 'a', 'nx:2', 'b');
    await until('the cross-slot commands applied', () => live.last().lagBytes === 0 && live.last().queueDepth === 0 && live.last().applied >= 221, 20_000);
    expect(await cluster.get('k:1')).toBeNull();
    expect(await cluster.get('renamed:1')).toBe('1');
    expect(await cluster.lrange('x:list', 0, -1)).toEqual(['b']);
    expect(await cluster.lrange('y:list', 0, -1)).toEqual(['a']);
    expect((await cluster.smembers('x:union')).sort()).toEqual(['p', 'q', 'r']);
    expect(await cluster.smembers('y:set')).toEqual(['p']);
    expect([await cluster.get('nx:1'), await cluster.get('nx:2')]).toEqual(['a', 'b']);
    expect(live.last().failed).toBe(0);
    expect(live.logs.join('\n')).not.toMatch(/target refused|forwarded whole/);
    expect(live.logs.join('\n')).toMatch(/RENAME names keys of several slots \(the cluster target would refuse it: CROSSSLOT\): its effect on each key is applied on that key alone \(DEL\); the key whose new value/);
    await live.stop();
  });
});
