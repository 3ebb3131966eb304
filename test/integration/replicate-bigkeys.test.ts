// --mem-limit between two real servers: keys over the limit are never DUMPed or read whole but copied in chunks
// (HSCAN / SSCAN / ZSCAN, LRANGE, XRANGE, GETRANGE windows), by --type dump and --type struct alike, and the
// compare walks them in chunks too; the summary counts them. The servers' INFO commandstats show what was run.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LabServer } from '../../src/lab/server.js';
import { runCli, standaloneServers, stopServers } from './helpers.js';

const HASH_FIELDS = 200_000;
const LIST_ITEMS = 500_000;
const SMALL = 50;
/** big:* are over 1 MB; mid:* under 1 MB but over 16 KB */
const BIG = ['big:hash', 'big:list'];
const MID = ['mid:set', 'mid:zset', 'mid:stream', 'mid:string'];
const TOTAL = BIG.length + MID.length + SMALL;

let dir: string;
let servers: LabServer[] = [];
let src: Redis;
let dst: Redis;

async function load(): Promise<void> {
  let pipe = src.pipeline();
  for (let i = 0; i < HASH_FIELDS; i += 1000) {
    const args: string[] = [];
    for (let j = i; j < i + 1000; j++) args.push(`field:${j}`, `value:${j}`);
    pipe.hset('big:hash', ...args);
  }
  await pipe.exec();
  pipe = src.pipeline();
  for (let i = 0; i < LIST_ITEMS; i += 1000) {
    const items: string[] = [];
    for (let j = i; j < i + 1000; j++) items.push(`item:${j}`);
    pipe.rpush('big:list', ...items);
  }
  await pipe.exec();
  pipe = src.pipeline();
  pipe.hset('big:hash', Buffer.from([0xff, 0x00, 0xfe]), Buffer.from([0xc3, 0x28])); // not UTF-8
  pipe.pexpire('big:hash', 3_600_000);
  const members: string[] = [];
  const scored: Array<string | number> = [];
  for (let i = 0; i < 3000; i++) {
    members.push(`member:${i}`);
    scored.push(i / 7, `member:${i}`);
  }
  pipe.sadd('mid:set', ...members);
  pipe.zadd('mid:zset', ...scored, '+inf', 'top', '-inf', 'bottom');
  pipe.pexpire('mid:zset', 3_600_000);
  for (let i = 0; i < 2000; i++) pipe.xadd('mid:stream', `${1000 + i}-${i % 3}`, 'n', String(i), 'pad', 'x'.repeat(16));
  pipe.xgroup('CREATE', 'mid:stream', 'readers', '1500-0');
  pipe.set('mid:string', Buffer.alloc(100_000, 'abcdefgh'));
  for (let i = 0; i < SMALL; i++) pipe.set(`small:${i}`, `v${i}`);
  await pipe.exec();
}

beforeAll(async () => {
  ({ servers, dir } = await standaloneServers(['src', 'dst'], 'cutover-bigkeys-'));
  src = new Redis({ host: '127.0.0.1', port: servers[0].port });
  dst = new Redis({ host: '127.0.0.1', port: servers[1].port });
  await load();
});

afterAll(async () => {
  await stopServers(servers, dir, [src, dst]);
});

beforeEach(async () => {
  await dst.flushall();
  await Promise.all([src.config('RESETSTAT'), dst.config('RESETSTAT')]);
});

const source = () => servers[0].address;
const target = () => servers[1].address;

async function summaries(args: string[]) {
  const r = await runCli(args);
  const events = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return {
    ...r,
    snapshot: events.find((e) => e.event === 'summary' && e.phase === 'snapshot'),
    compare: events.find((e) => e.event === 'summary' && e.phase === 'compare'),
  };
}

/** Calls per command from INFO commandstats: { dump: 12, hscan: 200, … }. */
async function commandCalls(c: Redis): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const m of (await c.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[m[1]] = Number(m[2]);
  return out;
}

describe('--mem-limit', () => {
  it.each(['dump', 'struct'])('copies a 200,000-field hash and a 500,000-item list in chunks with --type %s, and verifies them in chunks', async (type) => {
    const r = await summaries(['replicate', '--source', source(), '--target', target(), '--type', type, '--mem-limit', '1', '--check-extra']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.snapshot.counts).toMatchObject({ total: TOTAL, scanned: TOTAL, written: TOTAL, failed: 0, skipped: 0, chunked: BIG.length });
    expect(r.compare.counts).toMatchObject({ compared: TOTAL, ok: TOTAL, chunked: BIG.length });
    expect(r.compare.line).toBe('0 missing, 0 type, 0 value, 0 ttl, 0 extra');
    expect(await dst.hlen('big:hash')).toBe(HASH_FIELDS + 1);
    expect(await dst.llen('big:list')).toBe(LIST_ITEMS);
    expect(await dst.lindex('big:list', LIST_ITEMS - 1)).toBe(`item:${LIST_ITEMS - 1}`);
    expect(await dst.pttl('big:hash')).toBeGreaterThan(3_500_000);
    expect(await dst.pttl('big:list')).toBe(-1);

    const [s, d] = await Promise.all([commandCalls(src), commandCalls(dst)]);
    // never read whole: the big keys went through HSCAN and LRANGE windows …
    expect(s.hscan).toBeGreaterThanOrEqual(HASH_FIELDS / 1000);
    expect(s.lrange).toBeGreaterThanOrEqual(LIST_ITEMS / 1000);
    expect(s.hgetall ?? 0).toBe(0);
    expect(d.hgetall ?? 0).toBe(0);
    expect(d.hmget).toBeGreaterThanOrEqual(HASH_FIELDS / 1000); // the compare, chunk by chunk
    const small = TOTAL - BIG.length;
    if (type === 'dump') {
      // … and only the small keys were DUMPed: by the snapshot and by the compare, on the source; by the compare on the target
      expect(s.dump).toBe(2 * small);
      expect(d.dump).toBe(small);
      expect(d.restore).toBe(small);
    } else {
      expect(s.dump).toBe(small); // the compare's fast path only
    }
    expect(d['memory|usage'] ?? d.memory).toBeGreaterThanOrEqual(TOTAL); // MEMORY USAGE for every key on the target, by the compare
  });

  it.each(['dump', 'struct'])('copies a set, a zset, a stream and a string over a tiny limit in chunks too (--type %s)', async (type) => {
    const r = await summaries(['replicate', '--source', source(), '--target', target(), '--type', type, '--mem-limit', '16KB', '--key-include', '^(mid|small):']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.snapshot.counts).toMatchObject({ written: MID.length + SMALL, failed: 0, chunked: MID.length });
    expect(r.compare.counts).toMatchObject({ compared: MID.length + SMALL, ok: MID.length + SMALL, chunked: MID.length });
    const s = await commandCalls(src);
    expect(s.sscan).toBeGreaterThan(1);
    expect(s.zscan).toBeGreaterThan(1);
    expect(s.xrange).toBeGreaterThan(1);
    expect(s.getrange).toBeGreaterThan(1);
    expect(s.smembers ?? 0).toBe(0);
    expect(s.get ?? 0).toBe(type === 'struct' ? SMALL : 0);
    expect(await dst.zscore('mid:zset', 'top')).toBe('inf');
    expect(await dst.pttl('mid:zset')).toBeGreaterThan(3_500_000);
    expect((await dst.getBuffer('mid:string'))?.equals(Buffer.alloc(100_000, 'abcdefgh'))).toBe(true);
    expect(await dst.xlen('mid:stream')).toBe(2000);
    const groups = (await dst.xinfo('GROUPS', 'mid:stream')) as unknown[][];
    // dump copies the consumer group (without pending entries) as RESTORE would; struct does not, as it never does
    expect(groups.length).toBe(type === 'dump' ? 1 : 0);
    if (type === 'dump') expect(groups[0]).toEqual(expect.arrayContaining(['readers', '1500-0']));
  });

  it('compares big keys chunk by chunk and names what differs', async () => {
    const copy = await summaries(['replicate', '--source', source(), '--target', target(), '--mem-limit', '1', '--no-verify']);
    expect(copy.code).toBe(0);
    await dst.hset('big:hash', 'field:123', 'changed');
    await dst.hdel('big:hash', 'field:199999');
    await dst.lset('big:list', 321_000, 'changed');
    await dst.srem('mid:set', 'member:5');
    await dst.zadd('mid:zset', 99, 'member:7');
    await dst.xdel('mid:stream', '1004-1');
    await dst.setrange('mid:string', 50_000, 'Z');
    await dst.config('RESETSTAT');
    const r = await summaries(['compare', '--source', source(), '--target', target(), '--mem-limit', '16KB', '--show-diffs']);
    expect(r.code).toBe(1);
    expect(r.compare.counts).toMatchObject({ compared: TOTAL, value: 6, ttl: 0, missing: 0, type: 0, chunked: BIG.length + MID.length });
    const detail = Object.fromEntries(r.compare.diffs.map((d: { key: string; detail: string }) => [d.key, d.detail]));
    expect(detail).toEqual({
      'big:hash': 'hash: 1 field differs (field:123), 1 missing on target (field:199999)',
      'big:list': 'list: 1 element differs, first at index 321000 (item:321000 vs changed)',
      'mid:set': 'set: 1 missing on target (member:5)',
      'mid:zset': 'zset: 1 score differs (member:7: 1 vs 99)',
      'mid:stream': 'stream: length 2000 vs 1999, entry 4 has ID 1004-1 vs 1005-2',
      'mid:string': 'string: 100000 bytes, differ from byte 50000',
    });
    const d = await commandCalls(dst);
    expect(d.dump).toBe(SMALL); // the big and mid keys were not DUMPed on the target either
    expect(d.smismember).toBeGreaterThan(0);
    expect(d.zmscore).toBeGreaterThan(0);
  });

  it('refuses a limit that is not a size', async () => {
    const r = await runCli(['replicate', '--source', source(), '--target', target(), '--mem-limit', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--mem-limit 'lots' is not a size/);
  });
});
