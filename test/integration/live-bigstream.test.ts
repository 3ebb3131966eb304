// A stream bigger than --mem-limit is written in pieces (XADD…), then its groups: each group's entries-read and
// each consumer's seen-time come along as the RDB has them, as a RESTORE of the whole key would carry them.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Servers, startLive } from './live-helpers.js';

const servers = new Servers();
afterAll(() => servers.stop());

type Info = Record<string, unknown>;
const asObject = (a: unknown[]): Info => Object.fromEntries(Array.from({ length: a.length / 2 }, (_, i) => [a[2 * i], a[2 * i + 1]]));

describe('a stream past --mem-limit', () => {
  it("keeps its groups' entries-read and its consumers' seen-time", async () => {
    const [src, dst] = await Promise.all([servers.start('source'), servers.start('target')]);
    const r = src.redis;
    const p = r.pipeline();
    for (let i = 0; i < 300; i++) p.xadd('s', '*', 'n', String(i), 'pad', randomBytes(64).toString('hex'));
    await p.exec();
    await r.xgroup('CREATE', 's', 'g', '0');
    await r.xreadgroup('GROUP', 'g', 'alice', 'COUNT', 100, 'STREAMS', 's', '>');
    await r.xreadgroup('GROUP', 'g', 'bob', 'COUNT', 50, 'STREAMS', 's', '>');
    const ids = ((await r.xrange('s', '-', '+', 'COUNT', 10)) as [string, string[]][]).map(([id]) => id);
    await r.xdel('s', ids[3]);
    // seen a while ago: the copy must not make them look active now
    await new Promise((res) => setTimeout(res, 1500));
    const live = await startLive(src.server.address, dst.server.address, { memLimitBytes: 4 * 1024 });
    await live.caughtUp(30_000);
    expect(live.last().rdbBigKeys).toBe(1);
    const groups = async (c: typeof r) => ((await c.xinfo('GROUPS', 's')) as unknown[][]).map(asObject);
    expect((await groups(dst.redis))[0]).toMatchObject({ name: 'g', 'entries-read': 150, pending: 150 });
    expect(await groups(dst.redis)).toEqual(await groups(r));
    const consumers = async (c: typeof r) => ((await c.xinfo('CONSUMERS', 's', 'g')) as unknown[][]).map(asObject);
    const [a, b] = [await consumers(r), await consumers(dst.redis)];
    expect(b.map((c) => c.name)).toEqual(a.map((c) => c.name));
    // idle = now - seen-time: as on the source (a second or more), not reset by the copy
    for (let i = 0; i < a.length; i++) expect(Math.abs(Number(b[i].idle) - Number(a[i].idle))).toBeLessThan(1000);
    await live.stop();
  });
});
