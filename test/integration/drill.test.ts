// The consistency checker against real servers: clean runs, writes lost and unacknowledged, following a master
// through a plain switch, a Sentinel failover and a cluster failover; and the binary's exit codes and output.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsistencyChecker, type CheckerOptions } from '../../src/engine/drill/checker.js';
import { drillSpec, type DrillConnection } from '../../src/engine/drill/spec.js';
import type { DrillEvent, DrillSummary } from '../../src/engine/drill/types.js';
import { startLab, MASTER_NAME, type Lab } from '../../src/lab/lab.js';
import { freePort } from '../../src/lab/ports.js';
import { findRedis } from '../../src/lab/redis-binaries.js';
import { LabServer } from '../../src/lab/server.js';
import { figuresAgree } from './drill-helpers.js';
import { runCli, standaloneServers, stopServers, until } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilTrue(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

function client(port: number, password?: string): Redis {
  const c = new Redis({ host: '127.0.0.1', port, password, lazyConnect: false, maxRetriesPerRequest: 1 });
  c.on('error', () => undefined);
  return c;
}

/** A checker on its way, with its events kept. */
async function drill(conn: DrillConnection, opts: Partial<CheckerOptions>) {
  const checker = new ConsistencyChecker(drillSpec(conn), { counters: 200, rate: 1000, reset: true, ...opts });
  const events: DrillEvent[] = [];
  checker.events.on((e) => events.push(e));
  await checker.start();
  return { checker, events, writes: () => checker.snapshot().counts.writes };
}

/** What the counters hold now, summed: with --reset, acknowledged + applied-without-reply − lost. */
async function sumOf(c: Redis | Cluster, prefix: string, n: number): Promise<number> {
  const values = await Promise.all(Array.from({ length: n }, (_, i) => c.get(prefix + i)));
  return values.reduce((s, v) => s + Number(v ?? 0), 0);
}

function consistent(s: DrillSummary, sum: number): void {
  figuresAgree(s);
  expect(s.finalCheck).toEqual({ checked: s.counters, unchecked: 0 });
  expect(sum).toBe(s.counts.writes + s.counts.unacked - s.lost);
}

describe('standalone master', () => {
  let servers: LabServer[] = [];
  let dir: string | undefined;
  let m: Redis;
  beforeAll(async () => {
    ({ servers, dir } = await standaloneServers(['m', 'r'], 'cutover-drill-'));
    m = client(servers[0].port);
  });
  afterAll(async () => {
    await stopServers(servers, dir, [m]);
  });

  it('runs clean: every acknowledged write is there, nothing lost, no window', async () => {
    const { checker, events } = await drill({ uri: servers[0].address }, { prefix: 'clean:', tickMs: 250 });
    await until('a few hundred writes', () => checker.snapshot().counts.writes > 600, 10_000);
    const s = await checker.stop();
    expect(s).toMatchObject({ mode: 'standalone', lost: 0, reason: 'stopped', masters: [servers[0].address] });
    expect(s.counts).toMatchObject({ writeErrors: 0, lost: 0, unacked: 0 });
    expect(s.windows.count).toBe(0);
    consistent(s, await sumOf(m, 'clean:', 200));
    const ticks = events.filter((e) => e.type === 'tick');
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)).toMatchObject({ type: 'done' });
  });

  it('counts acknowledged writes lost and writes applied without acknowledgement, exactly', async () => {
    const { checker, writes } = await drill({ uri: servers[0].address }, { prefix: 'exact:', counters: 50 });
    await until('writes', () => writes() > 200);
    await m.decrby('exact:7', 5); // five acknowledged increments vanish
    await m.incrby('exact:9', 3); // three increments nobody acknowledged
    // found while it runs, by its read-backs (the final read-back would find them too)
    await until('both found by the read-backs', () => checker.snapshot().counts.lost >= 5 && checker.snapshot().counts.unacked >= 3);
    const s = await checker.stop();
    expect(s.lost).toBe(5);
    expect(s.counts.unacked).toBe(3);
    consistent(s, await sumOf(m, 'exact:', 50));
  });

  it('reports every acknowledged write a FLUSHALL took', async () => {
    const { checker, events, writes } = await drill({ uri: servers[0].address }, { prefix: 'flush:', counters: 100 });
    await until('writes', () => writes() > 300);
    // what the counters held at the moment of the flush, read in the same transaction
    const [[, held]] = (await m
      .multi()
      .mget(...Array.from({ length: 100 }, (_, i) => `flush:${i}`))
      .flushall()
      .exec()) as [[null, (string | null)[]], unknown];
    const lostAtFlush = held.reduce((s, v) => s + Number(v ?? 0), 0);
    // the first loss found while it runs; the final read-back finds the rest
    await until('the first loss found', () => checker.snapshot().counts.lost > 0);
    const s = await checker.stop();
    expect(lostAtFlush).toBeGreaterThan(0);
    expect(s.lost).toBe(lostAtFlush);
    consistent(s, await sumOf(m, 'flush:', 100));
    expect(events.some((e) => e.type === 'log' && e.entry.level === 'error' && /^LOST \d+ acknowledged write/.test(e.entry.message))).toBe(true);
  });

  it('follows a plain master switch (pause, promote, demote) from a replica entry point, nothing lost', async () => {
    const [mp, rp] = [servers[0].port, servers[1].port];
    const r = client(rp);
    try {
      await r.replicaof('127.0.0.1', mp);
      await untilTrue('replica linked', async () => /master_link_status:up/.test(await r.info('replication')));
      // entered through the replica: it writes to its master
      const { checker, events, writes } = await drill({ uri: servers[1].address }, { prefix: 'plain:' });
      expect(events.some((e) => e.type === 'log' && /is a replica: writing to its master/.test(e.entry.message))).toBe(true);
      await until('writes', () => writes() > 300);
      await m.call('CLIENT', 'PAUSE', '2000', 'WRITE');
      await untilTrue('the replica caught up', async () => {
        const [mo, ro] = await Promise.all([m.info('replication'), r.info('replication')]);
        return /master_repl_offset:(\d+)/.exec(mo)![1] === /master_repl_offset:(\d+)/.exec(ro)![1];
      });
      await r.replicaof('NO', 'ONE');
      await m.replicaof('127.0.0.1', rp);
      await m.call('CLIENT', 'UNPAUSE');
      await until('writes on the new master', () => checker.snapshot().master === servers[1].address, 10_000);
      const before = writes();
      await until('more writes', () => writes() > before + 200);
      const s = await checker.stop();
      expect(s.masters).toEqual([servers[0].address, servers[1].address]);
      expect(s.lost).toBe(0);
      expect(s.windows.count).toBeGreaterThanOrEqual(1);
      expect(s.longest!.durationMs).toBeGreaterThan(0);
      expect(s.longest!.durationMs).toBeLessThan(5000);
      consistent(s, await sumOf(r, 'plain:', 200));
    } finally {
      await m.replicaof('NO', 'ONE').catch(() => undefined);
      r.disconnect();
    }
  });
});

describe('Sentinel', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ preset: 'replication', downAfterMs: 1000 });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('follows SENTINEL FAILOVER to the new master: one window, 0 lost when the old master is fenced (CLIENT PAUSE WRITE) first', async () => {
    const sentinels = ['s1', 's2', 's3'].map((s) => lab.server(s).address);
    const { checker, writes } = await drill({ sentinels, masterName: MASTER_NAME }, { prefix: 'sentinel:' });
    expect(checker.snapshot().master).toBe(lab.server('master').address);
    await until('writes', () => writes() > 500);
    const master = client(lab.server('master').port);
    const s1 = client(lab.server('s1').port);
    try {
      // a planned failover done right: no write reaches the old master once the replica may be promoted
      await master.call('CLIENT', 'PAUSE', '5000', 'WRITE');
      await s1.call('SENTINEL', 'FAILOVER', MASTER_NAME);
      await until('writes on r1', () => checker.snapshot().master === lab.server('r1').address, 20_000);
      const before = writes();
      await until('more writes', () => writes() > before + 300);
      const s = await checker.stop();
      expect(s.mode).toBe('sentinel');
      expect(s.masters).toEqual([lab.server('master').address, lab.server('r1').address]);
      expect(s.lost).toBe(0);
      expect(s.windows.count).toBeGreaterThanOrEqual(1);
      expect(s.longest).toMatchObject({ masterBefore: lab.server('master').address, masterAfter: lab.server('r1').address });
      expect(s.longest!.durationMs).toBeLessThan(10_000);
      const r1 = client(lab.server('r1').port);
      consistent(s, await sumOf(r1, 'sentinel:', 200));
      r1.disconnect();
    } finally {
      await master.call('CLIENT', 'UNPAUSE').catch(() => undefined);
      master.disconnect();
      s1.disconnect();
    }
  });
});

describe('cluster', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ preset: 'cluster' });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('follows CLUSTER FAILOVER on a replica: the shard moves, nothing is lost', async () => {
    const { checker, writes } = await drill({ uri: lab.server('c1').address }, { prefix: 'cluster:', counters: 300 });
    expect(checker.snapshot().master!.split(', ')).toHaveLength(3);
    await until('writes', () => writes() > 500);
    // c1's replica
    const c1 = client(lab.server('c1').port);
    const c1id = (await c1.call('CLUSTER', 'MYID')) as string;
    c1.disconnect();
    let replica: LabServer | undefined;
    let replicaId = '';
    for (const s of lab.servers) {
      const c = client(s.port);
      const myself = ((await c.call('CLUSTER', 'NODES')) as string).split('\n').find((l) => l.includes('myself'))!;
      c.disconnect();
      if (myself.split(' ')[3] === c1id) [replica, replicaId] = [s, myself.split(' ')[0]];
    }
    // the master ignores a replica's manual failover until its own CLUSTER NODES has it as its replica (a fresh
    // cluster takes a moment); one that times out all the same (5 s) is asked for again
    const m1 = client(lab.server('c1').port);
    await untilTrue('c1 to know its replica', async () => ((await m1.call('CLUSTER', 'NODES')) as string).split('\n').some((l) => l.startsWith(`${replicaId} `) && l.split(' ')[3] === c1id));
    m1.disconnect();
    const r = client(replica!.port);
    for (let attempt = 1; ; attempt++) {
      await r.call('CLUSTER', 'FAILOVER');
      const promoted = await untilTrue('the replica promoted', async () => /role:master/.test(await r.info('replication')), 7000).then(() => true, () => false);
      if (promoted) break;
      if (attempt === 3) throw new Error(`CLUSTER FAILOVER did not promote ${replica!.name}: ${replica!.lastLog()}`);
    }
    r.disconnect();
    await until('the shard on the promoted replica', () => checker.snapshot().master!.includes(replica!.address), 20_000);
    const before = writes();
    await until('more writes', () => writes() > before + 300);
    const s = await checker.stop();
    expect(s.mode).toBe('cluster');
    expect(s.lost).toBe(0);
    expect(s.masters.at(-1)).toContain(replica!.address);
    expect(s.masters.at(-1)).not.toContain(lab.server('c1').address);
    expect(s.windows.longestMs).toBeLessThan(5000);
    const cluster = lab.sourceClient() as Cluster;
    consistent(s, await sumOf(cluster, 'cluster:', 300));
    cluster.disconnect();
  });
});

describe('cutover drill, the binary', () => {
  let auth: LabServer;
  let dir: string;
  const PASSWORD = 'Dr1llSecretPw';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-drill-auth-'));
    auth = new LabServer(findRedis(), dir, { name: 'auth', kind: 'redis', port: await freePort(), config: [`requirepass ${PASSWORD}`] });
    await auth.start();
  });
  afterAll(async () => {
    await auth?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints a line a second and the summary, exits 0, never shows the password', async () => {
    const r = await runCli(['drill', '--uri', `redis://:${PASSWORD}@${auth.address}`, '--duration', '1.5s', '--counters', '100', '--rate', '300']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d [\d,]+ reads \(0 err\) \| [\d,]+ writes \(0 err\) \| lost 0 \| unacked 0$/m);
    expect(r.stdout).toContain('write unavailability: none');
    expect(r.stdout).toContain('final read-back: 100/100 counters');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('no acknowledged write lost');
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    expect(r.stdout).toContain('redis://:***@');
  });

  it('gives NDJSON with --json: ticks, then a summary; the password from REDISCLI_AUTH', async () => {
    const r = await runCli(['drill', '--uri', auth.address, '--duration', '1.2s', '--counters', '50', '--json', '--prefix', 'json:'], { REDISCLI_AUTH: PASSWORD });
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.some((e) => e.event === 'tick' && e.counts.writes > 0)).toBe(true);
    const summary = events.at(-1);
    expect(summary).toMatchObject({ event: 'summary', ok: true, lost: 0, counters: 50, prefix: 'json:', finalCheck: { checked: 50, unchecked: 0 } });
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('refuses bad input with one line and exit code 2, touching nothing', async () => {
    for (const argv of [['drill'], ['drill', '--uri', auth.address, '--rate', 'fast'], ['drill', '--uri', `redis://:${PASSWORD}@${auth.address}`, '--counters', '0'], ['drill', '--sentinel', auth.address]]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^cutover: /);
      expect(r.stderr).not.toContain(PASSWORD);
    }
    // a key under the prefix that is not a counter
    const c = client(auth.port, PASSWORD);
    await c.set('notcounter:3', 'hello');
    const r = await runCli(['drill', '--uri', `redis://:${PASSWORD}@${auth.address}`, '--prefix', 'notcounter:', '--counters', '10', '--duration', '1s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cutover: notcounter:3 holds 'hello', not a counter: choose another --prefix, or --reset/);
    expect(await c.get('notcounter:3')).toBe('hello');
    c.disconnect();
  });

  it('exits 1 when it cannot connect, or is refused: one line', async () => {
    const nobody = await runCli(['drill', '--uri', `127.0.0.1:${await freePort()}`, '--duration', '1s']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/^cutover: connection refused at 127\.0\.0\.1:\d+/);
    const wrong = await runCli(['drill', '--uri', `redis://:NotThePassword@${auth.address}`, '--duration', '1s']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^cutover: authentication failed/);
    expect(wrong.stderr + wrong.stdout).not.toContain('NotThePassword');
  });
});
