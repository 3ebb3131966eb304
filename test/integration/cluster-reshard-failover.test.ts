// A reshard whose source master fails over mid-move, against the lab's cluster of 3 masters with a replica each:
// planned (CLUSTER FAILOVER on the source's replica) and unplanned (the source killed with SIGKILL, its replica
// promoted by the cluster). The failover is noticed, journaled and told; the plan goes on against the new master;
// every slot of the plan ends on the target, every key is in the cluster once, and no slot is left open.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { MemoryJournal } from '../../src/engine/failover/journal.js';
import { DEFAULT_CONNECT } from '../../src/engine/redis/connect.js';
import { RespConnection } from '../../src/engine/redis/resp.js';
import { clusterViewOf } from '../../src/engine/cluster/move/cluster-view.js';
import { planReshard } from '../../src/engine/cluster/move/reshard-plan.js';
import { Reshard } from '../../src/engine/cluster/move/reshard.js';
import type { MoveEvent } from '../../src/engine/cluster/move/types.js';
import { call } from './cluster-move-helpers.js';
import { until } from './helpers.js';

const run = promisify(execFile);
const KEYS = 20_000;
let lab: Lab | undefined;
const conns: RespConnection[] = [];

afterEach(async () => {
  for (const c of conns.splice(0)) c.close();
  await lab?.stop();
  lab = undefined;
});

async function conn(address: string): Promise<RespConnection> {
  const [host, port] = address.split(':');
  const c = await RespConnection.open({ host, port: Number(port) });
  conns.push(c);
  return c;
}

async function viewFrom(address: string) {
  return clusterViewOf(String(await call(await conn(address), 'CLUSTER', 'NODES')));
}

/** Keys over every master that answers, and no slot open on any of them. */
async function settled(l: Lab): Promise<{ keys: number; open: string[] }> {
  let keys = 0;
  const open: string[] = [];
  for (const s of l.servers.filter((x) => x.running)) {
    const c = await conn(s.address);
    const info = String(await call(c, 'INFO', 'replication'));
    if (info.includes('role:master')) keys += Number(await call(c, 'DBSIZE'));
    const nodes = String(await call(c, 'CLUSTER', 'NODES'));
    if (/\[\d+-[<>]-/.test(nodes)) open.push(s.address);
  }
  return { keys, open };
}

async function reshardWithFailover(failover: (replica: string, master: string) => Promise<void>, role: 'source' | 'target' | 'other' = 'source') {
  lab = await startLab({ preset: 'cluster', cluster: { masters: 3, replicas: 1 }, keys: KEYS });
  const entry = lab.server('c1').address;
  const view = await viewFrom(entry);
  const [source, target, other] = view.masters;
  const master = role === 'source' ? source : role === 'target' ? target : other;
  const replica = view.replicas!.find((r) => r.masterId === master.id)!;
  // the replica has every key before anything moves
  await until('the replica has caught up', async () => Number(await call(await conn(replica.address), 'DBSIZE')) === Number(await call(await conn(master.address), 'DBSIZE')));
  const moves = planReshard(view, { to: target.id, from: [source.id], slots: 2000 });
  const journal = new MemoryJournal();
  const [host, port] = entry.split(':');
  const r = new Reshard(view.masters, moves, { entry: { host, port: Number(port), tls: false, db: 0 }, conn: DEFAULT_CONNECT, journal, replicas: view.replicas }, { groupSlots: 8, batchKeys: 4, failoverWaitMs: 20_000 });
  const events: MoveEvent[] = [];
  let fired = false;
  r.events.on((e) => {
    events.push(e);
    if (e.type === 'slot-done' && !fired) {
      fired = true;
      void failover(replica.address, master.address);
    }
  });
  const summary = await r.run();
  return { summary, events, journal, moves, target, replica, source };
}

describe('a reshard whose source or target fails over', () => {
  it('planned (CLUSTER FAILOVER on its replica): goes on against the new master, nothing lost, nothing open', async () => {
    const { summary, events, journal, moves, target, replica } = await reshardWithFailover(async (replicaAddr) => {
      await call(await conn(replicaAddr), 'CLUSTER', 'FAILOVER');
    });
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('done');
    expect(summary.totals.slotsDone).toBe(moves.length);
    const f = events.find((e) => e.type === 'failover');
    expect(f).toMatchObject({ role: 'source', now: replica.address });
    expect(events.some((e) => e.type === 'note' && /failed over: .* is its master now/.test(e.text))).toBe(true);
    expect(journal.entries.some((l) => l.event === 'command' && l.node === replica.address && String(l.command).includes('MIGRATING'))).toBe(true);
    const after = await viewFrom(target.address);
    for (const mv of moves) expect(after.masters.find((m) => m.slots.some(([a, b]) => mv.slot >= a && mv.slot <= b))?.id).toBe(target.id);
    await until('every node agrees and no slot is open', async () => (await settled(lab!)).open.length === 0);
    expect((await settled(lab!)).keys).toBe(KEYS);
    const { stdout } = await run(lab!.bins.cli, ['--cluster', 'check', target.address], { env: { ...process.env, ...lab!.bins.env } }).catch((e) => e);
    expect(stdout).toMatch(/All 16384 slots covered/);
    expect(stdout).not.toMatch(/\[(WARNING|ERR)\]/);
  }, 90_000);

  it('unplanned (the source killed): waits for the promotion, goes on, nothing lost, nothing open', async () => {
    const { summary, events, moves, target, replica } = await reshardWithFailover(async (_replicaAddr, sourceAddr) => {
      await lab!.servers.find((s) => s.address === sourceAddr)!.kill('SIGKILL');
    });
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('done');
    expect(summary.totals.slotsDone).toBe(moves.length);
    expect(events.find((e) => e.type === 'failover')).toMatchObject({ role: 'source', now: replica.address });
    expect(events.some((e) => e.type === 'note' && /waiting up to 20 s/.test(e.text))).toBe(true);
    await until('no slot is open', async () => (await settled(lab!)).open.length === 0);
    expect((await settled(lab!)).keys).toBe(KEYS);
    const after = await viewFrom(target.address);
    for (const mv of moves) expect(after.masters.find((m) => m.slots.some(([a, b]) => mv.slot >= a && mv.slot <= b))?.id).toBe(target.id);
  }, 90_000);

  it('the target, planned: goes on against the new target, nothing lost, nothing open', async () => {
    const { summary, events, moves, replica } = await reshardWithFailover(async (replicaAddr) => {
      await call(await conn(replicaAddr), 'CLUSTER', 'FAILOVER');
    }, 'target');
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('done');
    expect(events.find((e) => e.type === 'failover')).toMatchObject({ role: 'target', now: replica.address });
    await until('no slot is open', async () => (await settled(lab!)).open.length === 0);
    expect((await settled(lab!)).keys).toBe(KEYS);
    const after = await viewFrom(replica.address);
    const replicaId = after.masters.find((m) => m.address === replica.address)!.id;
    for (const mv of moves) expect(after.masters.find((m) => m.slots.some(([a, b]) => mv.slot >= a && mv.slot <= b))?.id).toBe(replicaId);
  }, 90_000);

  it('a third master killed (neither side): the cluster down a moment is waited for, it learns the slots by the bus, nothing lost', async () => {
    const { summary, events, moves, target } = await reshardWithFailover(async (_replicaAddr, masterAddr) => {
      await lab!.servers.find((s) => s.address === masterAddr)!.kill('SIGKILL');
    }, 'other');
    expect(summary.error).toBeUndefined();
    expect(summary.status).toBe('done');
    expect(events.some((e) => e.type === 'failover')).toBe(false); // neither side was replaced
    // the killed master's keys are counted once its replica is promoted
    await until('every key counted, no slot open', async () => {
      const s = await settled(lab!);
      return s.open.length === 0 && s.keys === KEYS;
    }, 30_000);
    const after = await viewFrom(target.address);
    for (const mv of moves) expect(after.masters.find((m) => m.slots.some(([a, b]) => mv.slot >= a && mv.slot <= b))?.id).toBe(target.id);
  }, 90_000);
});
