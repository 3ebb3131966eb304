// `cutover cluster rebalance` through the built binary on a real lab cluster (3 masters, no replica, one spare
// master met into it, a few thousand keys): --simulate shows the table and changes nothing, and pairs the masters as
// redis-cli --cluster rebalance --cluster-simulate does; bad input is one line,
// exit 2, nothing changed; without --use-empty-masters three even masters are within the threshold (exit 0); with
// it, --yes --json moves the share onto the empty master (slots after within 1 of 4,096, every key still there,
// redis-cli --cluster check clean), after which the cluster is within the threshold.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import type { LabServer } from '../../src/lab/server.js';
import { RespConnection } from '../../src/engine/redis/resp.js';
import { clusterViewOf } from '../../src/engine/cluster/move/cluster-view.js';
import { countOf } from '../../src/engine/cluster/move/reshard-plan.js';
import { call } from './cluster-move-helpers.js';
import { runCli, standaloneServers, stopServers, until } from './helpers.js';

const exec = promisify(execFile);
const KEYS = 3000;
let lab: Lab;
let plain: { servers: LabServer[]; dir: string };
let dir: string;
const conns = new Map<string, RespConnection>();

beforeAll(async () => {
  [lab, plain] = await Promise.all([
    startLab({ preset: 'cluster', keys: KEYS, cluster: { masters: 3, replicas: 0, spare: 1 } }),
    standaloneServers(['plain'], 'cutover-rebalance-plain-'),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'cutover-rebalance-cli-'));
}, 90_000);

afterAll(async () => {
  for (const c of conns.values()) c.close();
  await lab?.stop();
  if (plain) await stopServers(plain.servers, plain.dir);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const nodes = () => lab.servers.map((s) => s.address);

async function conn(address: string): Promise<RespConnection> {
  const have = conns.get(address);
  if (have && !have.broken) return have;
  const [host, port] = address.split(':');
  const c = await RespConnection.open({ host, port: Number(port) });
  conns.set(address, c);
  return c;
}

const viewOf = async (address = lab.server('c1').address) => clusterViewOf(String(await call(await conn(address), 'CLUSTER', 'NODES')));

async function totalKeys(): Promise<number> {
  let n = 0;
  for (const a of nodes()) n += Number(await call(await conn(a), 'DBSIZE'));
  return n;
}

/** What must not change under a refused or simulated command: every node's slot map and key count. */
async function state(): Promise<string> {
  const parts: string[] = [];
  for (const a of nodes()) {
    const v = await viewOf(a);
    parts.push(`${a} ${JSON.stringify(v.masters.map((m) => [m.id, m.slots]))} ${JSON.stringify(v.open)} ${await call(await conn(a), 'DBSIZE')}`);
  }
  return parts.join('\n');
}

async function redisCliCheck(): Promise<{ ok: boolean; out: string }> {
  try {
    const { stdout } = await exec(lab.bins.cli, ['--cluster', 'check', lab.server('c1').address], { env: { ...process.env, ...lab.bins.env }, timeout: 30_000 });
    return { ok: !/\[(WARNING|ERR)\]/.test(stdout) && /All 16384 slots covered/.test(stdout), out: stdout };
  } catch (err) {
    return { ok: false, out: String((err as { stdout?: string }).stdout ?? err) };
  }
}

describe('cutover cluster rebalance', () => {
  it('--simulate (and --dry-run) shows the table onto the empty master and changes nothing', async () => {
    const spare = lab.server('spare1').address;
    const before = await state();
    for (const flag of ['--simulate', '--dry-run']) {
      const r = await runCli(['cluster', 'rebalance', '--uri', lab.server('c2').address, '--use-empty-masters', flag]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Rebalance: 4,096 slots \([\d,]+ keys, ~?[\d.]+ [KM]?B now\) across 4 masters, total weight 4, threshold 2 %/);
      expect(r.stdout).toMatch(new RegExp(`${spare.replace(/\./g, '\\.')} +[0-9a-f]{8} +1 +0 +4,096 +- +[\\d,]+ +- +~?[\\d.]+ [KM]?B$`, 'm'));
      expect(r.stdout.match(/ → /g)).toHaveLength(3);
      expect(r.stdout).toContain('simulate: nothing was changed');
    }
    expect(await state()).toBe(before);
  });

  it('the same moves as redis-cli --cluster rebalance --cluster-simulate (empty masters; a weight)', async () => {
    const view = await viewOf();
    const c3 = view.masters.find((m) => m.address === lab.server('c3').address)!;
    const cases: Array<{ ours: string[]; theirs: string[] }> = [
      { ours: ['--use-empty-masters'], theirs: ['--cluster-use-empty-masters'] },
      { ours: ['--weight', `${c3.address}=3`], theirs: ['--cluster-weight', `${c3.id.slice(0, 8)}=3`] },
      { ours: ['--use-empty-masters', '--weight', `${c3.id.slice(0, 6)}=2.5`], theirs: ['--cluster-use-empty-masters', '--cluster-weight', `${c3.id.slice(0, 6)}=2.5`] },
    ];
    for (const c of cases) {
      const r = await runCli(['cluster', 'rebalance', '--uri', lab.server('c1').address, '--simulate', '--json', ...c.ours]);
      expect(r.code, r.stderr).toBe(0);
      const plan = JSON.parse(r.stdout.split('\n')[0]) as { pairs: Array<{ fromAddress: string; toAddress: string; slots: number }> };
      const ours = plan.pairs.map((p) => `Moving ${p.slots} slots from ${p.fromAddress} to ${p.toAddress}`);
      const { stdout } = await exec(lab.bins.cli, ['--cluster', 'rebalance', lab.server('c1').address, '--cluster-simulate', ...c.theirs], { env: { ...process.env, ...lab.bins.env }, timeout: 30_000 });
      const theirs = stdout.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => l.startsWith('Moving '));
      expect(ours.length, c.ours.join(' ')).toBeGreaterThan(0);
      expect(ours, c.ours.join(' ')).toEqual(theirs);
    }
  });

  it('without --use-empty-masters three even masters are within 2 %: nothing to do, exit 0, nothing changed', async () => {
    const before = await state();
    const r = await runCli(['cluster', 'rebalance', '--uri', lab.server('c1').address]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Rebalance: nothing to do: every master is within the 2 % threshold of its share \(3 masters, total weight 3\)/);
    expect(r.stdout).toContain('(no slots: left out without --use-empty-masters)');
    expect(await state()).toBe(before);
  });

  it('bad input: each one line, exit 2, nothing changed', async () => {
    const before = await state();
    const c1 = lab.server('c1').address;
    const cases: Array<{ args: string[]; line: RegExp }> = [
      { args: ['--uri', c1, '--weight', 'ffffff=2', '--yes'], line: /^cutover: --weight ffffff=2: no master of the cluster has a node id starting ffffff or this address/ },
      { args: ['--uri', c1, '--weight', `${lab.server('spare1').address}=2`, '--yes'], line: /holds no slots and takes part only with --use-empty-masters/ },
      { args: ['--uri', c1, '--weight', 'abc', '--yes'], line: /--weight 'abc' is not ID=WEIGHT/ },
      { args: ['--uri', plain.servers[0].address, '--use-empty-masters', '--yes'], line: /is not a Redis Cluster node/ },
      { args: ['--uri', c1, '--use-empty-masters'], line: /stdin is not a terminal: add --yes/ },
      { args: ['--uri', c1, '--threshold', 'lots'], line: /--threshold 'lots' is not a percentage/ },
    ];
    for (const c of cases) {
      const r = await runCli(['cluster', 'rebalance', ...c.args]);
      const what = c.args.join(' ');
      expect(r.code, what).toBe(2);
      expect(r.stdout, what).toBe('');
      expect(r.stderr.trim().split('\n'), what).toHaveLength(1);
      expect(r.stderr, what).toMatch(c.line);
    }
    expect(await state()).toBe(before);
  });

  it('refuses a cluster with an open slot or an uncovered slot (as redis-cli\'s check before a rebalance): one line, exit 2', async () => {
    const c1 = lab.server('c1').address;
    const c = await conn(c1);
    const me = (await viewOf(c1)).masters.find((m) => m.address === c1)!;
    const other = (await viewOf(c1)).masters.find((m) => m.address === lab.server('c2').address)!;
    let slot = me.slots[0][0];
    while (Number(await call(c, 'CLUSTER', 'COUNTKEYSINSLOT', slot)) > 0) slot++;
    const cases: Array<{ set: unknown[]; undo: unknown[]; line: RegExp }> = [
      { set: ['SETSLOT', slot, 'MIGRATING', other.id], undo: ['SETSLOT', slot, 'STABLE'], line: /^cutover: slots are open already \(127\.0\.0\.1:\d+ \[\d+->-[0-9a-f]+\]\): close them first/ },
      { set: ['DELSLOTS', slot], undo: ['ADDSLOTS', slot], line: /^cutover: 1 slot has no master: assign it first \(cutover cluster fix\), then rebalance; nothing was changed$/ },
    ];
    for (const k of cases) {
      await call(c, 'CLUSTER', ...(k.set as Array<string | number>));
      try {
        const r = await runCli(['cluster', 'rebalance', '--uri', c1, '--use-empty-masters', '--yes']);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr.trim()).toMatch(k.line);
      } finally {
        await call(c, 'CLUSTER', ...(k.undo as Array<string | number>));
      }
    }
    expect(countOf((await viewOf(c1)).masters.find((m) => m.address === c1)!)).toBe(countOf(me));
  });

  it('--use-empty-masters --yes --json: the share onto the empty master, every key kept, redis-cli --cluster check clean; then nothing to do', async () => {
    const keysBefore = await totalKeys();
    expect(keysBefore).toBe(KEYS);
    const spareId = (await viewOf()).masters.find((m) => m.address === lab.server('spare1').address)!.id;
    const journal = join(dir, 'rebalance.jsonl');
    const r = await runCli(['cluster', 'rebalance', '--uri', lab.server('c3').address, '--use-empty-masters', '--yes', '--json', '--journal', journal]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const plan = events[0] as { event: string; slots: number; keys: number; nodes: Array<{ id: string; slotsAfter: number; keysIn: number }>; pairs: Array<{ to: string; ranges: unknown[] }> };
    expect(plan.event).toBe('plan');
    expect(plan.slots).toBe(4096);
    expect(plan.nodes.find((n) => n.id === spareId)).toMatchObject({ slotsAfter: 4096, keysIn: plan.keys });
    expect(plan.pairs.every((p) => p.to === spareId && p.ranges.length > 0)).toBe(true);
    expect(events.some((e) => e.event === 'progress')).toBe(true);
    const last = events[events.length - 1];
    expect(last).toMatchObject({ event: 'summary', status: 'done', totals: { slotsDone: 4096, keys: plan.keys }, journal });

    const after = await viewOf();
    for (const m of after.masters) expect(Math.abs(countOf(m) - 4096), m.address).toBeLessThanOrEqual(1);
    expect(countOf(after.masters.find((m) => m.id === spareId)!)).toBe(4096);
    expect(await totalKeys()).toBe(keysBefore);
    const lines = readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; procedure?: string; status?: string });
    expect(lines[0]).toMatchObject({ event: 'start', procedure: 'rebalance' });
    expect(lines.some((l) => l.event === 'confirm')).toBe(true);
    expect(lines[lines.length - 1]).toMatchObject({ event: 'end', status: 'done' });

    let check = { ok: false, out: '' };
    await until('redis-cli --cluster check clean after the rebalance', async () => (check = await redisCliCheck()).ok, 15_000).catch(() => undefined);
    expect(check.out).toMatch(/All 16384 slots covered/);
    expect(check.ok, check.out).toBe(true);

    const again = await runCli(['cluster', 'rebalance', '--uri', lab.server('c1').address, '--use-empty-masters', '--json']);
    expect(again.code).toBe(0);
    const evs = again.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; status?: string; needed?: boolean });
    expect(evs[0]).toMatchObject({ event: 'plan', needed: false });
    expect(evs[evs.length - 1]).toMatchObject({ event: 'summary', status: 'balanced' });

    // its journal resumed: every slot of the plan is on its target, nothing left
    const resumed = await runCli(['cluster', 'rebalance', '--uri', lab.server('c1').address, '--resume', journal, '--yes']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/\(rebalance, started .*\):\n  4,096 slots planned: 4,096 done, 0 still to move/);
    const mixed = await runCli(['cluster', 'rebalance', '--uri', lab.server('c1').address, '--resume', journal, '--use-empty-masters']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toBe('cutover: --resume takes the plan from the journal: drop --use-empty-masters\n');
  });

  it('behind a password (REDISCLI_AUTH): a weight moves 300 slots in text mode; the password in no output nor the journal; a wrong one is one line', async () => {
    const PASSWORD = 'Reb4lance-s3cret';
    for (const a of nodes()) await call(await conn(a), 'CONFIG', 'SET', 'requirepass', PASSWORD);
    const c1 = lab.server('c1').address;
    const keysBefore = await totalKeys();
    const journal = join(dir, 'weighted.jsonl');
    const r = await runCli(['cluster', 'rebalance', '--uri', lab.server('c2').address, '--weight', `${c1}=1.1`, '--yes', '--journal', journal], { REDISCLI_AUTH: PASSWORD });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // total 4.1: c1 expects (int)(16384 / 4.1 × 1.1) = 4395, the others 3996 each; the rounding surplus of 1 goes to c1
    expect(r.stdout).toMatch(/^Rebalance: 300 slots .* across 4 masters, total weight 4\.1, threshold 2 %/);
    expect(r.stdout).toMatch(/confirmed: --yes\njournal: /);
    expect(r.stdout).toMatch(/rebalance done: 300 slots moved/);
    expect(r.stdout).not.toContain(PASSWORD);
    expect(readFileSync(journal, 'utf8')).not.toContain(PASSWORD);
    expect(readFileSync(journal, 'utf8')).toContain('"***"');
    const owner = (await viewOf()).masters.find((m) => m.address === c1)!;
    expect(countOf(owner)).toBe(4396);
    expect(await totalKeys()).toBe(keysBefore);

    const before = await state();
    const wrong = await runCli(['cluster', 'rebalance', '--uri', `redis://:wrong-pw-77@${c1}`, '--use-empty-masters', '--yes']);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/authentication failed at 127\.0\.0\.1:\d+/);
    expect(wrong.stderr).not.toContain('wrong-pw-77');
    expect(await state()).toBe(before);
  });
});
