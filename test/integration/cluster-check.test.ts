// `cutover cluster check` on a real lab cluster (3 masters with a replica each, one spare master), compared with
// `redis-cli --cluster check` on the same states: healthy, an open slot, an uncovered range with keys left behind,
// a replica killed and flagged fail; then bad input, each one line and a non-zero exit.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { parseClusterNodes } from '../../src/engine/topology/parse-cluster-nodes.js';
import type { CheckReport } from '../../src/engine/cluster/check-types.js';
import type { LabServer } from '../../src/lab/server.js';
import { client } from './failover-helpers.js';
import { runCli, standaloneServers, stopServers, until } from './helpers.js';

const exec = promisify(execFile);
let lab: Lab;
const admin: Redis[] = [];

beforeAll(async () => {
  lab = await startLab({ preset: 'cluster', keys: 300, cluster: { masters: 3, replicas: 1, spare: 1 } });
}, 60_000);
afterAll(async () => {
  for (const c of admin) c.disconnect();
  await lab?.stop();
});

async function check(entry = 'c2'): Promise<{ code: number | null; report: CheckReport; stderr: string }> {
  const r = await runCli(['cluster', 'check', '--uri', lab.server(entry).address, '--json']);
  return { code: r.code, report: JSON.parse(r.stdout) as CheckReport, stderr: r.stderr };
}

/** redis-cli --cluster check on the same state: its exit code and output, colours stripped. */
async function redisCli(entry = 'c2'): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await exec(lab.bins.cli, ['--cluster', 'check', lab.server(entry).address], { env: { ...process.env, ...lab.bins.env } });
    return { code: 0, out: stdout.replace(/\x1b\[[0-9;]*m/g, '') };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, out: String(e.stdout).replace(/\x1b\[[0-9;]*m/g, '') };
  }
}

/** Waits for an asynchronous condition (helpers.ts's `until` takes a synchronous one). */

async function adminOf(name: string): Promise<Redis> {
  const c = await client(lab.server(name).port);
  admin.push(c);
  return c;
}

/** A slot that holds keys on the master `name`. */
async function slotWithKeys(c: Redis): Promise<number> {
  const self = parseClusterNodes((await c.call('CLUSTER', 'NODES')) as string).find((n) => n.myself)!;
  for (const [a, b] of self.slots) for (let s = a; s <= b; s++) if (Number(await c.call('CLUSTER', 'COUNTKEYSINSLOT', String(s))) > 0) return s;
  throw new Error('no slot with keys');
}

describe('cutover cluster check', () => {
  it('a healthy cluster (and the lab options): exit 0, every master in the table, the spare at -100 %, one-host note', async () => {
    const { code, report } = await check();
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.nodes).toBe(7);
    expect(report.answered).toBe(7);
    expect(report.masters).toHaveLength(4);
    expect(report.masters.reduce((s, m) => s + m.slots, 0)).toBe(16384);
    expect(report.masters.reduce((s, m) => s + (m.keys ?? 0), 0)).toBe(300);
    expect(report.balancedShare).toBe(4096);
    const spare = report.masters.find((m) => m.address === lab.server('spare1').address)!;
    expect(spare).toMatchObject({ slots: 0, replicas: 0, deviationPct: -100 });
    for (const m of report.masters.filter((x) => x.slots)) expect(m.replicas).toBe(1);
    expect(report.findings.map((f) => f.kind)).toEqual(['one-host']);
    expect((await redisCli()).code).toBe(0);
    // the same as text: a row per master, the note, the verdict
    const text = await runCli(['cluster', 'check', lab.server('c1').address]);
    expect(text.code).toBe(0);
    for (const m of report.masters) expect(text.stdout).toContain(m.address);
    expect(text.stdout).toMatch(/vs share/);
    expect(text.stdout).toMatch(/^note: every node is on 127\.0\.0\.1/m);
    expect(text.stdout).toMatch(/cluster check: all is well/);
  });

  it('an open slot: MIGRATING on the owner, IMPORTING on the target, the keys left counted; exit 1', async () => {
    const [a, b] = [await adminOf('c1'), await adminOf('c2')];
    const [idA, idB] = [(await a.call('CLUSTER', 'MYID')) as string, (await b.call('CLUSTER', 'MYID')) as string];
    const slot = await slotWithKeys(a);
    const keys = Number(await a.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot)));
    await b.call('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', idA);
    await a.call('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', idB);
    try {
      const { code, report } = await check('c3');
      expect(code).toBe(1);
      expect(report.openSlots).toEqual([
        { slot, migrating: [{ node: lab.server('c1').address, to: lab.server('c2').address, keysLeft: keys }], importing: [{ node: lab.server('c2').address, from: lab.server('c1').address, keys: 0 }] },
      ]);
      const open = report.findings.find((f) => f.kind === 'open-slot')!;
      expect(open.text).toBe(
        `slot ${slot} is open: MIGRATING on ${lab.server('c1').address} to ${lab.server('c2').address} (${keys} key${keys === 1 ? '' : 's'} left there); IMPORTING on ${lab.server('c2').address} from ${lab.server('c1').address} (0 keys there)`,
      );
      const cli = await redisCli();
      expect(cli.out).toContain(`The following slots are open: ${slot}`);
    } finally {
      await b.call('CLUSTER', 'SETSLOT', String(slot), 'STABLE');
      await a.call('CLUSTER', 'SETSLOT', String(slot), 'STABLE');
    }
    expect((await check()).code).toBe(0);
  });

  it('an uncovered range (DELSLOTS on a slot with keys): the range, the keys left behind, the disagreement; exit 1', async () => {
    const a = await adminOf('c1');
    const slot = await slotWithKeys(a);
    await a.call('CLUSTER', 'DELSLOTS', String(slot), String(slot + 1));
    try {
      const { code, report } = await check('c2');
      expect(code).toBe(1);
      expect(report.uncovered).toEqual([[slot, slot + 1]]);
      const kinds = report.findings.filter((f) => f.severity === 'problem').map((f) => f.kind);
      expect(kinds).toEqual(expect.arrayContaining(['uncovered', 'keys-in-unowned-slots', 'slot-map-disagreement']));
      const stray = report.findings.find((f) => f.kind === 'keys-in-unowned-slots')!;
      expect(stray.node).toBe(lab.server('c1').address);
      expect(stray.slots).toEqual([[slot, slot]]);
      expect((await redisCli('c1')).out).toContain('Not all 16384 slots are covered');
    } finally {
      await a.call('CLUSTER', 'ADDSLOTS', String(slot), String(slot + 1));
    }
    await until('c1 cluster_state ok again', async () => /cluster_state:ok/.test((await a.call('CLUSTER', 'INFO')) as string), 10_000);
  });

  it('a replica killed: not answering, flagged fail by its peers, its master without a replica (a warning); exit 1', async () => {
    const m = await adminOf('c1');
    const idM = (await m.call('CLUSTER', 'MYID')) as string;
    const view = parseClusterNodes((await m.call('CLUSTER', 'NODES')) as string);
    const replica = view.find((n) => n.role === 'replica' && n.masterId === idM)!;
    const victim = lab.servers.find((s: LabServer) => s.port === replica.port)!;
    await lab.kill(victim.name);
    // every node that answers flags it fail (the FAIL message spreads at once, once a majority of masters agree)
    const others = await Promise.all(lab.servers.filter((s) => s.name !== victim.name).map((s) => adminOf(s.name)));
    await until(
      'the replica flagged fail by every node',
      async () => {
        const views = await Promise.all(others.map(async (c) => parseClusterNodes((await c.call('CLUSTER', 'NODES')) as string)));
        return views.every((v) => v.find((n) => n.id === replica.id)?.failing === 'fail');
      },
      20_000,
    );
    const { code, report } = await check('c2');
    expect(code).toBe(1);
    expect(report.answered, JSON.stringify(report.findings)).toBe(6);
    const about = report.findings.filter((f) => f.node === victim.address).map((f) => `${f.severity} ${f.kind}`);
    expect(about, JSON.stringify(report.findings)).toEqual(expect.arrayContaining(['problem unreachable', 'problem fail']));
    expect(report.findings.find((f) => f.kind === 'fail')!.text).toBe(`replica ${victim.address} is flagged fail by 6 of 6 nodes`);
    expect(report.findings).toContainEqual(expect.objectContaining({ severity: 'warning', kind: 'no-replica', node: lab.server('c1').address }));
    // redis-cli --cluster check leaves a failed replica out: exit 0, the master shown with "0 slaves", nothing else
    const cli = await redisCli();
    expect(cli.code).toBe(0);
    expect(cli.out).toMatch(new RegExp(`${lab.server('c1').address} \\(\\w+\\.\\.\\.\\) -> \\d+ keys \\| \\d+ slots \\| 0 slaves`));
  }, 30_000);
});

describe('cutover cluster check: bad input', () => {
  let servers: LabServer[] = [];
  let dir: string | undefined;
  beforeAll(async () => {
    ({ servers, dir } = await standaloneServers(['plain', 'locked'], 'cutover-cluster-check-'));
    const c = await client(servers[1].port);
    await c.call('CONFIG', 'SET', 'requirepass', 'right-pw-11');
    c.disconnect();
  });
  afterAll(async () => {
    await stopServers(servers, dir);
  });

  it('a node that is not a cluster node: one line, exit 2', async () => {
    const r = await runCli(['cluster', 'check', '--uri', servers[0].address]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`cutover: ${servers[0].address} is not a Redis Cluster node (redis_mode standalone): give --uri the address of a node of the cluster\n`);
  });

  it('a wrong password: one line naming the node, exit 1, the password never shown', async () => {
    const r = await runCli(['cluster', 'check', '--uri', `redis://:wrong-pw-11@${servers[1].address}`]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/authentication failed at 127\.0\.0\.1:\d+/);
    expect(r.stdout + r.stderr).not.toContain('wrong-pw-11');
  });

  it('no --uri, an unknown subcommand, and a subcommand not given its required options: one line, exit 2', async () => {
    for (const args of [['cluster', 'check'], ['cluster', 'balance'], ['cluster', 'reshard', '--uri', servers[0].address]]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
