// A reshard killed with SIGKILL while a slot is open (MIGRATING/IMPORTING, keys on both sides), on a real passworded
// cluster of 3 masters through the built binary: (a) `cutover cluster fix --yes` closes it, no slot open, every key
// there once (the sum of DBSIZE over the masters, the values and TTLs of the slot's keys), redis-cli --cluster check
// clean; (b) `cutover cluster reshard --resume JOURNAL` is refused while the slot is open (one line, nothing changed),
// then after fix finishes the plan: the target owns every planned slot, no key lost; a second resume has nothing
// left; a journal that is not a reshard's is refused.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterViewOf } from '../../src/engine/cluster/move/cluster-view.js';
import type { ClusterMaster } from '../../src/engine/cluster/move/types.js';
import { call, clusterCheck, slotOfTag, snapshotSlots, startCluster, waitClean, writeTaggedKeys, type KeyCopy, type TestCluster } from './cluster-move-helpers.js';
import { CLI, runCli, until } from './helpers.js';

const PASSWORD = 'K1ll-resume-s3cret';
const KEYS_IN_SLOT = 1500;
let tc: TestCluster;
let dir: string;

beforeAll(async () => {
  tc = await startCluster(PASSWORD);
  dir = mkdtempSync(join(tmpdir(), 'cutover-resume-'));
  // keys everywhere, so that the other planned slots have some to move
  const [host, port] = tc.addresses[0].split(':');
  const cluster = new Cluster([{ host, port: Number(port) }], { redisOptions: { password: PASSWORD }, enableAutoPipelining: true });
  cluster.on('error', () => undefined);
  try {
    await Promise.all(Array.from({ length: 6000 }, (_, i) => cluster.set(`fill:${i}`, `v${i}`)));
  } finally {
    cluster.disconnect();
  }
}, 90_000);

afterAll(async () => {
  await tc?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const uri = () => `redis://:${PASSWORD}@${tc.addresses[0]}`;

const owns = (m: ClusterMaster, slot: number) => m.slots.some(([a, b]) => slot >= a && slot <= b);

async function dbsizeSum(): Promise<number> {
  let n = 0;
  for (const m of (await tc.view()).masters) n += Number(await call(await tc.conn(m.address), 'DBSIZE'));
  return n;
}

/** Open markers as every node sees them. */
async function openEverywhere(): Promise<string[]> {
  const out: string[] = [];
  for (const a of tc.addresses) out.push(...clusterViewOf(String(await call(await tc.conn(a), 'CLUSTER', 'NODES'))).open);
  return out;
}

async function state(): Promise<string> {
  const parts: string[] = [];
  for (const a of tc.addresses) {
    const v = clusterViewOf(String(await call(await tc.conn(a), 'CLUSTER', 'NODES')));
    parts.push(`${a} ${JSON.stringify(v.masters.map((m) => [m.id, m.slots]))} ${JSON.stringify(v.open)} ${await call(await tc.conn(a), 'DBSIZE')}`);
  }
  return parts.join('\n');
}

/** Every node tells the same slot map (after a kill, the target's SETSLOT NODE may still be spreading by gossip). */
async function agreed(): Promise<void> {
  await until('every node agreeing on the slot map', async () => {
    const maps = new Set<string>();
    for (const a of tc.addresses) {
      const v = clusterViewOf(String(await call(await tc.conn(a), 'CLUSTER', 'NODES')));
      maps.add(JSON.stringify(v.masters.map((m) => [m.id, m.slots]).sort()));
    }
    return maps.size === 1;
  }, 15_000);
}

/** Every key of the slot the same as before (value digest; TTL kept, give or take the time passed). */
function expectSame(after: Map<string, KeyCopy>, before: Map<string, KeyCopy>): void {
  expect(after.size).toBe(before.size);
  for (const [k, b] of before) {
    const a = after.get(k);
    expect(a?.digest, k).toBe(b.digest);
    if (b.pttl < 0) expect(a!.pttl).toBe(-1);
    else expect(Math.abs(a!.pttl - b.pttl)).toBeLessThan(60_000);
  }
}

/** A hash tag whose slot the master holds. */
function tagOn(m: ClusterMaster, prefix: string): string {
  for (let i = 0; ; i++) if (owns(m, slotOfTag(`${prefix}${i}`))) return `${prefix}${i}`;
}

/**
 * Starts a reshard (one MIGRATE a key) of a slot holding KEYS_IN_SLOT keys on `src` plus `others` slots of `other` (1,000: in groups of 64, some are not started when it is killed; 0: `other` is neither side), to
 * `dst`, and kills it with SIGKILL once some of that slot's keys have gone over (its MIGRATING journaled, MIGRATEs
 * after it): the slot is left open, keys on both sides.
 */
async function killMidSlot(src: ClusterMaster, other: ClusterMaster, dst: ClusterMaster, name: string, others = 1000): Promise<{ journal: string; slot: number; planned: number[]; values: Map<string, KeyCopy> }> {
  const tag = tagOn(src, `${name}-`);
  await writeTaggedKeys(tc, [tag], KEYS_IN_SLOT);
  const slot = slotOfTag(tag);
  const values = await snapshotSlots(tc, [slot]);
  const [, last] = other.slots.reduce((x, y) => (y[1] - y[0] > x[1] - x[0] ? y : x)); // its widest range
  const first = last - others + 1;
  const planned = [slot, ...Array.from({ length: others }, (_, i) => first + i)];
  const journal = join(dir, `${name}.jsonl`);
  const child = spawn(process.execPath, [CLI, 'cluster', 'reshard', '--uri', uri(), '--from', 'all', '--to', dst.id, '--slot-ranges', others ? `${slot},${first}-${last}` : `${slot}`, '--yes', '--pipeline', '1', '--json', '--journal', journal], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.resume();
  child.stderr.resume();
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  try {
    await until(`the slot ${slot}'s keys moving`, () => {
      if (!existsSync(journal)) return false;
      const text = readFileSync(journal, 'utf8');
      return text.includes(`"step":"slot:${slot}:migrating"`) && (text.match(new RegExp(`"step":"slot:${slot}:keys"`, 'g')) ?? []).length >= 20;
    }, 30_000);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  return { journal, slot, planned, values };
}

describe('a reshard killed mid-slot', () => {
  it('(a) cutover cluster fix --yes closes it: no slot open, every key there once, redis-cli --cluster check clean', async () => {
    const [dst, src, other] = (await tc.view()).masters;
    const before = await dbsizeSum();
    const { journal, slot, values } = await killMidSlot(src, other, dst, 'fixkill', 0);
    expect(readFileSync(journal, 'utf8')).not.toMatch(/"event":"end"/);
    expect((await openEverywhere()).some((o) => o.includes(`[${slot}-`))).toBe(true);
    expect((await clusterCheck(tc)).ok).toBe(false);
    // a new reshard through the master that is neither side sees the open slot too (not on its own CLUSTER NODES line)
    await agreed();
    const held = await state();
    const fresh = await runCli(['cluster', 'reshard', '--uri', `redis://:${PASSWORD}@${other.address}`, '--from', 'all', '--to', dst.id, '--slots', '10', '--yes']);
    expect(fresh.code).toBe(2);
    expect(fresh.stderr).toMatch(new RegExp(`^cutover: slots are open already \\(.*\\[${slot}-[<>]-.*cutover cluster fix closes them\\); nothing was changed\n$`));
    expect(await state()).toBe(held);

    const r = await runCli(['cluster', 'fix', '--uri', uri(), '--yes', '--journal', join(dir, 'fix-a.jsonl')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(PASSWORD);
    await until('no slot open on any node', async () => (await openEverywhere()).length === 0, 15_000);
    expect(await waitClean(tc)).toMatch(/All 16384 slots covered/);
    expect((await clusterCheck(tc)).ok).toBe(true);
    expect(await dbsizeSum()).toBe(before + KEYS_IN_SLOT);
    // the slot's keys are all on one master, each once
    const v = await tc.view();
    let inSlot = 0;
    for (const m of v.masters) inSlot += Number(await call(await tc.conn(m.address), 'CLUSTER', 'COUNTKEYSINSLOT', slot));
    expect(inSlot).toBe(KEYS_IN_SLOT);
    expectSame(await snapshotSlots(tc, [slot]), values);
  }, 120_000);

  it('(b) --resume is refused while the slot is open; after cluster fix it finishes the plan with no key lost', async () => {
    const [, dst, src] = (await tc.view()).masters;
    const other = (await tc.view()).masters[0];
    const before = await dbsizeSum();
    const { journal, slot, planned, values } = await killMidSlot(src, other, dst, 'resumekill');

    // open slots: one line, exit 2, nothing changed
    await agreed();
    const held = await state();
    // through the master that is neither side: the open slot is not on its own CLUSTER NODES line
    const refused = await runCli(['cluster', 'reshard', '--uri', `redis://:${PASSWORD}@${other.address}`, '--resume', journal, '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/slots are open .*close them with cutover cluster fix first, then run --resume again; nothing was changed/);
    expect(await state()).toBe(held);

    const fixed = await runCli(['cluster', 'fix', '--uri', uri(), '--yes', '--journal', join(dir, 'fix-b.jsonl')]);
    expect(fixed.code).toBe(0);
    await until('no slot open on any node', async () => (await openEverywhere()).length === 0, 15_000);
    expectSame(await snapshotSlots(tc, [slot]), values);

    const next = join(dir, 'resumed.jsonl');
    const r = await runCli(['cluster', 'reshard', '--uri', uri(), '--resume', journal, '--yes', '--journal', next]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Resume of ${journal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(reshard, started .*, no end line: stopped or killed\\)`));
    expect(r.stdout).toMatch(/1,001 slots planned: \d+ done, [1-9]\d* still to move/); // some were not started when it was killed
    expect(r.stdout).toMatch(/reshard done: \d+ slots? moved/);
    expect(r.stdout).not.toContain(PASSWORD);
    const lines = readFileSync(next, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; resumes?: string; options?: { batchKeys?: number } });
    expect(lines[0]).toMatchObject({ event: 'start', resumes: journal, options: { batchKeys: 1 } }); // --pipeline 1 taken from the journal
    expect(lines[lines.length - 1]).toMatchObject({ event: 'end', status: 'done' });

    const target = (await tc.view()).masters.find((m) => m.id === dst.id)!;
    for (const s of planned) expect(owns(target, s), `slot ${s}`).toBe(true);
    expect(await dbsizeSum()).toBe(before + KEYS_IN_SLOT);
    expectSame(await snapshotSlots(tc, [slot]), values);
    expect(await waitClean(tc)).toMatch(/All 16384 slots covered/);

    // nothing left: exit 0 and said
    const again = await runCli(['cluster', 'reshard', '--uri', uri(), '--resume', journal, '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/1,001 slots planned: 1,001 done, 0 still to move/);
    expect(again.stdout).toContain('nothing left to move');
    const json = await runCli(['cluster', 'reshard', '--uri', uri(), '--resume', journal, '--yes', '--json']);
    expect(json.code).toBe(0);
    expect(json.stdout.trim().split('\n').map((l) => JSON.parse(l) as object)).toEqual([
      { event: 'resume', journal, procedure: 'reshard', planned: 1001, done: 1001, toMove: 0, elsewhere: [], unowned: 0 },
      { event: 'summary', status: 'nothing-left', planned: 1001, done: 1001, toMove: 0, elsewhere: [], unowned: 0 },
    ]);

    // a fix journal is not a reshard's
    const notReshard = await runCli(['cluster', 'reshard', '--uri', uri(), '--resume', join(dir, 'fix-b.jsonl'), '--yes']);
    expect(notReshard.code).toBe(2);
    expect(notReshard.stderr.trim().split('\n')).toHaveLength(1);
    expect(notReshard.stderr).toMatch(/fix-b\.jsonl is not the journal of a reshard or rebalance \(it is a cluster-fix journal\)/);
    const missing = await runCli(['cluster', 'reshard', '--uri', uri(), '--resume', join(dir, 'nope.jsonl'), '--yes']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the journal '.*nope\.jsonl': ENOENT/);
  }, 150_000);
});
