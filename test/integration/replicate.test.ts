// `cutover replicate` and `cutover compare` between real servers: refusals, dump and struct, dry run,
// merge, filters, the DUMP-format fallback, and compare finding each kind of difference exactly.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../src/options/endpoint.js';
import { DEFAULT_CONNECT } from '../../src/engine/redis/connect.js';
import { openSide } from '../../src/engine/replicate/side.js';
import { SnapshotJob } from '../../src/engine/replicate/snapshot.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { runCli } from './helpers.js';
import { calculateSlot } from '../../src/engine/redis/slot.js';

let lab: Lab;
let source: Redis;
let target: Redis;
const KEYS = 3000;

beforeAll(async () => {
  lab = await startLab({ preset: 'migration', keys: KEYS });
  source = new Redis({ port: lab.server('master').port, host: '127.0.0.1' });
  target = new Redis({ port: lab.server('target').port, host: '127.0.0.1' });
});
afterAll(async () => {
  source?.disconnect();
  target?.disconnect();
  await lab?.stop();
});
beforeEach(async () => {
  await target.flushall();
});

const src = () => `redis://${lab.server('master').address}`;
const dst = () => `redis://${lab.server('target').address}`;

describe('refusals (exit 2, nothing written)', () => {
  it('refuses the same server on both sides', async () => {
    const r = await runCli(['replicate', '--source', src(), '--target', `localhost:${lab.server('master').port}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/source and target are the same server/);
  });
  it('refuses a replica as the target', async () => {
    const r = await runCli(['replicate', '--source', src(), '--target', lab.server('r1').address]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is a replica of/);
  });
  it('refuses a source that replicates from the target, even with --yes (one replication chain)', async () => {
    const before = await source.dbsize();
    await source.set('chain:newer', 'master value');
    await source.wait(1, 5000);
    const r = await runCli(['replicate', '--source', lab.server('r1').address, '--target', src(), '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/same deployment: the source .* replicates from the target/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    await source.del('chain:newer');
    expect(await source.dbsize()).toBe(before);
  });
  it('refuses a non-empty target unless told', async () => {
    await target.set('already', 'here');
    const r = await runCli(['replicate', '--source', src(), '--target', dst()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already holds 1 keys: add --merge-policy/);
    expect(await target.dbsize()).toBe(1);
  });
  it('refuses merge with dump', async () => {
    const r = await runCli(['replicate', '--source', src(), '--target', dst(), '--merge-policy', 'merge']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/merge needs --type struct/);
  });
});

describe('snapshot', () => {
  it.each(['dump', 'struct'])('copies every key with --type %s and verifies it (NDJSON when piped)', async (type) => {
    const r = await runCli(['replicate', '--source', src(), '--target', dst(), '--type', type, '--check-extra']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const snap = events.find((e) => e.event === 'summary' && e.phase === 'snapshot');
    expect(snap.counts).toMatchObject({ total: KEYS, scanned: KEYS, written: KEYS, failed: 0 });
    const cmp = events.find((e) => e.event === 'summary' && e.phase === 'compare');
    expect(cmp.counts).toMatchObject({ compared: KEYS, ok: KEYS, missing: 0, type: 0, value: 0, ttl: 0, extra: 0 });
    expect(await target.dbsize()).toBe(KEYS);
  });

  it('writes nothing in a dry run', async () => {
    const r = await runCli(['replicate', '--source', src(), '--target', dst(), '--dry-run', '--json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/"dryRun":true/);
    // its summary says what would be written, and claims no write
    const snap = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.event === 'summary' && e.phase === 'snapshot');
    expect(snap.counts).toMatchObject({ scanned: KEYS, written: 0, wouldWrite: KEYS });
    expect(await target.dbsize()).toBe(0);
  });

  it('filters by regex and by slot range', async () => {
    const r = await runCli(['replicate', '--source', src(), '--target', dst(), '--key-include', '^lab:hash:', '--key-exclude', '7$', '--no-verify']);
    expect(r.code).toBe(0);
    const keys = await target.keys('*');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith('lab:hash:') && !k.endsWith('7'))).toBe(true);
    await target.flushall();
    const s = await runCli(['replicate', '--source', src(), '--target', dst(), '--key-slots', '0:1000', '--no-verify']);
    expect(s.code).toBe(0);
    const slotted = await target.keys('*');
    expect(slotted.length).toBeGreaterThan(0);
    for (const k of slotted) expect(calculateSlot(k)).toBeLessThanOrEqual(1000);
  });

  it('merges into existing collections with --type struct --merge-policy merge', async () => {
    await source.hset('merge:h', 'a', '1');
    await target.hset('merge:h', 'b', '2');
    const r = await runCli(['replicate', '--source', src(), '--target', dst(), '--type', 'struct', '--merge-policy', 'merge', '--key-include', '^merge:', '--no-verify']);
    expect(r.code).toBe(0);
    expect(await target.hgetall('merge:h')).toEqual({ a: '1', b: '2' });
    await source.del('merge:h');
  });

  it('falls back to struct when RESTORE refuses the DUMP format, and counts it', async () => {
    const conn = DEFAULT_CONNECT;
    const s = await openSide(parseEndpoint(src()), conn, 'source', 'test-source');
    const t = await openSide(parseEndpoint(dst()), conn, 'target', 'test-target');
    try {
      const job = new SnapshotJob(s, t, {
        type: 'dump',
        scan: { count: 1000, include: [/^lab:(hash|set):1\d$/], exclude: [] },
        readBatch: 100,
        readThreads: 1,
        readQueue: 1000,
        writeBatch: 100,
        targetPool: 1,
        mergePolicy: 'overwrite',
        dryRun: false,
        maxAttempts: 3,
        // a payload from a "newer" Redis: the version bytes at the end say 0xffff
        alterDump: (b) => Buffer.concat([b.subarray(0, b.length - 10), Buffer.from([0xff, 0xff]), b.subarray(b.length - 8)]),
      });
      const summary = await job.run();
      expect(summary.counts.fallbacks).toBeGreaterThan(0);
      expect(summary.counts.fallbacks).toBe(summary.counts.written);
      expect(summary.counts.failed).toBe(0);
    } finally {
      s.close();
      t.close();
    }
  });
});

describe('compare', () => {
  it('finds each kind of difference, exactly, and exits 1', async () => {
    const copy = await runCli(['replicate', '--source', src(), '--target', dst(), '--no-verify']);
    expect(copy.code).toBe(0);
    // Some lab key names are binary (never valid UTF-8): as strings they would name other keys.
    const printable = (keys: string[]) => keys.filter((k) => !/[^\x20-\x7e]/.test(k));
    const strings = printable(await source.keys('lab:string:*'));
    const hashes = printable(await source.keys('lab:hash:*'));
    await target.del(strings[0], strings[1]); // 2 missing
    await target.del(strings[2]);
    await target.sadd(strings[2], 'x'); // 1 type
    await target.set(strings[3], 'changed'); // 1 value, string
    await target.hset(hashes[0], 'extra-field', 'x'); // 1 value, hash
    await target.pexpire(strings[4], 10_000_000); // 1 ttl (if it had none) …
    const hadTtl = (await source.pttl(strings[4])) > 0;
    if (hadTtl) await target.persist(strings[4]); // … or if it had one
    await target.set('only:on:target:1', 'a');
    await target.set('only:on:target:2', 'b'); // 2 extra
    const r = await runCli(['compare', '--source', src(), '--target', dst(), '--check-extra', '--show-diffs', '--json']);
    expect(r.code).toBe(1);
    const summary = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.event === 'summary');
    expect(summary.counts).toMatchObject({ missing: 2, type: 1, value: 2, ttl: 1, extra: 2 });
    const byKind = (kind: string) => summary.diffs.filter((d: { kind: string }) => d.kind === kind).map((d: { key: string }) => d.key).sort();
    expect(byKind('missing')).toEqual([strings[0], strings[1]].sort());
    expect(byKind('type')).toEqual([strings[2]]);
    expect(byKind('value')).toEqual([strings[3], hashes[0]].sort());
    expect(byKind('ttl')).toEqual([strings[4]]);
    expect(byKind('extra')).toEqual(['only:on:target:1', 'only:on:target:2']);
  });

  it("prints RIOT's summary line on a terminal-less run without --json too", async () => {
    const r = await runCli(['compare', '--source', src(), '--target', dst()]);
    expect(r.code).toBe(1); // the target is empty
    expect(r.stdout).toMatch(/"event":"summary"/);
    expect(r.stdout).toContain(`"line":"${KEYS} missing, 0 type, 0 value, 0 ttl"`);
  });
});
