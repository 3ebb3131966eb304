// compare of big hashtable-encoded keys between two real servers: their DUMP payloads differ even when the values
// are equal (dict order), so each is compared member by member. That path is linear and sliced: 200,000-member
// keys compare in seconds (the old quadratic reply parsing took minutes and was killed by runCli at 30 s), with
// progress inside the keys; with --mem-limit they go through the chunked path instead.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabServer } from '../../src/lab/server.js';
import { runCli, standaloneServers, stopServers } from './helpers.js';

const N = 200_000;
const CHANGED = [1_000, 77_000, 154_000];

let dir: string;
let servers: LabServer[] = [];
let src: Redis;
let dst: Redis;

/** big:hash and big:set of N members, written in the given order (another order on each side: other dict order). */
async function load(r: Redis, reverse: boolean): Promise<void> {
  const ids = Array.from({ length: N }, (_, i) => i);
  if (reverse) ids.reverse();
  const pipe = r.pipeline();
  for (let i = 0; i < N; i += 1000) {
    const part = ids.slice(i, i + 1000);
    pipe.hset('big:hash', ...part.flatMap((j) => [`field:${j}`, `value:${j}`]));
    pipe.sadd('big:set', ...part.map((j) => `member:${j}`));
  }
  pipe.set('small', 'v');
  await pipe.exec();
}

beforeAll(async () => {
  ({ servers, dir } = await standaloneServers(['src', 'dst'], 'cutover-compare-big-'));
  src = new Redis({ host: '127.0.0.1', port: servers[0].port });
  dst = new Redis({ host: '127.0.0.1', port: servers[1].port });
  await Promise.all([load(src, false), load(dst, true)]);
}, 120_000);

afterAll(async () => {
  await stopServers(servers, dir, [src, dst]);
});

async function compare(extra: string[] = []) {
  const r = await runCli(['compare', '--source', servers[0].address, '--target', servers[1].address, '--json', ...extra]);
  const events = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { ...r, events, summary: events.find((e) => e.event === 'summary' && e.phase === 'compare') };
}

describe('compare of 200,000-member hashtable keys', () => {
  it('the DUMP payloads differ although the values are equal (so the member-by-member path is taken)', async () => {
    expect(await src.object('ENCODING', 'big:hash')).toBe('hashtable');
    expect(await src.object('ENCODING', 'big:set')).toBe('hashtable');
    expect((await src.dumpBuffer('big:set')).equals(await dst.dumpBuffer('big:set'))).toBe(false);
  });

  it('finds them identical, member by member, and counts the elements it went through', async () => {
    const r = await compare();
    expect(r.code, r.stderr).toBe(0);
    expect(r.summary.line).toBe('0 missing, 0 type, 0 value, 0 ttl');
    expect(r.summary.counts).toMatchObject({ compared: 3, ok: 3, chunked: 0, elements: 4 * N, elementsTotal: 4 * N });
  }, 60_000);

  it('names the members that differ, among 200,000', async () => {
    const pipe = dst.pipeline();
    for (const i of CHANGED) {
      pipe.hset('big:hash', `field:${i}`, 'changed');
      pipe.srem('big:set', `member:${i}`);
      pipe.sadd('big:set', `other:${i}`);
    }
    await pipe.exec();
    try {
      for (const extra of [[], ['--mem-limit', '1MB']]) {
        const r = await compare(['--show-diffs', ...extra]);
        expect(r.code, r.stderr).toBe(1);
        expect(r.summary.line).toBe('0 missing, 0 type, 2 value, 0 ttl');
        const details = Object.fromEntries(r.summary.diffs.map((d: { key: string; detail: string }) => [d.key, d.detail]));
        const fields = CHANGED.map((i) => `field:${i}`).sort();
        const members = CHANGED.map((i) => `member:${i}`).sort();
        const names = (detail: string, re: RegExp) => (detail.match(re) ?? []).sort();
        // named in the order the source's server hands them out (its dict order)
        expect(details['big:hash']).toMatch(/^hash: 3 fields differ \(field:\d+, field:\d+, field:\d+\)$/);
        expect(names(details['big:hash'], /field:\d+/g)).toEqual(fields);
        expect(names(details['big:set'], /member:\d+/g)).toEqual(members);
        if (extra.length) {
          // in chunks: the source's members looked up on the target, the target's extras only counted
          expect(details['big:set']).toMatch(/^set: 3 missing on target \(member:\d+, member:\d+, member:\d+\), 3 extra$/);
          expect(r.summary.counts.chunked).toBe(2);
        } else {
          expect(details['big:set']).toMatch(/^set: 3 missing on target \(member:\d+, member:\d+, member:\d+\), 3 extra \(other:\d+, other:\d+, other:\d+\)$/);
          expect(names(details['big:set'], /other:\d+/g)).toEqual(CHANGED.map((i) => `other:${i}`).sort());
          expect(r.summary.counts.chunked).toBe(0);
        }
      }
    } finally {
      const undo = dst.pipeline();
      for (const i of CHANGED) {
        undo.hset('big:hash', `field:${i}`, `value:${i}`);
        undo.srem('big:set', `other:${i}`);
        undo.sadd('big:set', `member:${i}`);
      }
      await undo.exec();
    }
  }, 120_000);

  it('with --mem-limit, compares them in chunks (HSCAN / SSCAN against HMGET / SMISMEMBER), with progress inside', async () => {
    const r = await compare(['--mem-limit', '1MB']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.summary.counts).toMatchObject({ compared: 3, ok: 3, chunked: 2, elements: 4 * N, elementsTotal: 4 * N });
  }, 60_000);
});
