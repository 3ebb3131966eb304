// cutover clone through the engine, on real servers: settings and passwords carried, the sync watched, a
// wrong --role and a sync timeout refused or stopped with each node's state, a replica cloned and promoted,
// and --reconfigure with a writer checking that no acknowledged write is lost.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabServer } from '../../src/lab/server.js';
import { client, clone, ep, figures, plainTarget, role, startWriter, type Run } from './failover-helpers.js';
import { standaloneServers, stopServers } from './helpers.js';

const PW = 'clone-s3cret-pw';
let servers: LabServer[];
let dir: string;
let origin: LabServer, r1: LabServer, k1: LabServer, k2: LabServer, k3: LabServer;
const admin: Redis[] = [];
const runs: Run[] = [];

async function on(s: LabServer, password: string | undefined = PW): Promise<Redis> {
  const c = await client(s.port, password);
  admin.push(c);
  return c;
}

async function settle(check: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  ({ servers, dir } = await standaloneServers(['origin', 'r1', 'k1', 'k2', 'k3'], 'cutover-clone-'));
  [origin, r1, k1, k2, k3] = servers;
  const o = await on(origin, undefined);
  await o.call('DEBUG', 'POPULATE', '200000', 'key', '100');
  await o.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
  await o.call('CONFIG', 'SET', 'hz', '20');
  await o.call('CONFIG', 'SET', 'requirepass', PW);
  await o.call('CONFIG', 'SET', 'masterauth', PW);
  const r = await on(r1, undefined);
  await r.call('CONFIG', 'SET', 'masterauth', PW);
  await r.call('CONFIG', 'SET', 'requirepass', PW);
  await r.call('REPLICAOF', '127.0.0.1', String(origin.port));
  await settle(async () => (await role(r1.port, PW)).link === 'up', 'r1 synced');
});

afterAll(async () => {
  await stopServers(servers ?? [], dir, admin);
});

describe('cutover clone', () => {
  it('refuses --reconfigure with --role replica before anything (it would leave two masters)', async () => {
    await expect(clone({ origin: ep(r1.address, PW), clone: ep(k1.address), role: 'replica', reconfigure: true, promote: true })).rejects.toThrow(/^--reconfigure does not go with --role replica: .*two masters/);
    expect((await role(k1.port)).role).toBe('master');
    expect((await role(r1.port, PW)).master).toBe(origin.address);
  });

  it('refuses a wrong --role, touching nothing', async () => {
    await expect(clone({ origin: ep(origin.address, PW), clone: ep(k1.address), role: 'replica' })).rejects.toThrow(/the origin 127\.0\.0\.1:\d+ is a master, not a replica: use --role master/);
    await expect(clone({ origin: ep(r1.address, PW), clone: ep(k1.address), role: 'master' })).rejects.toThrow(/is a replica, not a master/);
    expect((await role(k1.port)).role).toBe('master');
    expect(await (await on(k1, undefined)).dbsize()).toBe(0);
  });

  it('a dry run lists the settings to apply and those skipped, and changes nothing', async () => {
    const run = await clone({ origin: ep(origin.address, PW), clone: ep(k1.address) }, { dryRun: true });
    runs.push(run);
    expect(run.outcome.status).toBe('dry-run');
    const notes = run.plan.notes.join('\n');
    expect(notes).toMatch(/settings to apply on the clone \(\d+\): .*maxmemory-policy "allkeys-lru"/);
    expect(notes).toMatch(/hz "20"/);
    expect(notes).toMatch(/skipped \(belongs to one node or host\): .*\bport\b.*/);
    expect(notes).toMatch(/skipped \(cluster settings belong to one node\): cluster-/);
    expect(notes).toMatch(/masterauth: set/);
    expect(notes).not.toContain(PW);
    expect(run.plan.steps.map((s) => s.id)).toEqual(expect.arrayContaining(['config:hz', 'config:maxmemory-policy', 'auth:masterauth', 'auth:requirepass', 'replicaof', 'sync', 'verify']));
    expect(run.plan.steps.find((s) => s.id === 'replicaof')).toMatchObject({ node: k1.address, argv: ['REPLICAOF', '127.0.0.1', String(origin.port)] });
    expect((await role(k1.port)).role).toBe('master');
    expect((await (await on(k1, undefined)).call('CONFIG', 'GET', 'hz'))).toEqual(['hz', '10']);
    // --no-config: no settings, but still the password the origin asks for
    const bare = await clone({ origin: ep(origin.address, PW), clone: ep(k1.address), noConfig: true }, { dryRun: true });
    expect(bare.plan.steps.filter((s) => s.kind === 'command').map((s) => s.id)).toEqual(['auth:masterauth', 'replicaof', 'rewrite:' + k1.address]);
  });

  it('clones: settings copied, passwords carried, synced with progress, a replica of the origin', async () => {
    const run = await clone({ origin: ep(origin.address, PW), clone: ep(k1.address) });
    runs.push(run);
    expect(run.outcome.status, JSON.stringify(run.outcome.failed)).toBe('done');
    const k = await on(k1);
    expect(await k.call('CONFIG', 'GET', 'hz')).toEqual(['hz', '20']);
    expect(await k.call('CONFIG', 'GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-lru']);
    expect(await k.call('CONFIG', 'GET', 'masterauth')).toEqual(['masterauth', PW]);
    expect(await k.call('CONFIG', 'GET', 'requirepass')).toEqual(['requirepass', PW]);
    expect(await k.call('CONFIG', 'GET', 'port')).toEqual(['port', String(k1.port)]);
    expect(await k.dbsize()).toBe(200_000);
    expect((await role(k1.port, PW)).master).toBe(origin.address);
    expect(run.events.filter((e) => e.type === 'progress' && e.step.id === 'sync').length).toBeGreaterThan(0);
    expect(run.outcome.results.find((r) => r.step.id === 'sync')?.result).toMatch(/^synced(: [\d.]+ [KMG]?B received)?$/);
  });

  it('a sync that does not finish within --timeout stops the procedure, with each node\'s state and the way back', async () => {
    const o = await on(origin);
    await o.call('CONFIG', 'SET', 'repl-diskless-sync-delay', '30');
    try {
      const run = await clone({ origin: ep(origin.address, PW), clone: ep(k2.address), timeoutMs: 1000, promote: true });
      runs.push(run);
      expect(run.outcome.status).toBe('failed');
      expect(run.outcome.failed?.step.id).toBe('sync');
      // no CLIENT PAUSE was sent, so no CLIENT UNPAUSE either
      expect(run.journal.entries.some((e) => e.event === 'command' && (e.command as string[]).join(' ') === 'CLIENT UNPAUSE')).toBe(false);
      // every step not run, in order, waits included, to finish by hand
      expect(run.outcome.remaining?.map((x) => x.id)).toEqual(['sync', 'pause', 'caught-up', 'promote', 'unpause', `rewrite:${k2.address}`, 'verify']);
      expect(run.outcome.failed?.error).toMatch(/did not finish its sync within 1 s/);
      expect(run.outcome.nodes?.find((n) => n.id === k2.address)).toMatchObject({ reachable: true, role: 'replica', masterId: origin.address });
      const back = run.outcome.wayBack!.commands.map((c) => `${c.node} ${c.argv.join(' ')}`);
      expect(back).toContain(`${k2.address} REPLICAOF NO ONE`);
      expect(back).toContain(`${k2.address} CONFIG SET hz 10`);
      // k2 had no password before: the way back says so ("" shown), rather than hiding an empty value
      const commands = run.outcome.wayBack!.commands;
      expect(commands.find((c) => c.argv[2] === 'requirepass')).toMatchObject({ node: k2.address, argv: ['CONFIG', 'SET', 'requirepass', ''], why: 'its former value: empty' });
      expect(commands.find((c) => c.argv[2] === 'masterauth')?.argv[3]).toBe('');
    } finally {
      await o.call('CONFIG', 'SET', 'repl-diskless-sync-delay', '0');
      await (await on(k2)).call('REPLICAOF', 'NO', 'ONE');
    }
  });

  it('clones a replica (--role replica) and promotes it loss-free: writes paused on its master', async () => {
    const run = await clone({ origin: ep(r1.address, PW), clone: ep(k2.address, PW), role: 'replica', promote: true });
    runs.push(run);
    console.log(figures('clone --role replica --promote', run));
    expect(run.outcome.status, JSON.stringify(run.outcome.failed)).toBe('done');
    expect(run.plan.steps.find((s) => s.id === 'pause')?.node).toBe(origin.address);
    // an independent copy: the origin's master takes writes again, and no step claims they go to the clone
    expect(run.plan.steps.find((s) => s.id === 'unpause')?.why).toBe(`writes resume on ${origin.address}; they no longer reach the clone, a master of its own from now on`);
    expect(run.plan.steps.map((s) => s.why).join('\n')).not.toMatch(/READONLY/);
    expect((await role(k2.port, PW)).role).toBe('master');
    expect((await role(r1.port, PW)).master).toBe(origin.address);
    expect((await role(origin.port, PW)).role).toBe('master');
    expect(await (await on(origin)).set('still-writable', '1')).toBe('OK');
  });

  it('--reconfigure: the clone promoted loss-free, the origin and its replicas follow it; no acknowledged write lost', async () => {
    const writer = startWriter(plainTarget([origin.port, k3.port, r1.port], PW));
    await writer.ackedMore(200); // writing before the switch
    const run = await clone({ origin: ep(origin.address, PW), clone: ep(k3.address), reconfigure: true, promote: true });
    runs.push(run);
    await writer.ackedMore(200); // and taken by the clone after it
    const w = await writer.stop();
    console.log(figures('clone --reconfigure', run, w));
    expect(run.outcome.status, JSON.stringify(run.outcome.failed)).toBe('done');
    expect(w.lost).toEqual([]);
    expect((await role(k3.port, PW)).role).toBe('master');
    expect((await role(origin.port, PW)).master).toBe(k3.address);
    expect((await role(r1.port, PW)).master).toBe(k3.address);
    await settle(async () => (await role(origin.port, PW)).link === 'up' && (await role(r1.port, PW)).link === 'up', 'origin and r1 linked to the clone');
  });

  it('the journal holds every command and never a password', () => {
    const text = JSON.stringify(runs.flatMap((r) => r.journal.entries));
    expect(text).not.toContain(PW);
    expect(text).toContain('"CONFIG","SET","masterauth","***"');
    expect(text).toContain('"CONFIG","SET","requirepass","***"');
  });
});
