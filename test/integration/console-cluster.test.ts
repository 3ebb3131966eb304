// The console's cluster intents against a real passworded cluster of 3 masters: C's check lands in the store as a
// report; R's plan is read and counted, the typed word runs it through the slot-move engine, and the store ends with
// status done and the slots (and their keys) on the target, the journal holding the confirmation and no password;
// a wrong word changes nothing; open slots refuse the plan in one line; x (stop) ends with no slot left open.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterOps } from '../../src/engine/cluster/cluster-ops.js';
import { planReshard } from '../../src/engine/cluster/move/reshard-plan.js';
import { consoleIntents } from '../../src/console/intents.js';
import { DEFAULT_CONNECT } from '../../src/engine/redis/connect.js';
import { DrillRunner } from '../../src/engine/drill/runner.js';
import { FailoverWizard } from '../../src/engine/failover/wizard.js';
import { ReplicationRunner } from '../../src/engine/replicate/runner.js';
import { calculateSlot } from '../../src/engine/redis/slot.js';
import { parseClusterNodes } from '../../src/engine/topology/parse-cluster-nodes.js';
import type { NodeState } from '../../src/engine/topology/types.js';
import { initialState } from '../../src/store/state.js';
import { createAppStore, publish, type AppStore } from '../../src/store/store.js';
import { call, startCluster, waitClean, writeTaggedKeys, type TestCluster } from './cluster-move-helpers.js';
import { until } from './helpers.js';

const PASSWORD = 'C0ns0le-r3shard';
let tc: TestCluster;
let dir: string;

beforeAll(async () => {
  tc = await startCluster(PASSWORD);
  dir = mkdtempSync(join(tmpdir(), 'cutover-console-cluster-'));
});
afterAll(async () => {
  await tc?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The nodes as the topology would publish them: each master with its own CLUSTER NODES line. */
async function nodesOf(): Promise<Record<string, NodeState>> {
  const out: Record<string, NodeState> = {};
  for (const [i, address] of tc.addresses.entries()) {
    const self = parseClusterNodes(String(await call(await tc.conn(address), 'CLUSTER', 'NODES'))).find((n) => n.myself)!;
    const [host, port] = address.split(':');
    out[address] = { id: address, host, port: Number(port), role: 'master', status: 'up', label: `m${i + 1}`, cluster: { self, state: 'ok' } };
  }
  return out;
}

function harness(store: AppStore, journal: string) {
  const jobs = { runner: new ReplicationRunner(DEFAULT_CONNECT), drills: new DrillRunner(), wizard: new FailoverWizard(), cluster: new ClusterOps(DEFAULT_CONNECT) };
  const detach = publish([jobs.cluster.events], store);
  const intents = consoleIntents(store, jobs, { tls: false, dataAuth: { password: PASSWORD }, sentinelAuth: {} }, DEFAULT_CONNECT, { reshardJournalPath: journal });
  return { jobs, intents, detach };
}

async function fresh(): Promise<AppStore> {
  return createAppStore({ ...initialState(), deployment: { kind: 'cluster', entry: [tc.addresses[0]], intervalMs: 1000 }, nodes: await nodesOf(), order: tc.addresses });
}

describe('console: the cluster check', () => {
  it('puts the report of every node in the store', async () => {
    const store = await fresh();
    const { intents, detach } = harness(store, join(dir, 'unused.jsonl'));
    try {
      intents.checkCluster(tc.addresses[1]);
      await until('the report', () => store.getState().cluster?.phase === 'checked', 30_000);
      const r = store.getState().cluster!.report!;
      expect(r.ok).toBe(true);
      expect(r.masters.map((m) => m.slots).reduce((a, b) => a + b, 0)).toBe(16384);
      expect(store.getState().cluster!.entry).toBe(tc.addresses[1]);
      expect(store.getState().log.at(-1)?.message).toBe('cluster check: all is well');
    } finally {
      detach();
    }
  });
});

describe('console: the reshard wizard', () => {
  it('plans, runs on the typed word, and ends done with the slots and keys on the target', async () => {
    const before = await tc.view();
    const target = before.masters[2];
    // keys in the slots a reshard of 10 from all takes (redis-cli's choice: the lowest of each source, by its share)
    const taken = planReshard(before, { to: target.id, from: 'all', slots: 10 }).map((m) => m.slot);
    const tags: string[] = [];
    for (let i = 0; tags.length < 4 && i < 200_000; i++) if (taken.includes(calculateSlot(`{t${i}}`)) && !tags.some((t) => calculateSlot(`{${t}}`) === calculateSlot(`{t${i}}`))) tags.push(`t${i}`);
    expect(tags.length).toBe(4);
    await writeTaggedKeys(tc, tags, 25);

    const store = await fresh();
    const journal = join(dir, 'reshard.jsonl');
    const { intents, detach } = harness(store, journal);
    try {
      // what the form asks for: 10 slots from all to the third master
      store.setState({ cluster: { kind: 'reshard', phase: 'planning', startedAt: Date.now(), masters: [], typed: '', drill: false, failed: [], notes: [] } });
      intents.planReshard({ kind: 'reshard', to: target.id, from: 'all', slots: 10 });
      await until('the plan', () => store.getState().cluster?.phase === 'confirm', 20_000);
      const preview = store.getState().cluster!.preview!;
      expect(preview.slots).toBe(10);
      expect(preview.keys).toBe(100);
      expect(preview.to.id).toBe(target.id);

      intents.answerReshard('reshard');
      await until('the reshard over', () => ['done', 'failed', 'stopped', 'error'].includes(store.getState().cluster?.phase ?? ''), 60_000);
      const v = store.getState().cluster!;
      expect(v.message).toBeUndefined();
      expect(v.phase).toBe('done');
      expect(v.totals).toMatchObject({ slotsDone: 10, slotsTotal: 10, keys: 100 });
      expect(v.journal).toBe(journal);

      const after = await tc.view();
      const owns = (s: number) => after.masters.find((m) => m.slots.some(([a, b]) => s >= a && s <= b))?.id;
      for (const s of taken) expect(owns(s)).toBe(target.id);
      expect(after.open).toEqual([]);
      let onTarget = 0;
      for (const s of taken) onTarget += Number(await call(await tc.conn(target.address), 'CLUSTER', 'COUNTKEYSINSLOT', s));
      expect(onTarget).toBe(100);

      const text = readFileSync(journal, 'utf8');
      expect(text).not.toContain(PASSWORD);
      const lines = text.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.map((l) => l.event).slice(0, 3)).toEqual(['start', 'plan', 'confirm']);
      expect(lines[2]).toMatchObject({ word: 'reshard', granted: true, how: 'typed reshard in the console' });
      expect(store.getState().log.map((l) => l.message).join('\n')).toContain(`journal ${journal}`);
      expect(await waitClean(tc)).toMatch(/All 16384 slots covered/);
    } finally {
      detach();
    }
  });

  it('a wrong word changes nothing; open slots refuse the plan in one line', async () => {
    const store = await fresh();
    const journal = join(dir, 'declined.jsonl');
    const { intents, detach } = harness(store, journal);
    const before = await tc.view();
    const [a, b] = before.masters;
    try {
      store.setState({ cluster: { kind: 'reshard', phase: 'planning', startedAt: Date.now(), masters: [], typed: '', drill: false, failed: [], notes: [] } });
      intents.planReshard({ kind: 'reshard', to: a.id, from: [b.id], slots: 3 });
      await until('the plan', () => store.getState().cluster?.phase === 'confirm', 20_000);
      intents.answerReshard('resh');
      await until('declined', () => store.getState().cluster?.phase === 'declined', 5_000);
      expect((await tc.view()).masters).toEqual(before.masters);
      expect(existsSync(journal)).toBe(false);

      // a slot left open by hand: the plan is refused, back to the form, with the reason
      const slot = b.slots[0][0];
      await call(await tc.conn(a.address), 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', b.id);
      try {
        store.setState({ cluster: { ...store.getState().cluster!, phase: 'planning' } });
        intents.planReshard({ kind: 'reshard', to: a.id, from: 'all', slots: 3 });
        await until('refused', () => store.getState().cluster?.phase === 'form', 20_000);
        expect(store.getState().cluster!.message).toMatch(/^slots are open already \(127\.0\.0\.1:\d+ \[\d+-<-[0-9a-f]{40}\]\): close them first with cutover cluster fix; nothing was changed$/);
      } finally {
        await call(await tc.conn(a.address), 'CLUSTER', 'SETSLOT', slot, 'STABLE');
      }
      expect((await tc.view()).masters).toEqual(before.masters);
    } finally {
      detach();
    }
  });

  it('a drill alongside writes a second before the first slot moves and gives its verdict after: nothing lost', async () => {
    const store = await fresh();
    const { jobs, intents, detach } = harness(store, join(dir, 'drill.jsonl'));
    const off = publish([jobs.drills.events], store);
    const seen: Array<{ what: string; at: number }> = [];
    jobs.drills.events.on((e) => {
      if (e.type === 'drill-started') seen.push({ what: 'drill-started', at: performance.now() });
      if (e.type === 'drill' && e.event.type === 'done') seen.push({ what: `drill-done ${e.event.summary.lost}`, at: performance.now() });
    });
    jobs.cluster.events.on((e) => {
      if (e.type === 'reshard' && (e.event.type === 'slot-start' || e.event.type === 'summary')) seen.push({ what: e.event.type, at: performance.now() });
    });
    const target = (await tc.view()).masters[1];
    try {
      store.setState({ cluster: { kind: 'reshard', phase: 'planning', startedAt: Date.now(), masters: [], typed: '', drill: false, failed: [], notes: [] } });
      intents.planReshard({ kind: 'reshard', to: target.id, from: 'all', slots: 20 });
      await until('the plan', () => store.getState().cluster?.phase === 'confirm', 20_000);
      store.setState({ cluster: { ...store.getState().cluster!, drill: true } });
      intents.answerReshard('reshard');
      await until('the drill over', () => seen.some((x) => x.what.startsWith('drill-done')), 60_000);
      expect(store.getState().cluster!.phase).toBe('done');
      const order = seen.map((x) => x.what.split(' ')[0]).filter((w, i, all) => all.indexOf(w) === i);
      expect(order).toEqual(['drill-started', 'slot-start', 'summary', 'drill-done']);
      const at = (w: string) => seen.find((x) => x.what.startsWith(w))!.at;
      expect(at('slot-start') - at('drill-started')).toBeGreaterThanOrEqual(1000);
      expect(seen.find((x) => x.what.startsWith('drill-done'))!.what).toBe('drill-done 0');
      // the store folds events ten times a second: the verdict reaches it within one flush
      await until('the store has the drill verdict', () => store.getState().drill?.summary !== undefined, 5_000);
      expect(store.getState().drill?.summary?.lost).toBe(0);
    } finally {
      jobs.drills.stop();
      off();
      detach();
    }
  });

  it('x stops it after the slots in hand: status stopped, no slot left open', async () => {
    const store = await fresh();
    const journal = join(dir, 'stopped.jsonl');
    const { intents, detach } = harness(store, journal);
    const before = await tc.view();
    const target = before.masters[0];
    try {
      store.setState({ cluster: { kind: 'reshard', phase: 'planning', startedAt: Date.now(), masters: [], typed: '', drill: false, failed: [], notes: [] } });
      intents.planReshard({ kind: 'reshard', to: target.id, from: 'all', slots: 2000 });
      await until('the plan', () => store.getState().cluster?.phase === 'confirm', 20_000);
      intents.answerReshard('reshard');
      await until('a slot moved', () => (store.getState().cluster?.totals?.slotsDone ?? 0) > 0, 30_000);
      intents.stopReshard();
      await until('stopped', () => ['done', 'failed', 'stopped', 'error'].includes(store.getState().cluster?.phase ?? ''), 60_000);
      const v = store.getState().cluster!;
      expect(v.phase).toBe('stopped');
      expect(v.summary!.open).toEqual([]);
      expect(v.totals!.slotsDone).toBeLessThan(2000);
      expect(v.notes.join('\n')).toContain('stop asked');
      expect((await tc.view()).open).toEqual([]);
      expect(await waitClean(tc)).toMatch(/All 16384 slots covered/);
    } finally {
      detach();
    }
  });
});
