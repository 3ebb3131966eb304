// Big keys in a reshard's plan, on a real passworded cluster of 3 masters through the built binary: a 20 MB string
// (MEMORY USAGE 24 MB: about 480 ms of MIGRATE at 50 MB/s) and a 2 MB one in a slot with small keys. The plan lists both (MEMORY USAGE
// at or above --mem-limit, or the size that blocks for --max-block) with the time they block, flags the one past
// --max-block, and the reshard refuses to start (exit 2, one line, nothing changed) unless --allow-big-keys or a
// higher --max-block; then it moves them, values intact.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterViewOf } from '../../src/engine/cluster/move/cluster-view.js';
import type { ClusterMaster } from '../../src/engine/cluster/move/types.js';
import { call, slotOfTag, snapshotSlots, startCluster, writeTaggedKeys, type TestCluster } from './cluster-move-helpers.js';
import { runCli } from './helpers.js';
import { findBigKeys } from '../../src/engine/cluster/move/big-keys.js';
import { RespPool } from '../../src/engine/redis/resp-pool.js';

const PASSWORD = 'B1g-keys-s3cret';
const MB = 1024 * 1024;
let tc: TestCluster;
let slot: number;
let dir: string;

beforeAll(async () => {
  tc = await startCluster(PASSWORD);
  dir = mkdtempSync(join(tmpdir(), 'cutover-bigkeys-'));
  slot = slotOfTag('bk');
  await writeTaggedKeys(tc, ['bk'], 30);
  const owner = (await tc.view()).masters.find((m) => owns(m, slot))!;
  const c = await tc.conn(owner.address);
  await call(c, 'SET', '{bk}:huge', Buffer.alloc(20 * MB, 'x'));
  await call(c, 'SET', '{bk}:mid', Buffer.alloc(2 * MB, 'y'));
}, 90_000);

afterAll(async () => {
  await tc?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const owns = (m: ClusterMaster, s: number) => m.slots.some(([a, b]) => s >= a && s <= b);
const uri = () => `redis://:${PASSWORD}@${tc.addresses[0]}`;

async function state(): Promise<string> {
  const parts: string[] = [];
  for (const a of tc.addresses) {
    const v = clusterViewOf(String(await call(await tc.conn(a), 'CLUSTER', 'NODES')));
    parts.push(`${a} ${JSON.stringify(v.masters.map((m) => [m.id, m.slots]))} ${JSON.stringify(v.open)} ${await call(await tc.conn(a), 'DBSIZE')}`);
  }
  return parts.join('\n');
}

async function otherThanOwner(): Promise<ClusterMaster> {
  return (await tc.view()).masters.find((m) => !owns(m, slot))!;
}

describe('big keys in the reshard plan', () => {
  it('--dry-run lists them with the time their MIGRATE blocks, the one past --max-block flagged; nothing changed', async () => {
    const to = await otherThanOwner();
    const before = await state();
    const r = await runCli(['cluster', 'reshard', '--uri', uri(), '--from', 'all', '--to', to.id, '--slot-ranges', `${slot}`, '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Big keys: 2 keys of 1\.0 MB or more \(2\d MB in all; 32 keys sized in \d+ms\); a MIGRATE blocks the source and the target for about size ÷ 50 MB\/s:/);
    const huge = r.stdout.split('\n').find((l) => l.includes('{bk}:huge'))!;
    expect(huge).toMatch(new RegExp(`^ +${slot} +127\\.0\\.0\\.1:\\d+ +2\\d MB +~[45]\\d\\dms +\\{bk\\}:huge +! over --max-block 100ms$`));
    const mid = r.stdout.split('\n').find((l) => l.includes('{bk}:mid'))!;
    expect(mid).toMatch(/2\.\d MB +~\d\dms +\{bk\}:mid$/);
    expect(r.stdout).toContain('1 key would block both nodes longer than --max-block 100ms');
    expect(r.stdout).toContain('dry run: nothing was changed');
    expect(await state()).toBe(before);

    // --mem-limit 4MB: the 2 MB key is not listed; --mem-limit 1GB still lists the one past --max-block
    const r4 = await runCli(['cluster', 'reshard', '--uri', uri(), '--from', 'all', '--to', to.id, '--slot-ranges', `${slot}`, '--dry-run', '--mem-limit', '4MB']);
    expect(r4.stdout).toMatch(/Big keys: 1 key of 4\.0 MB or more/);
    expect(r4.stdout).not.toContain('{bk}:mid');
    const r1g = await runCli(['cluster', 'reshard', '--uri', uri(), '--from', 'all', '--to', to.id, '--slot-ranges', `${slot}`, '--dry-run', '--mem-limit', '1GB', '--json']);
    const plan = JSON.parse(r1g.stdout.split('\n')[0]) as { event: string; bigKeys: { count: number; overMaxBlock: number; threshold: number; keys: Array<{ key: string }> } };
    expect(plan).toMatchObject({ event: 'plan', bigKeys: { count: 1, overMaxBlock: 1, threshold: 5 * MB } });
    expect(plan.bigKeys.keys[0].key).toBe('{bk}:huge');
  });

  it('the engine finds the same keys on the server (a script) and from here (names + MEMORY USAGE, as where EVAL is refused), a slot bigger than a group read whole', async () => {
    const v = await tc.view();
    const from = v.masters.find((m) => owns(m, slot))!;
    const to = v.masters.find((m) => !owns(m, slot))!;
    const pool = new RespPool({ auth: { password: PASSWORD } });
    try {
      const limits = { memLimit: MB, maxBlockMs: 100 };
      const moves = [{ slot, from: from.id, to: to.id }];
      const runs = [await findBigKeys(v.masters, moves, pool, limits), await findBigKeys(v.masters, moves, pool, limits, { script: false }), await findBigKeys(v.masters, moves, pool, limits, { inHand: 10 })];
      for (const r of runs) {
        expect(r.scanned).toBe(32);
        expect(r.keys.map((k) => [k.key, k.slot, k.address, k.overMaxBlock])).toEqual([['{bk}:huge', slot, from.address, true], ['{bk}:mid', slot, from.address, false]]);
        expect(r.keys[0].bytes).toBe(runs[0].keys[0].bytes);
      }
    } finally {
      await pool.close();
    }
  });

  it('--yes with a key past --max-block: exit 2, one line naming it and what to do, nothing changed', async () => {
    const to = await otherThanOwner();
    const before = await state();
    const r = await runCli(['cluster', 'reshard', '--uri', uri(), '--from', 'all', '--to', to.id, '--slot-ranges', `${slot}`, '--yes']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('{bk}:huge'); // the plan was shown
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`1 key would block both nodes longer than --max-block 100ms \\(the biggest: \\{bk\\}:huge in slot ${slot}, 2\\d MB, about [45]\\d\\dms\\): move it at a quiet time with --allow-big-keys, raise --max-block, or leave its slot out with --slot-ranges; nothing was changed`));
    expect(r.stderr).not.toContain(PASSWORD);
    expect(await state()).toBe(before);
  });

  it('--max-block 1s lets it go, and --allow-big-keys brings it back: values intact', async () => {
    const values = await snapshotSlots(tc, [slot]);
    const to = await otherThanOwner();
    const r = await runCli(['cluster', 'reshard', '--uri', uri(), '--from', 'all', '--to', to.id, '--slot-ranges', `${slot}`, '--yes', '--max-block', '1s', '--journal', join(dir, 'max-block.jsonl')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('! over --max-block');
    expect((await tc.view()).masters.find((m) => m.id === to.id)!.slots.some(([a, b]) => slot >= a && slot <= b)).toBe(true);
    const back = await otherThanOwner();
    const r2 = await runCli(['cluster', 'reshard', '--uri', uri(), '--from', 'all', '--to', back.id, '--slot-ranges', `${slot}`, '--yes', '--allow-big-keys', '--journal', join(dir, 'allow.jsonl')]);
    expect(r2.stderr).toBe('');
    expect(r2.code).toBe(0);
    expect(r2.stdout).toContain('! over --max-block 100ms');
    const after = await snapshotSlots(tc, [slot]);
    expect([...after.keys()].sort()).toEqual([...values.keys()].sort());
    for (const [k, v] of values) expect(after.get(k)?.digest, k).toBe(v.digest);
  });
});

describe('big keys in the rebalance plan', () => {
  it('--simulate lists them; a run past --max-block is refused in one line, nothing changed', async () => {
    const owner = (await tc.view()).masters.find((m) => owns(m, slot))!;
    const before = await state();
    // weight 0 empties the owner: every slot of it moves, the big keys' slot too
    const shown = await runCli(['cluster', 'rebalance', '--uri', uri(), '--weight', `${owner.id}=0`, '--simulate']);
    expect(shown.stderr).toBe('');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/Big keys: 2 keys of .* or more/);
    expect(shown.stdout).toMatch(/\{bk\}:huge +! over --max-block 100ms/);
    const refused = await runCli(['cluster', 'rebalance', '--uri', uri(), '--weight', `${owner.id}=0`, '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^cutover: 1 key would block both nodes longer than --max-block 100ms \(the biggest: \{bk\}:huge in slot \d+, .*\): move it at a quiet time with --allow-big-keys or raise --max-block; nothing was changed\n$/);
    expect(await state()).toBe(before);
  }, 60_000);
});
