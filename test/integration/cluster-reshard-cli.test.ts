// `cutover cluster reshard` through the built binary on a real passworded cluster of 3 masters (and a replica, to be
// refused as --to): a reshard of a few slots with keys and --yes moves them (keys counted on both sides, `cutover
// cluster check` clean after, the journal without the password); --dry-run changes nothing; --json gives NDJSON
// progress and a summary; Ctrl-C stops after the slots in hand and --resume moves the rest; bad input is one line, a
// non-zero exit and nothing changed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/lab/ports.js';
import { LabServer } from '../../src/lab/server.js';
import { RespConnection } from '../../src/engine/redis/resp.js';
import { clusterViewOf } from '../../src/engine/cluster/move/cluster-view.js';
import { call, slotOfTag, startCluster, writeTaggedKeys, type TestCluster } from './cluster-move-helpers.js';
import { CLI, runCli, standaloneServers, stopServers, until } from './helpers.js';

const PASSWORD = 'R3shard-cli-s3cret';
let tc: TestCluster;
let replica: LabServer;
let replicaConn: RespConnection | undefined;
let dir: string;
let plain: { servers: LabServer[]; dir: string };

beforeAll(async () => {
  [tc, plain] = await Promise.all([startCluster(PASSWORD), standaloneServers(['plain'], 'cutover-reshard-plain-')]);
  dir = mkdtempSync(join(tmpdir(), 'cutover-reshard-cli-'));
  // a replica of the first master, only to be refused as --to
  replica = new LabServer(tc.bins, tc.dir, {
    name: 'r1',
    kind: 'redis',
    port: await freePort(),
    config: ['cluster-enabled yes', 'cluster-config-file nodes-r1.conf', 'cluster-node-timeout 3000', `requirepass "${PASSWORD}"`, `masterauth "${PASSWORD}"`],
  });
  await replica.start();
  replicaConn = await RespConnection.open({ host: '127.0.0.1', port: replica.port, password: PASSWORD });
  const [host, port] = tc.addresses[0].split(':');
  await call(replicaConn, 'CLUSTER', 'MEET', host, Number(port));
  const first = (await tc.view()).masters.find((m) => m.address === tc.addresses[0])!;
  await until('the replica knows the first master', async () => String(await call(replicaConn!, 'CLUSTER', 'NODES')).includes(first.id), 20_000);
  await call(replicaConn, 'CLUSTER', 'REPLICATE', first.id);
  await until('every master sees the replica', async () => {
    for (const a of tc.addresses) {
      const v = clusterViewOf(String(await call(await tc.conn(a), 'CLUSTER', 'NODES')));
      if (!(v.replicas ?? []).some((r) => r.address === `127.0.0.1:${replica.port}`)) return false;
    }
    return true;
  }, 20_000);
}, 90_000);

afterAll(async () => {
  replicaConn?.close();
  await replica?.kill();
  await tc?.stop();
  if (plain) await stopServers(plain.servers, plain.dir);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const uri = (address = tc.addresses[0]) => `redis://:${PASSWORD}@${address}`;
const auth = { REDISCLI_AUTH: PASSWORD };

/** Keys of the slots on the node at `address`. */
async function keysIn(address: string, slots: number[]): Promise<number> {
  const c = await tc.conn(address);
  let n = 0;
  for (const s of slots) n += Number(await call(c, 'CLUSTER', 'COUNTKEYSINSLOT', s));
  return n;
}

/** What must not change under a refused or dry command: every node's slot map and key count. */
async function state(): Promise<string> {
  const parts: string[] = [];
  for (const a of tc.addresses) {
    const v = clusterViewOf(String(await call(await tc.conn(a), 'CLUSTER', 'NODES')));
    parts.push(`${a} ${JSON.stringify(v.masters.map((m) => [m.id, m.slots]))} ${JSON.stringify(v.open)} ${await call(await tc.conn(a), 'DBSIZE')}`);
  }
  return parts.join('\n');
}

describe('cutover cluster reshard', () => {
  it('--dry-run shows the plan (per source: slots and keys; the command order once) and changes nothing', async () => {
    await writeTaggedKeys(tc, ['dr0', 'dr1', 'dr2'], 30);
    const view = await tc.view();
    const to = view.masters[0];
    const before = await state();
    const r = await runCli(['cluster', 'reshard', '--uri', uri(), '--from', 'all', '--to', to.id, '--slots', '30', '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Reshard: 30 slots \(\d+ keys? now\) to 127\.0\.0\.1:\d+/);
    for (const m of view.masters.slice(1)) expect(r.stdout).toContain(m.address);
    expect(r.stdout.match(/CLUSTER SETSLOT <slot> IMPORTING/g)).toHaveLength(1);
    expect(r.stdout).toContain('dry run: nothing was changed');
    expect(r.stdout).not.toContain(PASSWORD);
    expect(await state()).toBe(before);
  });

  it('--yes moves a few slots with their keys; the keys counted on both sides; cluster check clean; the journal has no password', async () => {
    const tags = ['rs0', 'rs1', 'rs2', 'rs3'];
    await writeTaggedKeys(tc, tags, 40);
    const view = await tc.view();
    const to = view.masters[0];
    const slots = tags.map(slotOfTag).filter((s) => !to.slots.some(([a, b]) => s >= a && s <= b));
    expect(slots.length).toBeGreaterThan(0);
    let onSources = 0;
    for (const m of view.masters.slice(1)) onSources += await keysIn(m.address, slots);
    expect(onSources).toBe(slots.length * 40);
    const onTargetBefore = await keysIn(to.address, slots);
    const journal = join(dir, 'reshard.jsonl');
    const ranges = slots.map((s) => `${s}-${s}`).join(',');
    const r = await runCli(['cluster', 'reshard', '--uri', uri(), '--from', 'all', '--to', to.address, '--slot-ranges', ranges, '--yes', '--pipeline', '7', '--journal', journal]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`journal: ${journal}`);
    expect(r.stdout).toMatch(new RegExp(`reshard done: ${slots.length} slots? moved, ${onSources} keys`));
    expect(r.stdout).not.toContain(PASSWORD);
    let onSourcesAfter = 0;
    for (const m of view.masters.slice(1)) onSourcesAfter += await keysIn(m.address, slots);
    expect(onSourcesAfter).toBe(0);
    expect(await keysIn(to.address, slots)).toBe(onTargetBefore + onSources);
    const owner = (await tc.view()).masters.find((m) => m.id === to.id)!;
    for (const s of slots) expect(owner.slots.some(([a, b]) => s >= a && s <= b)).toBe(true);

    const text = readFileSync(journal, 'utf8');
    expect(text).not.toContain(PASSWORD);
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { event: string; command?: string[]; node?: string });
    expect(lines[0].event).toBe('start');
    expect(lines.some((l) => l.event === 'confirm')).toBe(true);
    expect(lines.filter((l) => l.command?.[1] === 'SETSLOT' && l.command[3] === 'IMPORTING')).toHaveLength(slots.length);
    expect(lines.some((l) => l.command?.[0] === 'MIGRATE' && l.command.includes('***'))).toBe(true);
    expect(lines[lines.length - 1]).toMatchObject({ event: 'end', status: 'done' });

    // cutover's own check: clean once every node agrees on the new owner (gossip)
    let check = { code: -1 as number | null, stdout: '', stderr: '' };
    await until('cutover cluster check clean after the reshard', async () => {
      check = await runCli(['cluster', 'check', '--uri', tc.addresses[1]], auth);
      return check.code === 0;
    }, 15_000).catch(() => undefined);
    expect(check.stdout + check.stderr).toMatch(/cluster check: all is well/);
  });

  it('--json: NDJSON plan, progress and a summary', async () => {
    const view = await tc.view();
    const to = view.masters[1];
    const r = await runCli(['cluster', 'reshard', '--uri', tc.addresses[2], '--from', 'all', '--to', to.id, '--slots', '12', '--yes', '--json', '--journal', join(dir, 'json.jsonl')], auth);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; status?: string; totals?: { slotsDone: number } });
    expect(events[0].event).toBe('plan');
    expect(events.some((e) => e.event === 'progress')).toBe(true);
    const last = events[events.length - 1];
    expect(last).toMatchObject({ event: 'summary', status: 'done', totals: { slotsDone: 12 } });
    const after = (await tc.view()).masters.find((m) => m.id === to.id)!;
    expect(after.slots.reduce((n, [a, b]) => n + b - a + 1, 0)).toBe(view.masters[1].slots.reduce((n, [a, b]) => n + b - a + 1, 0) + 12);
  });

  it('Ctrl-C stops after the slots in hand: exit 130, a stopped summary, no slot left open; --resume moves the rest', async () => {
    const view = await tc.view();
    const to = view.masters[0];
    const journal = join(dir, 'stopped.jsonl');
    const child = spawn(process.execPath, [CLI, 'cluster', 'reshard', '--uri', tc.addresses[1], '--from', 'all', '--to', to.id, '--slots', '4000', '--yes', '--json', '--journal', journal], {
      env: { ...process.env, ...auth },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = new Promise<number | null>((r) => child.on('exit', r));
    try {
      // a few slots moved (their SETSLOT NODE journaled), most still to go
      await until('slots moving', () => existsSync(journal) && (readFileSync(journal, 'utf8').match(/"NODE"/g) ?? []).length >= 6, 20_000);
      child.kill('SIGINT');
      expect(await code).toBe(130);
    } finally {
      child.kill('SIGKILL');
    }
    const last = JSON.parse(out.trim().split('\n').pop()!) as { event: string; status: string; totals: { slotsDone: number } };
    expect(last).toMatchObject({ event: 'summary', status: 'stopped' });
    expect(last.totals.slotsDone).toBeGreaterThan(0);
    expect(last.totals.slotsDone).toBeLessThan(4000);
    const check = await runCli(['cluster', 'check', '--uri', tc.addresses[1]], auth);
    expect(check.stdout).toMatch(/cluster check: all is well.*no open slot/);
    expect(check.code).toBe(0);

    // --resume finishes the plan: the slots not started move, those done are left alone
    const resumed = await runCli(['cluster', 'reshard', '--uri', tc.addresses[1], '--resume', journal, '--yes', '--journal', join(dir, 'resumed.jsonl')], auth);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/\(reshard, started .*, ended stopped\):\n {2}4,000 slots planned: ([\d,]+) done, ([\d,]+) still to move/);
    const [, done, left] = /4,000 slots planned: ([\d,]+) done, ([\d,]+) still to move/.exec(resumed.stdout)!.map((x) => Number(x.replace(/,/g, '')));
    expect(done).toBe(last.totals.slotsDone);
    expect(done + left).toBe(4000);
    expect(resumed.stdout).toMatch(new RegExp(`reshard done: ${left.toLocaleString('en-US')} slots moved`));
    const target = (await tc.view()).masters.find((m) => m.id === to.id)!;
    expect(target.slots.reduce((n, [a, b]) => n + b - a + 1, 0)).toBe(view.masters[0].slots.reduce((n, [a, b]) => n + b - a + 1, 0) + 4000);
  });

  it('bad input: each one line, a non-zero exit, nothing changed', async () => {
    const view = await tc.view();
    const to = view.masters[0].id;
    const before = await state();
    const cases: Array<{ args: string[]; env?: Record<string, string>; code: number; line: RegExp }> = [
      { args: ['--from', 'all', '--to', 'f'.repeat(40), '--slots', '10', '--yes'], code: 2, line: /--to f{40}: no master of the cluster has this node id/ },
      { args: ['--from', 'e'.repeat(40), '--to', to, '--slots', '10', '--yes'], code: 2, line: /--from e{40}: no master of the cluster has this node id/ },
      { args: ['--from', 'all', '--to', `127.0.0.1:${replica.port}`, '--slots', '10', '--yes'], code: 2, line: /is a replica: name a master/ },
      { args: ['--from', 'all', '--to', to, '--slots', '0', '--yes'], code: 2, line: /--slots '0' is not a whole number from 1 to 16384/ },
      { args: ['--from', 'all', '--to', to, '--slots', '10'], code: 2, line: /stdin is not a terminal: add --yes/ },
      { args: ['--from', 'all', '--to', to, '--slots', '10', '--yes', '--uri', plain.servers[0].address], code: 2, line: /is not a Redis Cluster node/ },
      { args: ['--from', 'all', '--to', to, '--slots', '10', '--yes', '--uri', `redis://:wrong-pw-77@${tc.addresses[0]}`], code: 1, line: /authentication failed at 127\.0\.0\.1:\d+/ },
      { args: ['--from', 'all', '--to', to, '--slots', '10', '--yes', '--mem-limit', '0'], code: 2, line: /--mem-limit '0' is not a size above 0/ },
      { args: ['--from', 'all', '--to', to, '--slots', '10', '--yes', '--max-block', '0'], code: 2, line: /--max-block '0' is not a duration from 1ms to 60s/ },
      { args: ['--resume', join(dir, 'reshard.jsonl'), '--to', to, '--yes'], code: 2, line: /--resume takes the plan from the journal: drop --to/ },
      { args: ['--resume', join(dir, 'none.jsonl'), '--yes'], code: 2, line: /cannot read the journal '.*none\.jsonl': ENOENT/ },
    ];
    for (const c of cases) {
      const args = c.args.includes('--uri') ? c.args : ['--uri', uri(), ...c.args];
      const r = await runCli(['cluster', 'reshard', ...args], c.env);
      const what = c.args.join(' ');
      expect(r.code, what).toBe(c.code);
      expect(r.stdout, what).toBe('');
      expect(r.stderr.trim().split('\n'), what).toHaveLength(1);
      expect(r.stderr, what).toMatch(c.line);
      expect(r.stderr, what).not.toContain(PASSWORD);
      expect(r.stderr, what).not.toContain('wrong-pw-77');
    }
    expect(await state()).toBe(before);
  });
});
