// The lab's replication preset (master → r1 → r2, three Sentinels watching 'mymaster'): a planned
// failover through the Sentinels with a writer checking for lost writes, then an unplanned one with the
// master killed and fenced when it comes back. Sentinel's own down-after is long here, so the failovers
// are cutover's, not theirs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_NAME, startLab, type Lab } from '../../src/lab/lab.js';
import { ep, failover, figures, role, sentinelTarget, startWriter } from './failover-helpers.js';

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
    await new Promise((r) => setTimeout(r, 500));
    const run = await failover({ entries: [ep(lab.server('master').address)] });
    await new Promise((r) => setTimeout(r, 500));
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
});
