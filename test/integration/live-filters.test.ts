// Commands that move data across the key filters, against real servers: a key filtered in whose value comes from a
// key filtered out is read again from the source and restored in stream order (commands that value already holds
// are not applied twice); a replicated key that gives its data away loses exactly that; nothing the target refuses.
import { afterAll, describe, expect, it } from 'vitest';
import { CompareJob, differences } from '../../src/engine/replicate/compare.js';
import { Servers, startLive, type RunningLive } from './live-helpers.js';

const servers = new Servers();
afterAll(() => servers.stop());

const A = { count: 1000, include: [/^a:/], exclude: [] };

async function cleanUnderFilter(live: RunningLive): Promise<void> {
  const c = await new CompareJob(live.source, live.target, { scan: A, readBatch: 500, readThreads: 2, ttlToleranceMs: 2000, checkExtra: true, maxDiffs: 20 }).run();
  expect(c.diffs).toEqual([]);
  expect(differences(c.counts)).toBe(0);
}

describe('live replication across the key filters', () => {
  it('RENAME, COPY, LMOVE, SMOVE, RPOPLPUSH, *STORE, MSETNX, MOVE between filtered-in and filtered-out keys: identical under the filter', async () => {
    const [src, dst] = await Promise.all([servers.start('kf-source', ['repl-diskless-sync-delay 0']), servers.start('kf-target')]);
    const r = src.redis;
    await r.mset('b:ren', 'v1', 'b:0', 'v0', 'a:src', 'srcval', 'a:mv', 'moving');
    await r.rpush('b:l', 'x', 'y', 'z');
    await r.rpush('a:l', '1', '2', '3');
    await r.sadd('b:s', 'm1', 'm2');
    await r.sadd('a:s', 'n1', 'n2');
    await r.zadd('b:z', 1, 'q', 2, 'w');
    const live = await startLive(src.server.address, dst.server.address, { scan: A });
    await live.caughtUp();
    await r.rename('b:ren', 'a:ren');
    await r.copy('b:0', 'a:copy');
    await r.lmove('b:l', 'a:l', 'LEFT', 'RIGHT');
    await r.smove('b:s', 'a:s', 'm1');
    await r.rpoplpush('a:l', 'b:l2');
    await r.smove('a:s', 'b:s', 'n1');
    await r.rename('a:src', 'b:src');
    await r.sunionstore('a:u', 'b:s', 'a:s');
    await r.zrangestore('a:zr', 'b:z', 0, -1);
    await r.msetnx('a:nx', '1', 'b:nx', '2');
    await r.move('a:mv', 3);
    await r.sort('b:l', 'ALPHA', 'STORE', 'a:sorted');
    await r.multi().rename('b:0', 'a:intxn').append('a:intxn', '+').exec();
    await live.caughtUp();
    expect(live.last().failed).toBe(0);
    expect(await dst.redis.get('a:ren')).toBe('v1');
    expect(await dst.redis.lrange('a:l', 0, -1)).toEqual(['1', '2', '3']); // x came in (LMOVE), then left (RPOPLPUSH)
    expect(await dst.redis.exists('a:src', 'a:mv', 'b:ren', 'b:l2', 'b:src', 'b:nx')).toBe(0);
    expect(await dst.redis.get('a:intxn')).toBe('v0+');
    await cleanUnderFilter(live);
    const log = live.logs.join('\n');
    expect(log).not.toMatch(/forwarded whole|target refused/);
    expect(log).toMatch(/RENAME names keys both inside and outside the key filters: .*read again from the source/);
    await live.stop();
  });

  it('commands right after the move, already in the value read, are not applied twice: counters exact', async () => {
    const [src, dst] = await Promise.all([servers.start('kc-source', ['repl-diskless-sync-delay 0']), servers.start('kc-target')]);
    const r = src.redis;
    const live = await startLive(src.server.address, dst.server.address, { scan: A });
    await live.caughtUp();
    for (let round = 0; round < 20; round++) {
      await r.set(`b:n${round}`, '100');
      // one pipeline: the source runs them all before cutover reads a:n back, so its value holds the INCRs
      const p = r.pipeline().rename(`b:n${round}`, `a:n${round}`);
      for (let i = 0; i < 50; i++) p.incr(`a:n${round}`).rpush(`a:list${round}`, String(i));
      p.lmove(`a:list${round}`, `b:list${round}`, 'LEFT', 'LEFT').rpoplpush(`b:list${round}`, `a:list${round}`).incr(`a:n${round}`);
      await p.exec();
    }
    await live.caughtUp();
    for (let round = 0; round < 20; round++) {
      expect(await dst.redis.get(`a:n${round}`)).toBe('151');
      expect(await dst.redis.lrange(`a:list${round}`, 0, -1)).toEqual(await r.lrange(`a:list${round}`, 0, -1));
    }
    expect(live.last().failed).toBe(0);
    // the INCRs the value read already held were left out, not applied on top of it
    expect((live.job as unknown as { writer: { counts: { skipped: number } } }).writer.counts.skipped).toBeGreaterThan(0);
    await cleanUnderFilter(live);
    await live.stop();
  });
});
