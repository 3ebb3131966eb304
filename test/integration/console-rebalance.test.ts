// The console's rebalance wizard (B) against a real lab cluster of 3 masters with keys and one empty master met into
// it, a password set on every node: the store's actions open the form (use empty masters first, since one master
// holds no slot), Enter's ask is planned by the engine (the plan onto the empty master), the typed word runs it
// through the slot-move engine, and the store ends done with every master within 1 of 4,096 slots, the DBSIZE sum
// unchanged, no slot open, the journal's procedure rebalance with its confirm line and no password; asked again, the
// cluster is within the threshold: nothing to do, in one line under the form, nothing changed; a slot open refuses it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { ClusterOps } from '../../src/engine/cluster/cluster-ops.js';
import { clusterViewOf } from '../../src/engine/cluster/move/cluster-view.js';
import { countOf } from '../../src/engine/cluster/move/reshard-plan.js';
import { consoleIntents } from '../../src/console/intents.js';
import { DEFAULT_CONNECT } from '../../src/engine/redis/connect.js';
import { RespConnection } from '../../src/engine/redis/resp.js';
import { DrillRunner } from '../../src/engine/drill/runner.js';
import { FailoverWizard } from '../../src/engine/failover/wizard.js';
import { ReplicationRunner } from '../../src/engine/replicate/runner.js';
import { parseClusterNodes } from '../../src/engine/topology/parse-cluster-nodes.js';
import type { NodeState } from '../../src/engine/topology/types.js';
import { clusterActions } from '../../src/store/cluster-actions.js';
import { initialState } from '../../src/store/state.js';
import { createAppStore, publish, type AppStore } from '../../src/store/store.js';
import { call } from './cluster-move-helpers.js';
import { until } from './helpers.js';

const PASSWORD = 'C0ns0le-r3balance';
const KEYS = 3000;
let lab: Lab;
let dir: string;
const conns = new Map<string, RespConnection>();

const addresses = () => lab.servers.map((s) => s.address);

async function conn(address: string): Promise<RespConnection> {
  const have = conns.get(address);
  if (have && !have.broken) return have;
  const [host, port] = address.split(':');
  const c = await RespConnection.open({ host, port: Number(port), password: PASSWORD });
  conns.set(address, c);
  return c;
}

beforeAll(async () => {
  lab = await startLab({ preset: 'cluster', keys: KEYS, cluster: { masters: 3, replicas: 0, spare: 1 } });
  // a password on every node (no replica: nothing else to tell), so that the journal can be searched for it
  for (const a of addresses()) {
    const [host, port] = a.split(':');
    const c = await RespConnection.open({ host, port: Number(port) });
    try {
      await call(c, 'CONFIG', 'SET', 'requirepass', PASSWORD);
    } finally {
      c.close();
    }
  }
  dir = mkdtempSync(join(tmpdir(), 'cutover-console-rebalance-'));
}, 90_000);

afterAll(async () => {
  for (const c of conns.values()) c.close();
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const viewOf = async () => clusterViewOf(String(await call(await conn(addresses()[0]), 'CLUSTER', 'NODES')));

async function totalKeys(): Promise<number> {
  let n = 0;
  for (const a of addresses()) n += Number(await call(await conn(a), 'DBSIZE'));
  return n;
}

/** The nodes as the topology would publish them: each with its own CLUSTER NODES line (the spare: a master without slots). */
async function nodesOf(): Promise<Record<string, NodeState>> {
  const out: Record<string, NodeState> = {};
  for (const s of lab.servers) {
    const self = parseClusterNodes(String(await call(await conn(s.address), 'CLUSTER', 'NODES'))).find((n) => n.myself)!;
    const [host, port] = s.address.split(':');
    out[s.address] = { id: s.address, host, port: Number(port), role: 'master', status: 'up', label: s.name, cluster: { self, state: 'ok' } };
  }
  return out;
}

async function harness(journal: string) {
  const store: AppStore = createAppStore({ ...initialState(), deployment: { kind: 'cluster', entry: [addresses()[0]], intervalMs: 1000 }, nodes: await nodesOf(), order: addresses() });
  const jobs = { runner: new ReplicationRunner(DEFAULT_CONNECT), drills: new DrillRunner(), wizard: new FailoverWizard(), cluster: new ClusterOps(DEFAULT_CONNECT) };
  const detach = publish([jobs.cluster.events], store);
  const intents = consoleIntents(store, jobs, { tls: false, dataAuth: { password: PASSWORD }, sentinelAuth: {} }, DEFAULT_CONNECT, { reshardJournalPath: journal });
  return { store, jobs, intents, actions: clusterActions(store), detach };
}

describe('console: the rebalance wizard onto an empty master', () => {
  it('plans, runs on the typed word, and ends done with every master within 1 of 4,096 slots and every key kept', async () => {
    const before = await viewOf();
    expect(before.masters.map(countOf).sort((a, b) => a - b)).toEqual([0, 5461, 5461, 5462]);
    const keysBefore = await totalKeys();
    expect(keysBefore).toBeGreaterThan(0);
    const journal = join(dir, 'rebalance.jsonl');
    const { store, jobs, intents, actions, detach } = await harness(journal);
    try {
      expect(actions.openRebalance()).toBe(true);
      expect(store.getState().cluster!.rebalanceForm).toEqual({ field: 'empty', useEmptyMasters: true, threshold: 2 });
      const ask = actions.submitReshardForm();
      expect(ask).toEqual({ kind: 'rebalance', useEmptyMasters: true, threshold: 2 });
      intents.planReshard(ask!);
      await until('the plan', () => store.getState().cluster?.phase === 'confirm', 30_000);
      const { preview, moves } = store.getState().cluster!.rebalance!;
      const spare = lab.server('spare1').address;
      expect(preview.slots).toBe(4096);
      expect(moves).toHaveLength(4096);
      expect(preview.pairs.map((p) => p.toAddress)).toEqual([spare, spare, spare]);
      expect(preview.nodes.find((n) => n.address === spare)).toMatchObject({ slotsNow: 0, slotsAfter: 4096, keysIn: preview.keys });
      expect(preview.keys).toBeGreaterThan(0);
      // nothing moved yet
      expect((await viewOf()).masters.map(countOf)).toEqual(before.masters.map(countOf));

      intents.answerReshard('rebalance');
      // what quitting the console now would wait for (and say: stopping the rebalance after the slots in hand)
      expect(jobs.cluster.moving).toBe('rebalance');
      await until('the rebalance over', () => ['done', 'failed', 'stopped', 'error'].includes(store.getState().cluster?.phase ?? ''), 120_000);
      const v = store.getState().cluster!;
      expect(v.message).toBeUndefined();
      expect(v.phase).toBe('done');
      expect(v.totals).toMatchObject({ slotsDone: 4096, slotsTotal: 4096, keys: preview.keys });
      expect(v.journal).toBe(journal);
      await jobs.cluster.idle();
      expect(jobs.cluster.moving).toBeUndefined();

      const after = await viewOf();
      for (const m of after.masters) expect(Math.abs(countOf(m) - 4096)).toBeLessThanOrEqual(1);
      expect(after.open).toEqual([]);
      expect(await totalKeys()).toBe(keysBefore);
      expect(Number(await call(await conn(spare), 'DBSIZE'))).toBe(preview.keys);

      const text = readFileSync(journal, 'utf8');
      expect(text).not.toContain(PASSWORD);
      const lines = text.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.map((l) => l.event).slice(0, 3)).toEqual(['start', 'plan', 'confirm']);
      expect(lines[0].procedure).toBe('rebalance');
      expect(lines[2]).toMatchObject({ procedure: 'rebalance', word: 'rebalance', granted: true, how: 'typed rebalance in the console' });
      expect(lines.at(-1)).toMatchObject({ event: 'end', procedure: 'rebalance', status: 'done', slotsDone: 4096 });
      const log = store.getState().log.map((l) => l.message).join('\n');
      expect(log).toContain(`rebalance of 4096 slots started; journal ${journal}`);
      expect(log).toContain('rebalance done: 4096 of 4096 slots moved');
    } finally {
      detach();
    }
  });

  it('asked again: nothing to do, in one line under the form, nothing changed; an open slot refuses the plan', async () => {
    const before = await viewOf();
    const { store, intents, actions, detach } = await harness(join(dir, 'again.jsonl'));
    try {
      actions.openRebalance();
      expect(store.getState().cluster!.rebalanceForm!.useEmptyMasters).toBe(false); // every master holds slots now
      intents.planReshard(actions.submitReshardForm()!);
      await until('nothing to do', () => store.getState().cluster?.phase === 'form' && store.getState().cluster?.balanced, 30_000);
      expect(store.getState().cluster!.message).toBe('nothing to do: 4 masters, each within 2 % of its share; nothing was changed');
      expect((await viewOf()).masters).toEqual(before.masters);

      // a slot left open by hand between two masters: refused in one line, back to the form
      const [a, b] = before.masters;
      const slot = b.slots[0][0];
      await call(await conn(a.address), 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', b.id);
      try {
        intents.planReshard(actions.submitReshardForm()!);
        await until('refused', () => store.getState().cluster?.phase === 'form' && store.getState().cluster?.message?.startsWith('slots are open'), 30_000);
        expect(store.getState().cluster!.message).toMatch(/^slots are open already \(127\.0\.0\.1:\d+ \[\d+-<-[0-9a-f]{40}\]\): close them first with cutover cluster fix; nothing was changed$/);
        expect(store.getState().cluster!.balanced).toBeUndefined();
      } finally {
        await call(await conn(a.address), 'CLUSTER', 'SETSLOT', slot, 'STABLE');
      }
      expect((await viewOf()).masters).toEqual(before.masters);
    } finally {
      detach();
    }
  });
});
