// A master that hangs (SIGSTOP: it accepts connections and never answers) is found "not answering" within about a
// second, so an unplanned failover is proposed before Sentinel or the cluster would act; a replica whose link is down
// is shown as such; REPLICAOF's "OK Already connected to specified master" counts as success. Real servers.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodePool } from '../../src/engine/failover/pool.js';
import { repointStep } from '../../src/engine/failover/plan-common.js';
import { UNLISTED_NOTE } from '../../src/engine/failover/plan-replication.js';
import type { FoNode } from '../../src/engine/failover/model.js';
import type { Plan } from '../../src/engine/failover/types.js';
import type { LabServer } from '../../src/lab/server.js';
import { client, conn, ep, failover, role, runPlan, passwordedReplication } from './failover-helpers.js';
import { runCli, stopServers, until as waitUntil } from './helpers.js';

const PW = 'hung-s3cret-pw';
let servers: LabServer[];
let dir: string;
let m: LabServer, r1: LabServer, r2: LabServer;
const admin: Redis[] = [];

async function on(s: LabServer): Promise<Redis> {
  const c = await client(s.port, PW);
  admin.push(c);
  return c;
}

const until = (what: string, check: () => Promise<boolean>, timeoutMs = 15_000) => waitUntil(what, check, timeoutMs);

const foNode = (s: LabServer): FoNode => ({ id: s.address, host: '127.0.0.1', port: s.port, up: true, role: 'replica' });

beforeAll(async () => {
  ({ servers, dir } = await passwordedReplication(['m', 'r1', 'r2'], 'cutover-fo-hung-', PW));
  [m, r1, r2] = servers;
  for (const r of [r1, r2]) await until(`${r.name} linked`, async () => (await role(r.port, PW)).link === 'up');
});

afterAll(async () => {
  if (m?.pid) process.kill(m.pid, 'SIGCONT');
  await stopServers(servers ?? [], dir, admin);
});

describe('failover: replies, link-down replicas, a hung master', () => {
  it('REPLICAOF answered "OK Already connected to specified master" is a success', async () => {
    const step = repointStep(foNode(r1), foNode(m), 'already there');
    const plan: Plan = { procedure: 'failover', title: 't', mode: 'm', nodes: [], checks: [], notes: [], steps: [step], confirmWord: 'x', wayBack: () => ({ summary: '', commands: [] }), measures: [] };
    const pool = new NodePool(conn);
    for (const s of servers) pool.add(ep(s.address, PW));
    try {
      const run = await runPlan(plan, pool);
      expect(run.outcome.status, JSON.stringify(run.outcome.failed)).toBe('done');
      expect(run.outcome.results[0].reply).toBe('OK Already connected to specified master');
    } finally {
      pool.close();
    }
  });

  it('a replica whose link is down: unseen from the master (the plan says so), shown as down when named, never "0 B behind"', async () => {
    await (await on(r2)).call('CONFIG', 'SET', 'masterauth', 'not-the-password');
    await (await on(m)).call('CLIENT', 'KILL', 'TYPE', 'replica');
    await until('r2 link down', async () => (await role(r2.port, PW)).link === 'down');
    await until('r1 linked again', async () => (await role(r1.port, PW)).link === 'up');
    try {
      const fromMaster = await failover({ entries: [ep(m.address, PW)] }, { dryRun: true });
      expect(fromMaster.plan.notes).toContain(UNLISTED_NOTE);
      expect(fromMaster.plan.nodes.map((n) => n.id)).not.toContain(r2.address);
      const named = await failover({ entries: [ep(m.address, PW), ep(r2.address, PW)], to: ep(r1.address, PW) }, { dryRun: true });
      expect(named.plan.nodes.find((n) => n.id === r2.address)).toMatchObject({ role: 'replica', link: 'down' });
      const warn = named.plan.checks.find((c) => c.text.startsWith(`${r2.address}'s link to the master is down`));
      expect(warn).toMatchObject({ ok: true, warn: true });
      const onto = await failover({ entries: [ep(m.address, PW), ep(r2.address, PW)], to: ep(r2.address, PW) }, { dryRun: true });
      expect(onto.outcome.status).toBe('refused');
      expect(onto.plan.checks.map((c) => c.text).join('\n')).not.toMatch(/ is 0 B behind/);
      // the way the other replica is repointed says what is true for CLIENT PAUSE (not FAILOVER)
      expect(named.plan.steps.find((s) => s.id === `repoint:${r2.address}`)?.why).toBe('it replicates from the old master: repoint it to the new one');
    } finally {
      await (await on(r2)).call('CONFIG', 'SET', 'masterauth', PW);
      await until('r2 linked again', async () => (await role(r2.port, PW)).link === 'up');
    }
  });

  it('a hung master (SIGSTOP) is "not answering" within about a second, and the unplanned plan comes at once', async () => {
    process.kill(m.pid!, 'SIGSTOP');
    try {
      const t0 = Date.now();
      const run = await failover({ entries: [ep(r1.address, PW), ep(r2.address, PW)], unplanned: true }, { dryRun: true });
      const ms = Date.now() - t0;
      console.log(`hung master: the unplanned plan drawn up in ${ms} ms`);
      expect(run.outcome.status).toBe('dry-run');
      expect(ms).toBeLessThan(2500);
      expect(run.plan.nodes.find((n) => n.id === m.address)).toMatchObject({ reachable: false, error: expect.stringMatching(/is not answering: it accepted a connection but sent no reply within 1000 ms/) });
      // planned, it is refused with the same words, as quickly
      const t1 = Date.now();
      await expect(failover({ entries: [ep(r1.address, PW)] }, { dryRun: true })).rejects.toThrow(/does not answer \(.*is not answering.*\): for a failover without it, add --unplanned/);
      expect(Date.now() - t1).toBeLessThan(2500);
      // the binary, from its start to the plan (the master named too: checked at the same time, as briefly)
      const t2 = Date.now();
      const cli = await runCli(['failover', '--uri', r1.address, '--uri', m.address, '--unplanned', '--dry-run'], { REDISCLI_AUTH: PW });
      const cliMs = Date.now() - t2;
      console.log(`hung master: the binary printed the plan and exited in ${cliMs} ms`);
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stdout).toMatch(/unplanned failover · replication/);
      expect(cli.stdout).not.toMatch(/lost the connection/);
      expect(cli.stdout + cli.stderr).not.toContain(PW);
      expect(cliMs).toBeLessThan(4000);
    } finally {
      process.kill(m.pid!, 'SIGCONT');
    }
  });
});
