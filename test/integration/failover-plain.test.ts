// Plain replication (no Sentinel): a master and two replicas with a password, failed over every way the
// issue lists, through the engine, on real servers. A writer at about 1k writes/s checks that no
// acknowledged write is lost; the figures are printed, never asserted against the clock.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PsyncClient } from '../../src/engine/live/psync/client.js';
import type { LabServer } from '../../src/lab/server.js';
import { NodePool } from '../../src/engine/failover/pool.js';
import { wayBackPlan } from '../../src/engine/failover/wayback-plan.js';
import { FAILOVER_DEFAULTS } from '../../src/engine/failover/failover.js';
import { client, conn, ep, failover, figures, plainTarget, role, runPlan, startWriter, type Run, passwordedReplication } from './failover-helpers.js';
import { stopServers } from './helpers.js';

const PW = 'plain-s3cret-pw';
let servers: LabServer[];
let dir: string;
let m: LabServer, r1: LabServer, r2: LabServer;
const runs: Run[] = [];
const admin: Redis[] = [];

async function on(s: LabServer): Promise<Redis> {
  const c = await client(s.port, PW);
  admin.push(c);
  return c;
}

async function waitLinks(master: LabServer, replicas: LabServer[]): Promise<void> {
  for (const r of replicas) {
    const end = Date.now() + 15_000;
    for (;;) {
      const s = await role(r.port, PW).catch(() => undefined);
      if (s?.role === 'replica' && s.master === master.address && s.link === 'up') break;
      if (Date.now() > end) throw new Error(`${r.name} did not link to ${master.name}: ${JSON.stringify(s)}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}

beforeAll(async () => {
  ({ servers, dir } = await passwordedReplication(['m', 'r1', 'r2'], 'cutover-fo-plain-', PW));
  [m, r1, r2] = servers;
  await (await on(m)).set('before', '1');
  await waitLinks(m, [r1, r2]);
});

afterAll(async () => {
  await stopServers(servers ?? [], dir, admin);
});

describe('plain replication failover', () => {
  it('a dry run shows the plan and changes nothing', async () => {
    const run = await failover({ entries: [ep(r2.address, PW)] }, { dryRun: true });
    runs.push(run);
    expect(run.outcome.status).toBe('dry-run');
    expect(run.plan.steps.find((s) => s.id === 'pause')).toMatchObject({ node: m.address, argv: ['CLIENT', 'PAUSE', '5000', 'WRITE'] });
    expect(run.events.some((e) => e.type === 'step-start')).toBe(false);
    expect((await role(m.port, PW)).role).toBe('master');
    expect((await role(r1.port, PW)).master).toBe(m.address);
    expect((await role(r2.port, PW)).master).toBe(m.address);
  });

  it("never proposes cutover's own replication stream (a replica entry with port 0) as a candidate", async () => {
    const stream = new PsyncClient({ host: '127.0.0.1', port: m.port, password: PW });
    const streaming = new Promise<void>((resolve) => stream.on((e) => e.type === 'rdb-end' && resolve()));
    stream.start();
    try {
      await streaming;
      const info = await (await on(m)).info('replication');
      expect(info).toMatch(/port=0,/);
      const run = await failover({ entries: [ep(m.address, PW)] }, { dryRun: true });
      expect(run.plan.nodes.map((n) => n.id).some((id) => id.endsWith(':0'))).toBe(false);
      expect([r1.address, r2.address]).toContain(run.plan.confirmWord);
      expect(run.plan.notes.join('\n')).toMatch(/1 replication stream of cutover's own \(port 0\) on the master: not replicas, never candidates/);
    } finally {
      await stream.stop();
    }
  });

  it('planned, by FAILOVER TO (--via failover): no acknowledged write lost, the other replica repointed, verified', async () => {
    const writer = startWriter(plainTarget([m.port, r1.port, r2.port], PW));
    await writer.ackedMore(200); // writing before the switch
    const run = await failover({ entries: [ep(m.address, PW)], to: ep(r1.address, PW), via: 'failover' });
    runs.push(run);
    await writer.ackedMore(200); // and taken by the new master after it
    const w = await writer.stop();
    console.log(figures('planned plain (--via failover: FAILOVER TO)', run, w));
    expect(run.outcome.status, JSON.stringify(run.outcome.failed)).toBe('done');
    expect(w.lost).toEqual([]);
    expect(w.acked).toBeGreaterThan(200);
    // measured, and within --timeout (5 s here), the longest write pause cutover allows
    const pause = run.outcome.measures.find((x) => x.label.startsWith('write pause'))?.ms;
    expect(pause).toBeGreaterThan(0);
    expect(pause).toBeLessThan(FAILOVER_DEFAULTS.timeoutMs);
    expect((await role(r1.port, PW)).role).toBe('master');
    expect((await role(m.port, PW)).master).toBe(r1.address);
    expect((await role(r2.port, PW)).master).toBe(r1.address);
    expect(run.outcome.nodes?.find((n) => n.id === r2.address)).toMatchObject({ role: 'replica', masterId: r1.address, link: 'up' });
  });

  it('planned, by CLIENT PAUSE (the default), back to the first master: no write lost', async () => {
    const writer = startWriter(plainTarget([m.port, r1.port, r2.port], PW));
    await writer.ackedMore(200); // writing before the switch
    const run = await failover({ entries: [ep(r2.address, PW)], to: ep(m.address, PW), killClients: true });
    runs.push(run);
    await writer.ackedMore(200); // and taken by the new master after it
    const w = await writer.stop();
    console.log(figures('planned plain (default: CLIENT PAUSE)', run, w));
    expect(run.outcome.status, JSON.stringify(run.outcome.failed)).toBe('done');
    expect(w.lost).toEqual([]);
    // the writer's connection to the old master is listed, then disconnected (--kill-clients)
    expect(run.outcome.notes.join('\n')).toMatch(/on the old master 127\.0\.0\.1:\d+: \d+ clients? still connected/);
    expect(run.outcome.results.find((r) => r.step.id === 'kill-clients:normal')?.status).toBe('done');
    expect(run.plan.steps.map((s) => s.id)).toEqual(expect.arrayContaining(['pause', 'caught-up', 'promote', 'demote', 'unpause']));
    expect((await role(m.port, PW)).role).toBe('master');
    await waitLinks(m, [r1, r2]);
  });

  it('refuses to fail over to a replica whose link is down; nothing changes', async () => {
    // r2 gives a wrong password to its master: its link stays down
    const c2 = await on(r2);
    await c2.call('CONFIG', 'SET', 'masterauth', 'wrong-password');
    await (await on(m)).call('CLIENT', 'KILL', 'TYPE', 'replica');
    const end = Date.now() + 10_000;
    while ((await role(r2.port, PW)).link !== 'down' && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const run = await failover({ entries: [ep(m.address, PW)], to: ep(r2.address, PW) });
    runs.push(run);
    expect(run.outcome.status).toBe('refused');
    expect(run.plan.checks.find((x) => !x.ok)?.text).toMatch(/link to the master is down/);
    expect(run.events.some((e) => e.type === 'step-start')).toBe(false);
    expect((await role(m.port, PW)).role).toBe('master');
    // without --to it chooses the replica that can be promoted
    const dry = await failover({ entries: [ep(m.address, PW)] }, { dryRun: true });
    expect(dry.plan.confirmWord).toBe(r1.address);
    await c2.call('CONFIG', 'SET', 'masterauth', PW);
    await waitLinks(m, [r1, r2]);
  });

  it('a step failing midway stops the procedure, reports each node and offers the way back', async () => {
    // an operator account that may fail over but not run REPLICAOF: FAILOVER TO works, the repoint does not
    for (const s of servers) await (await on(s)).call('ACL', 'SETUSER', 'ops', 'on', '>ops-s3cret', '~*', '&*', '+@all', '-replicaof');
    const ops = (s: LabServer) => ({ ...ep(s.address), username: 'ops', password: 'ops-s3cret' });
    const run = await failover({ entries: [ops(m)], to: ops(r1), dataAuth: { username: 'ops', password: 'ops-s3cret' }, via: 'failover' });
    runs.push(run);
    expect(run.outcome.status).toBe('failed');
    expect(run.outcome.failed?.step.id).toBe(`repoint:${r2.address}`);
    expect(run.outcome.failed?.error).toMatch(/NOPERM/);
    const nodes = Object.fromEntries((run.outcome.nodes ?? []).map((n) => [n.id, n]));
    expect(nodes[r1.address]).toMatchObject({ reachable: true, role: 'master' });
    expect(nodes[m.address]).toMatchObject({ role: 'replica', masterId: r1.address });
    expect(nodes[r2.address]).toMatchObject({ role: 'replica', masterId: m.address });
    expect(run.outcome.results.filter((r) => r.status === 'skipped').length).toBeGreaterThan(0);
    const back = run.outcome.wayBack!;
    expect(back.commands[0]).toMatchObject({ node: r1.address, argv: ['FAILOVER', 'TO', '127.0.0.1', String(m.port), 'TIMEOUT', '5000'] });
    expect(run.outcome.remaining?.[0]).toMatchObject({ id: `repoint:${r2.address}` });
    // the way back works as printed, run as a plan of its own (as the console's wizard will)
    const pool = new NodePool(conn);
    for (const s of servers) pool.add(ep(s.address, PW));
    try {
      const undo = await runPlan(wayBackPlan(run.plan, back, run.outcome.nodes!), pool);
      runs.push(undo);
      expect(undo.outcome.status, JSON.stringify(undo.outcome.failed)).toBe('done');
    } finally {
      pool.close();
    }
    const end = Date.now() + 10_000;
    while ((await role(m.port, PW)).role !== 'master' && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect((await role(m.port, PW)).role).toBe('master');
    await waitLinks(m, [r1, r2]);
  });

  it('unplanned: the master killed; the most advanced replica promoted, the other repointed, the old master fenced when it returns', async () => {
    const mc = await on(m);
    await mc.rpush('last-words', 'x');
    // both replicas acknowledged it (WAIT) before the master dies
    expect(await mc.call('WAIT', '2', '5000')).toBe(2);
    await m.kill();
    const restart = new Promise<void>((resolve) => setTimeout(() => void m.restart().then(resolve, resolve), 2500));
    const run = await failover({ entries: [ep(r1.address, PW), ep(r2.address, PW)], unplanned: true, fenceWaitMs: 15_000 });
    runs.push(run);
    await restart;
    console.log(figures('unplanned plain', run));
    expect(run.outcome.status, JSON.stringify(run.outcome.failed)).toBe('done');
    expect(run.plan.steps.map((s) => s.id).slice(0, 3)).toEqual(expect.arrayContaining(['offsets', 'promote']));
    const promoted = run.plan.confirmWord;
    const other = promoted === r1.address ? r2 : r1;
    const promotedServer = promoted === r1.address ? r1 : r2;
    expect((await role(promotedServer.port, PW)).role).toBe('master');
    expect((await role(other.port, PW)).master).toBe(promoted);
    // the old master came back as an empty master: fenced at once, a replica of the new one
    expect(run.outcome.results.find((r) => r.step.id === 'fence')?.result).toMatch(/made a replica of/);
    const back = await role(m.port, PW).catch(() => role(m.port));
    expect(back.master).toBe(promoted);
    expect(run.outcome.notes.join('\n')).toMatch(/missed writes: /);
    expect(await (await on(promotedServer)).lrange('last-words', 0, -1)).toEqual(['x']);
  });

  it('the journal holds every command with its reply and never a password', () => {
    const all = runs.flatMap((r) => r.journal.entries);
    const text = JSON.stringify(all);
    expect(text).not.toContain(PW);
    expect(text).not.toContain('ops-s3cret');
    const commands = all.filter((e) => e.event === 'command');
    expect(commands.length).toBeGreaterThan(10);
    for (const e of commands) {
      expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(e.node).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(Array.isArray(e.command)).toBe(true);
      expect('reply' in e || 'error' in e).toBe(true);
    }
    expect(commands.some((e) => (e.command as string[]).join(' ').startsWith('CONFIG SET masterauth ***'))).toBe(true);
  });
});
