// The lab's cluster (three masters, three replicas): a planned CLUSTER FAILOVER with a writer on one of the
// shard's keys, then an unplanned one (CLUSTER FAILOVER FORCE) with the new master killed, fenced when back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { parseClusterNodes } from '../../src/engine/topology/parse-cluster-nodes.js';
import { client, clusterTarget, ep, failover, figures, role, startWriter } from './failover-helpers.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ preset: 'cluster' });
});
afterAll(async () => {
  await lab?.stop();
});

/** A key whose slot the given master owns. */
async function keyOn(port: number): Promise<string> {
  const c = await client(port);
  try {
    const me = parseClusterNodes(String(await c.call('CLUSTER', 'NODES'))).find((n) => n.myself)!;
    for (let i = 0; ; i++) {
      const slot = Number(await c.call('CLUSTER', 'KEYSLOT', `writes:${i}`));
      if (me.slots.some(([a, b]) => slot >= a && slot <= b)) return `writes:${i}`;
    }
  } finally {
    c.disconnect();
  }
}

describe('failover in a cluster', () => {
  let firstMaster: string;
  let promoted: string;

  it('planned: CLUSTER FAILOVER on the replica; no acknowledged write lost', async () => {
    const master = lab.servers.find((s) => s.name === 'c1')!;
    expect((await role(master.port)).role).toBe('master');
    firstMaster = master.address;
    const writer = startWriter(clusterTarget(master.port, await keyOn(master.port)));
    await writer.ackedMore(200); // writing before the switch
    // FAILOVER TO is for plain replication: refused in one line, nothing changed
    await expect(failover({ entries: [ep(master.address)], via: 'failover' }, { dryRun: true })).rejects.toThrow(/^--via failover is for plain replication: in a cluster the switch is CLUSTER FAILOVER on the replica; leave out --via$/);
    const run = await failover({ entries: [ep(master.address)] });
    await writer.ackedMore(200); // and taken by the new master after it
    const w = await writer.stop();
    console.log(figures('planned cluster', run, w));
    expect(run.outcome.status, JSON.stringify(run.outcome.failed)).toBe('done');
    expect(run.plan.steps.find((s) => s.id === 'cluster-failover')).toMatchObject({ argv: ['CLUSTER', 'FAILOVER'] });
    expect(w.lost).toEqual([]);
    promoted = run.plan.confirmWord;
    expect((await role(Number(promoted.split(':')[1]))).role).toBe('master');
    expect((await role(master.port)).master).toBe(promoted);
  });

  it('unplanned: the master killed; CLUSTER FAILOVER FORCE on its replica; the old master back as a replica', async () => {
    const victim = lab.servers.find((s) => s.address === promoted)!;
    await victim.kill();
    const restart = new Promise<void>((resolve) => setTimeout(() => void victim.restart().then(resolve, resolve), 3000));
    const run = await failover({ entries: [ep(firstMaster)], unplanned: true, fenceWaitMs: 20_000 });
    await restart;
    console.log(figures('unplanned cluster', run));
    expect(run.outcome.status, JSON.stringify(run.outcome.failed)).toBe('done');
    expect(run.plan.steps.find((s) => s.id === 'cluster-failover')).toMatchObject({ argv: ['CLUSTER', 'FAILOVER', 'FORCE'] });
    // the master is down, yet the others' CLUSTER NODES name its slots
    expect(run.plan.title).toMatch(/^unplanned failover · cluster shard \d+-\d+ · /);
    expect((await role(Number(firstMaster.split(':')[1]))).role).toBe('master');
    expect(run.outcome.results.find((r) => r.step.id === 'fence')?.result).toMatch(/is back/);
    const end = Date.now() + 15_000;
    while ((await role(victim.port)).master !== firstMaster && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect((await role(victim.port)).master).toBe(firstMaster);
  });
});
