// The lab's replication preset (master → r1 → r2, three Sentinels watching 'mymaster'): a planned
// failover through the Sentinels with a writer checking for lost writes, then an unplanned one with the
// master killed and fenced when it comes back. Sentinel's own down-after is long here, so the failovers
// are cutover's, not theirs. (The topology monitor watching a Sentinel's own failover is topology-sentinel-failover.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_NAME, startLab, type Lab } from '../../src/lab/lab.js';
import { client, ep, failover, figures, role, sentinelTarget, startWriter } from './failover-helpers.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ preset: 'replication', keys: 1000, downAfterMs: 30_000 });
});
afterAll(async () => {
  await lab?.stop();
});

const sentinels = () => ['s1', 's2', 's3'].map((s) => ep(lab.server(s).address));

describe('failover with Sentinels', () => {
  it('refuses a replica the Sentinels cannot promote (r2 replicates from r1), and a dry run changes nothing', async () => {
    await expect(failover({ entries: [ep(lab.server('master').address)], to: ep(lab.server('r2').address) })).rejects.toThrow(/replicates from 127\.0\.0\.1:\d+, not from the master/);
    const dry = await failover({ entries: [ep(lab.server('r2').address)] }, { dryRun: true });
    expect(dry.outcome.status).toBe('dry-run');
    expect(dry.plan.title).toMatch(/sentinel mymaster/);
    expect(dry.plan.confirmWord).toBe(lab.server('r1').address);
    expect(dry.plan.steps.map((s) => s.id)).toEqual(expect.arrayContaining(['pause', 'caught-up', 'sentinel-failover', 'promoted', 'demote', 'unpause', 'sentinels-switched']));
    expect((await role(lab.server('master').port)).role).toBe('master');
  });

  it('planned: CLIENT PAUSE, SENTINEL FAILOVER, the old master demoted before its writes resume; no write lost', async () => {
    const writer = startWriter(sentinelTarget(['s1', 's2', 's3'].map((s) => lab.server(s).port), MASTER_NAME));
    await writer.ackedMore(200); // writing before the switch
    const run = await failover({ entries: [ep(lab.server('master').address)] });
    await writer.ackedMore(200); // and taken by the new master after it
    const w = await writer.stop();
    console.log(figures('planned sentinel', run, w));
    expect(run.outcome.status, JSON.stringify(run.outcome.failed)).toBe('done');
    expect(w.lost).toEqual([]);
    const r1 = lab.server('r1').address;
    expect((await role(lab.server('r1').port)).role).toBe('master');
    expect((await role(lab.server('master').port)).master).toBe(r1);
    expect((await role(lab.server('r2').port)).master).toBe(r1);
    expect(run.outcome.nodes?.filter((n) => n.role === 'sentinel').every((n) => n.masterId === r1)).toBe(true);
  });

  it('unplanned: the master killed; SENTINEL FAILOVER promotes their choice; the old master fenced when it returns', async () => {
    // now r1 is the master, with the first master and r2 as its replicas
    await lab.kill('r1');
    const restart = new Promise<void>((resolve) => setTimeout(() => void lab.restart('r1').then(resolve, resolve), 3000));
    const run = await failover({ entries: [ep(lab.server('r2').address)], sentinels: sentinels(), masterName: MASTER_NAME, unplanned: true, fenceWaitMs: 20_000, followTimeoutMs: 15_000 });
    await restart;
    console.log(figures('unplanned sentinel', run));
    expect(run.outcome.status, JSON.stringify(run.outcome.failed)).toBe('done');
    // the Sentinels choose between r2 (replica-priority 90) and the first master (100), among those whose INFO
    // they have fresh; cutover predicts their choice and follows whichever they promote
    const promoted = run.outcome.nodes!.find((n) => n.role === 'master')!.id;
    expect([lab.server('r2').address, lab.server('master').address]).toContain(promoted);
    const others = ['master', 'r2', 'r1'].map((n) => lab.server(n)).filter((s) => s.address !== promoted);
    for (const s of others) expect((await role(s.port)).master, s.name).toBe(promoted);
    expect(run.outcome.nodes?.filter((n) => n.role === 'sentinel').every((n) => n.masterId === promoted)).toBe(true);
    expect(run.outcome.notes.join('\n')).toMatch(/missed writes: /);
  });

  it('unplanned, after the Sentinels failed over by themselves: says so, changes nothing', async () => {
    const name = async () => {
      const c = await client(lab.server('s1').port);
      try {
        const [host, port] = (await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as string[];
        return `${host}:${port}`;
      } finally {
        c.disconnect();
      }
    };
    const before = await name();
    const victim = lab.servers.find((s) => s.address === before)!;
    await lab.kill(victim.name);
    // what the Sentinels do when the master stays down: here asked at once, instead of after down-after-milliseconds
    const s1 = await client(lab.server('s1').port);
    await s1.call('SENTINEL', 'FAILOVER', MASTER_NAME).catch(() => undefined);
    s1.disconnect();
    // until the failover is over (+switch-master): the old master is then counted as the new one's replica
    const done = async () => {
      const c = await client(lab.server('s1').port);
      try {
        const rec = (await c.call('SENTINEL', 'MASTER', MASTER_NAME)) as string[];
        const f = (k: string) => (rec.includes(k) ? rec[rec.indexOf(k) + 1] : undefined);
        const flags = f('flags') ?? '';
        return `${f('ip')}:${f('port')}` !== before && !/failover_in_progress/.test(flags);
      } finally {
        c.disconnect();
      }
    };
    const end = Date.now() + 15_000;
    while (!(await done()) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    const after = await name();
    expect(after).not.toBe(before);
    try {
      const entry = lab.servers.find((s) => s.address !== before && s.address !== after && !s.name.startsWith('s'))!;
      await expect(failover({ entries: [ep(entry.address)], sentinels: sentinels(), masterName: MASTER_NAME, unplanned: true }, { dryRun: true })).rejects.toThrow(
        new RegExp(`^the Sentinels already promoted ${after.replace(/\./g, '\\.')}: they name it as mymaster's master and it answers, while ${before.replace(/\./g, '\\.')} .*does not`),
      );
      expect((await role(Number(after.split(':')[1]))).role).toBe('master');
    } finally {
      await lab.restart(victim.name);
    }
  });
});
