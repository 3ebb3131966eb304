// The slot-move engine against a real passworded cluster of 3 masters: a reshard of a few slots moves every key
// (binary names, every type) with its TTL and redis-cli --cluster check is clean after; the journal holds every
// SETSLOT with its reply and never the password; a key on both sides is settled when identical, refused when
// different (and overwritten with replace); stop() leaves no slot open.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileJournal, MemoryJournal } from '../../src/engine/failover/journal.js';
import { DEFAULT_CONNECT } from '../../src/engine/redis/connect.js';
import { planReshard } from '../../src/engine/cluster/move/reshard-plan.js';
import { Reshard } from '../../src/engine/cluster/move/reshard.js';
import type { MoveEvent } from '../../src/engine/cluster/move/types.js';
import { loadDataset } from '../../src/lab/dataset.js';
import { Cluster } from 'ioredis';
import { call, snapshotSlots, slotOfTag, startCluster, waitClean, writeTaggedKeys, type TestCluster } from './cluster-move-helpers.js';

const PASSWORD = 'Sl0t-m0ve-s3cret';
let tc: TestCluster;
let dir: string;

beforeAll(async () => {
  tc = await startCluster(PASSWORD);
  dir = mkdtempSync(join(tmpdir(), 'cutover-move-journal-'));
});
afterAll(async () => {
  await tc?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function entry() {
  const [host, port] = tc.addresses[0].split(':');
  return { host, port: Number(port), tls: false, password: PASSWORD, db: 0 };
}

function reshard(view: Awaited<ReturnType<TestCluster['view']>>, moves: ReturnType<typeof planReshard>, journal = new MemoryJournal(), opts = {}) {
  const r = new Reshard(view.masters, moves, { entry: entry(), conn: DEFAULT_CONNECT, journal }, opts);
  const events: MoveEvent[] = [];
  r.events.on((e) => events.push(e));
  return { r, events, journal };
}

describe('a reshard', () => {
  it('moves every key of the slots with its TTL; the journal has every step and no password; redis-cli check is clean', async () => {
    const tags = ['mv0', 'mv1', 'mv2', 'mv3', 'mv4', 'mv5'];
    await writeTaggedKeys(tc, tags, 60);
    const view = await tc.view();
    const to = view.masters[0];
    const slots = tags.map(slotOfTag).filter((s) => !to.slots.some(([a, b]) => s >= a && s <= b));
    expect(slots.length).toBeGreaterThan(1);
    const before = await snapshotSlots(tc, slots);
    expect(before.size).toBe(slots.length * 60);

    const moves = [...planReshard(view, { to: to.id, from: 'all', ranges: slots.map((s) => [s, s] as [number, number]) }), ...planReshard(view, { to: to.id, from: 'all', slots: 20 })];
    const path = join(dir, 'reshard.jsonl');
    const journal = new FileJournal(path);
    // small batches: several MIGRATEs per slot, the next key list pipelined behind each
    const { r, events } = reshard(view, moves, journal as unknown as MemoryJournal, { batchKeys: 16, batchBytes: 2000, concurrency: 3 });
    const summary = await r.run();
    journal.close();
    expect(summary.status).toBe('done');
    expect(summary.open).toEqual([]);
    expect(summary.totals.slotsDone).toBe(moves.length);
    expect(summary.totals.keys).toBe(before.size);

    const after = await snapshotSlots(tc, slots);
    const nowView = await tc.view();
    for (const s of slots) expect(nowView.masters.find((m) => m.slots.some(([a, b]) => s >= a && s <= b))?.id).toBe(to.id);
    expect(after.size).toBe(before.size);
    for (const [k, b] of before) {
      const a = after.get(k);
      expect(a, k).toBeDefined();
      expect(a!.digest, k).toBe(b.digest);
      if (b.pttl < 0) expect(a!.pttl).toBe(-1);
      else expect(Math.abs(a!.pttl - b.pttl)).toBeLessThan(10_000);
    }
    expect(nowView.open).toEqual([]);
    expect(await waitClean(tc)).toMatch(/All 16384 slots covered/);
    expect(await waitClean(tc)).not.toMatch(/\[(WARNING|ERR)\]/);

    // events: per slot started and done, batches, progress totals
    expect(events.filter((e) => e.type === 'slot-done')).toHaveLength(moves.length);
    expect(events.filter((e) => e.type === 'batch').length).toBeGreaterThan(slots.length * 2);
    const last = events.filter((e) => e.type === 'progress').pop();
    expect(last?.type === 'progress' && last.totals.slotsDone).toBe(moves.length);

    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(PASSWORD);
    const lines = text.trim().split('\n').map((l) => JSON.parse(l));
    for (const mv of moves) {
      const steps = lines.filter((l) => l.event === 'command' && l.step?.startsWith(`slot:${mv.slot}:`));
      const setslots = steps.filter((l) => l.command[1] === 'SETSLOT');
      expect(setslots.map((l) => l.command[3])).toEqual(['IMPORTING', 'MIGRATING', 'NODE', 'NODE', 'NODE']);
      expect(setslots.every((l) => l.reply === 'OK' && l.time && l.node)).toBe(true);
      // NODE on the target first (redis#7116), then the source
      expect(setslots[2].node).toBe(to.address);
      expect(setslots[3].node).toBe(view.masters.find((m) => m.id === mv.from)!.address);
    }
    const migrates = lines.filter((l) => l.command?.[0] === 'MIGRATE');
    expect(migrates.length).toBeGreaterThan(slots.length);
    expect(migrates.every((l) => l.command.includes('AUTH') && l.command.includes('***'))).toBe(true);
    expect(lines.at(-1)).toMatchObject({ event: 'end', status: 'done' });
  });
});

/** Puts a copy of `key` on `target` in a slot it does not own (as an interrupted MIGRATE leaves it), changed if asked. */
async function duplicateOn(targetAddr: string, sourceAddr: string, sourceId: string, key: Buffer, slot: number, change?: string) {
  const tgt = await tc.conn(targetAddr);
  const src = await tc.conn(sourceAddr);
  const dump = (await call(src, 'DUMP', key)) as Buffer;
  await call(tgt, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', sourceId);
  const p = tgt.pipeline();
  p.call('ASKING', []);
  p.call('RESTORE', [key, 0, dump]);
  if (change) {
    p.call('ASKING', []);
    p.call('SET', [key, change]);
  }
  const replies = await p.exec();
  const err = replies.find(([e]) => e);
  if (err) throw err[0];
  await call(tgt, 'CLUSTER', 'SETSLOT', slot, 'STABLE');
}

describe('a key on both sides', () => {
  it('identical: settled, the slot moves', async () => {
    const tag = 'dupsame';
    const [key] = await writeTaggedKeys(tc, [tag], 4);
    const slot = slotOfTag(tag);
    const view = await tc.view();
    const from = view.masters.find((m) => m.slots.some(([a, b]) => slot >= a && slot <= b))!;
    const to = view.masters.find((m) => m.id !== from.id)!;
    await duplicateOn(to.address, from.address, from.id, key, slot);
    const { r, events } = reshard(view, planReshard(view, { to: to.id, from: 'all', ranges: [[slot, slot]] }));
    const summary = await r.run();
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('done');
    expect(summary.duplicates).toEqual([{ slot, identical: ['{dupsame}\\xff\\x00\\xfe\\x00\\x0a'], different: [], replaced: false }]);
    expect(events.some((e) => e.type === 'duplicates')).toBe(true);
    expect(await call(await tc.conn(to.address), 'CLUSTER', 'COUNTKEYSINSLOT', slot)).toBe(4);
    expect(await call(await tc.conn(from.address), 'CLUSTER', 'COUNTKEYSINSLOT', slot)).toBe(0);
  });

  it('different: refused and listed, the slot left open; with replace, overwritten with the source copy', async () => {
    const tag = 'dupdiff';
    const keys = await writeTaggedKeys(tc, [tag], 4);
    const key = keys[1]; // {dupdiff}:k1, a hash
    const slot = slotOfTag(tag);
    const view = await tc.view();
    const from = view.masters.find((m) => m.slots.some(([a, b]) => slot >= a && slot <= b))!;
    const to = view.masters.find((m) => m.id !== from.id)!;
    await duplicateOn(to.address, from.address, from.id, key, slot, 'not the same');
    const sourceDump = (await call(await tc.conn(from.address), 'DUMP', key)) as Buffer;

    const first = reshard(view, planReshard(view, { to: to.id, from: 'all', ranges: [[slot, slot]] }));
    const refused = await first.r.run();
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatch(new RegExp(`^slot ${slot} \\(.*\\): 1 key on both the source and the target with different values \\(\\{dupdiff\\}:k1\\); .*replace`));
    expect(refused.open).toEqual([{ slot, from: from.address, to: to.address, stage: 'keys', keysLeft: 1 }]);
    expect(refused.duplicates[0].different).toEqual(['{dupdiff}:k1']);
    // the target's copy untouched
    const p = (await tc.conn(to.address)).pipeline();
    p.call('ASKING', []);
    p.call('GET', [key]);
    expect(String((await p.exec())[1][1])).toBe('not the same');

    const second = reshard(await tc.view(), planReshard(view, { to: to.id, from: 'all', ranges: [[slot, slot]] }), new MemoryJournal(), { replace: true });
    const replaced = await second.r.run();
    expect(replaced.status).toBe('done');
    expect(replaced.duplicates[0]).toMatchObject({ different: ['{dupdiff}:k1'], replaced: true });
    expect(((await call(await tc.conn(to.address), 'DUMP', key)) as Buffer).equals(sourceDump)).toBe(true);
    expect((await tc.view()).open).toEqual([]);
  });
});

describe('stop()', () => {
  it('finishes the slots in hand and leaves no slot open', async () => {
    const [host, port] = tc.addresses[0].split(':');
    const client = new Cluster([{ host, port: Number(port) }], { redisOptions: { password: PASSWORD } });
    client.on('error', () => undefined);
    await loadDataset(client, { keys: 20_000, prefix: 'stop' }).finally(() => client.disconnect());
    const view = await tc.view();
    const to = view.masters[2];
    const moves = planReshard(view, { to: to.id, from: 'all', slots: 400 });
    const { r, events } = reshard(view, moves, new MemoryJournal(), { concurrency: 2 });
    r.events.on((e) => {
      if (e.type === 'slot-done' && events.filter((x) => x.type === 'slot-done').length >= 3) r.stop();
    });
    const summary = await r.run();
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('stopped');
    expect(summary.open).toEqual([]);
    expect(summary.totals.slotsDone).toBeGreaterThanOrEqual(3);
    expect(summary.totals.slotsDone).toBeLessThan(moves.length);
    expect(summary.notStarted).toBe(moves.length - summary.totals.slotsDone);
    const starts = events.filter((e) => e.type === 'slot-start').length;
    expect(starts).toBe(summary.totals.slotsDone);
    for (const a of tc.addresses) expect(String(await call(await tc.conn(a), 'CLUSTER', 'NODES'))).not.toMatch(/\[\d+-[<>]-/);
    expect(await waitClean(tc)).not.toMatch(/\[(WARNING|ERR)\]/);
  });
});
