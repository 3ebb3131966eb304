// `cutover cluster fix` through the built binary on a real passworded cluster of 3 masters: a slot left MIGRATING
// on its owner and IMPORTING on another master with keys on both sides is finished (every key on the target,
// `cutover cluster check` exit 0); a slot IMPORTING on a node that does not own it (with keys there) is closed,
// its keys back on the owner; --dry-run shows the steps and changes nothing; a cluster with no open slot is left alone.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterViewOf } from '../../src/engine/cluster/move/cluster-view.js';
import type { ClusterMaster } from '../../src/engine/cluster/move/types.js';
import { call, slotOfTag, startCluster, writeTaggedKeys, type TestCluster } from './cluster-move-helpers.js';
import { runCli, until } from './helpers.js';

const PASSWORD = 'F1x-open-s3cret';
let tc: TestCluster;
let dir: string;

beforeAll(async () => {
  tc = await startCluster(PASSWORD);
  dir = mkdtempSync(join(tmpdir(), 'cutover-fix-cli-'));
}, 90_000);

afterAll(async () => {
  await tc?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const uri = () => `redis://:${PASSWORD}@${tc.addresses[0]}`;

async function keysIn(address: string, slot: number): Promise<number> {
  return Number(await call(await tc.conn(address), 'CLUSTER', 'COUNTKEYSINSLOT', slot));
}

async function ownerOf(slot: number): Promise<ClusterMaster> {
  return (await tc.view()).masters.find((m) => m.slots.some(([a, b]) => slot >= a && slot <= b))!;
}

/** Every node's slot map, open markers and key count: what must not change under a dry run. */
async function state(): Promise<string> {
  const parts: string[] = [];
  for (const a of tc.addresses) {
    const v = clusterViewOf(String(await call(await tc.conn(a), 'CLUSTER', 'NODES')));
    parts.push(`${a} ${JSON.stringify(v.masters.map((m) => [m.id, m.slots]))} ${JSON.stringify(v.open)} ${await call(await tc.conn(a), 'DBSIZE')}`);
  }
  return parts.join('\n');
}

/** A move of `slot` from its owner to another master, stopped after `moved` of its keys went over. */
async function interruptedMove(slot: number, moved: number): Promise<{ src: ClusterMaster; dst: ClusterMaster }> {
  const src = await ownerOf(slot);
  const dst = (await tc.view()).masters.find((m) => m.id !== src.id)!;
  const s = await tc.conn(src.address);
  await call(await tc.conn(dst.address), 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', src.id);
  await call(s, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', dst.id);
  const keys = (await call(s, 'CLUSTER', 'GETKEYSINSLOT', slot, moved)) as Buffer[];
  const [host, port] = dst.address.split(':');
  await call(s, 'MIGRATE', host, port, '', 0, 5000, 'AUTH', PASSWORD, 'KEYS', ...keys);
  return { src, dst };
}

describe('cutover cluster fix', () => {
  it('a cluster with no open slot: nothing to fix, exit 0', async () => {
    const r = await runCli(['cluster', 'fix', '--uri', uri(), '--yes']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no open slot: nothing to fix');
  });

  it('migrating on the owner, importing on another, keys on both sides: --dry-run changes nothing, then fix finishes the move', async () => {
    const slot = slotOfTag('fx0');
    await writeTaggedKeys(tc, ['fx0'], 30);
    const { src, dst } = await interruptedMove(slot, 12);
    expect(await keysIn(src.address, slot)).toBe(18);
    expect(await keysIn(dst.address, slot)).toBe(12);

    const before = await state();
    const dry = await runCli(['cluster', 'fix', '--uri', uri(), '--dry-run']);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`slot ${slot} is migrating on ${src.address} and importing on ${dst.address}`);
    expect(dry.stdout).toContain(`MIGRATE the slot's keys (18) to ${dst.address}`);
    expect(dry.stdout).toContain('dry run: nothing was changed');
    expect(dry.stdout).not.toContain(PASSWORD);
    expect(await state()).toBe(before);

    const journal = join(dir, 'fix.jsonl');
    const r = await runCli(['cluster', 'fix', '--uri', uri(), '--yes', '--journal', journal]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ slot ${slot} ${src.address}  18 keys moved to ${dst.address}`);
    expect(r.stdout).toContain('no slot is open or uncovered now');
    expect(r.stdout).not.toContain(PASSWORD);
    // the target first, then the source (redis#7116)
    const nodeLines = r.stdout.split('\n').filter((l) => l.includes(`SETSLOT ${slot} NODE`));
    expect(nodeLines[0]).toContain(dst.address);
    expect(nodeLines[1]).toContain(src.address);
    expect(await keysIn(src.address, slot)).toBe(0);
    expect(await keysIn(dst.address, slot)).toBe(30);
    expect((await ownerOf(slot)).id).toBe(dst.id);

    const text = readFileSync(journal, 'utf8');
    expect(text).not.toContain(PASSWORD);
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { event: string; command?: string[] });
    expect(lines.some((l) => l.event === 'confirm')).toBe(true);
    expect(lines.some((l) => l.command?.[0] === 'MIGRATE' && l.command.includes('***'))).toBe(true);
    expect(lines[lines.length - 1]).toMatchObject({ event: 'end', status: 'done' });

    const check = await runCli(['cluster', 'check', '--uri', uri()]);
    expect(check.code).toBe(0);
  });

  it('importing only, on a node that does not own the slot and holds keys of it: closed, the keys back on the owner', async () => {
    const slot = slotOfTag('fx1');
    await writeTaggedKeys(tc, ['fx1'], 10);
    const owner = await ownerOf(slot);
    const other = (await tc.view()).masters.find((m) => m.id !== owner.id)!;
    const o = await tc.conn(other.address);
    await call(o, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', owner.id);
    for (const k of ['{fx1}:stray1', '{fx1}:stray2']) {
      const p = o.pipeline();
      p.call('ASKING', []);
      p.call('SET', [k, 'stray']);
      const replies = await p.exec();
      if (replies[1][0]) throw replies[1][0];
    }
    expect(await keysIn(other.address, slot)).toBe(2);

    const r = await runCli(['cluster', 'fix', '--uri', uri(), '--yes', '--journal', join(dir, 'fix2.jsonl')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`slot ${slot} is importing on ${other.address} with no node migrating it; ${owner.address} owns it`);
    expect(r.stdout).toContain(`SETSLOT ${slot} STABLE`);
    expect(await keysIn(other.address, slot)).toBe(0);
    expect(await keysIn(owner.address, slot)).toBe(12);
    expect((await ownerOf(slot)).id).toBe(owner.id);
    expect((await tc.view()).open).toEqual([]);
    const check = await runCli(['cluster', 'check', '--uri', uri()]);
    expect(check.code).toBe(0);
  });

  it('migrating only, on the owner: closed with SETSLOT STABLE, the keys stay', async () => {
    const slot = slotOfTag('fx2');
    await writeTaggedKeys(tc, ['fx2'], 5);
    const owner = await ownerOf(slot);
    const other = (await tc.view()).masters.find((m) => m.id !== owner.id)!;
    await call(await tc.conn(owner.address), 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', other.id);
    const r = await runCli(['cluster', 'fix', '--uri', uri(), '--yes', '--journal', join(dir, 'fix3.jsonl')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`slot ${slot} is migrating on its owner ${owner.address} and no node imports it`);
    expect(await keysIn(owner.address, slot)).toBe(5);
    expect((await tc.view()).open).toEqual([]);
  });

  it('uncovered slots: the one with keys goes to the master holding them; the empty one needs --to, then goes there', async () => {
    const withKeys = slotOfTag('fx3');
    await writeTaggedKeys(tc, ['fx3'], 4);
    const holder = await ownerOf(withKeys);
    const empty = [...Array(16384).keys()].find((s) => s !== withKeys && Number.isFinite(s) && s % 97 === 5)!;
    expect(await keysIn((await ownerOf(empty)).address, empty)).toBe(0);
    for (const a of tc.addresses) {
      await call(await tc.conn(a), 'CLUSTER', 'DELSLOTS', withKeys);
      await call(await tc.conn(a), 'CLUSTER', 'DELSLOTS', empty);
    }
    const refused = await runCli(['cluster', 'fix', '--uri', uri(), '--yes', '--journal', join(dir, 'fix4.jsonl')]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`slot ${withKeys} is served by no master; ${holder.address} holds their keys`);
    expect(refused.stdout).toContain(`left as it is: name the master that should serve them with --to ID`);
    expect(refused.stdout).toContain(`still open: ${empty}`);
    await until('the first node to learn the slot\'s owner', async () => (await ownerOf(withKeys))?.id === holder.id, 10_000);

    const bad = await runCli(['cluster', 'fix', '--uri', uri(), '--yes', '--to', 'f'.repeat(40)]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^cutover: --to f+: no master of the cluster has this node id or address/);

    const to = (await tc.view()).masters.find((m) => m.id !== holder.id)!;
    const r = await runCli(['cluster', 'fix', '--uri', uri(), '--yes', '--to', to.id, '--journal', join(dir, 'fix5.jsonl')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`CLUSTER ADDSLOTSRANGE ${empty} ${empty}`);
    await until('the first node to learn the empty slot\'s owner', async () => (await ownerOf(empty))?.id === to.id, 10_000);
    expect(await keysIn(holder.address, withKeys)).toBe(4);
    // the other masters learn the new owners by gossip
    await until('cutover cluster check to be clean', async () => (await runCli(['cluster', 'check', '--uri', uri()])).code === 0, 15_000);
  });

  it('without a terminal and without --yes: one line, exit 2, nothing changed', async () => {
    const r = await runCli(['cluster', 'fix', '--uri', uri()]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('add --yes');
  });
});
