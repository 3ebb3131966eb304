// The rebalance wizard's state: its form (use empty masters, threshold) opened from the masters the store sees,
// edited with the arrows, what it asks the engine for (or why it cannot); the engine's rebalance events folded (the
// plan, nothing to do under the form, the run and its summary through the same events as a reshard).
import { describe, expect, it } from 'vitest';
import type { ClusterOpEvent } from '../../src/engine/cluster/cluster-ops.js';
import type { RebalancePreview } from '../../src/engine/cluster/move/rebalance-preview.js';
import type { MoveTotals, ReshardSummary } from '../../src/engine/cluster/move/types.js';
import { clusterActions } from '../../src/store/cluster-actions.js';
import { newRebalanceView, newReshardView, type ClusterOpView } from '../../src/store/cluster-ops.js';
import { changeRebalanceField, moveRebalanceField, newRebalanceForm, rebalanceAskOf } from '../../src/store/rebalance-form.js';
import { applyEvents } from '../../src/store/reduce.js';
import { initialState } from '../../src/store/state.js';
import { createAppStore } from '../../src/store/store.js';
import type { SlotMapMaster } from '../../src/render/slot-map-row.js';
import type { NodeState } from '../../src/engine/topology/types.js';

const id = (c: string) => c.repeat(40);
const MASTERS: SlotMapMaster[] = [
  { id: id('a'), address: '127.0.0.1:7001', label: 'c1', slots: [[0, 8191]], migrations: [] },
  { id: id('b'), address: '127.0.0.1:7002', label: 'c2', slots: [[8192, 16383]], migrations: [] },
  { id: id('c'), address: '127.0.0.1:7003', label: 'c3', slots: [], migrations: [] },
];
const EVEN = MASTERS.slice(0, 2);

const totals = (p: Partial<MoveTotals>): MoveTotals => ({ slotsDone: 0, slotsTotal: 10, inFlight: [], keys: 0, bytes: 0, elapsedMs: 0, keysPerSec: 0, ...p });

describe('the rebalance form', () => {
  it('uses the empty masters when some master holds no slot, else not; threshold 2 %', () => {
    expect(newRebalanceForm(MASTERS)).toEqual({ field: 'empty', useEmptyMasters: true, threshold: 2 });
    expect(newRebalanceForm(EVEN)).toEqual({ field: 'empty', useEmptyMasters: false, threshold: 2 });
    expect(newRebalanceView(MASTERS, 7)).toMatchObject({ kind: 'rebalance', phase: 'form', startedAt: 7, masters: MASTERS, rebalanceForm: { useEmptyMasters: true } });
  });

  it('↑↓ pick the line, ←→ toggle yes/no or change the threshold by 1 % (0 to 100); PgUp/PgDn do nothing', () => {
    let f = newRebalanceForm(MASTERS);
    f = changeRebalanceField(f, 1);
    expect(f.useEmptyMasters).toBe(false);
    f = changeRebalanceField(f, -1);
    expect(f.useEmptyMasters).toBe(true);
    f = moveRebalanceField(f, 1);
    expect(f.field).toBe('threshold');
    expect(moveRebalanceField(f, 1).field).toBe('threshold');
    f = changeRebalanceField(f, 1);
    expect(f.threshold).toBe(3);
    expect(changeRebalanceField(f, 100)).toEqual(f);
    for (let i = 0; i < 5; i++) f = changeRebalanceField(f, -1);
    expect(f.threshold).toBe(0);
    for (let i = 0; i < 120; i++) f = changeRebalanceField(f, 1);
    expect(f.threshold).toBe(100);
    expect(moveRebalanceField(f, -1).field).toBe('empty');
  });

  it('asks for a plan, or says in one line what to change', () => {
    expect(rebalanceAskOf({ field: 'empty', useEmptyMasters: true, threshold: 2 }, MASTERS)).toEqual({ kind: 'rebalance', useEmptyMasters: true, threshold: 2 });
    const lone = [MASTERS[0], MASTERS[2]];
    expect(rebalanceAskOf({ field: 'empty', useEmptyMasters: false, threshold: 2 }, lone)).toEqual({
      error: 'fewer than two masters take part: a rebalance needs two (use empty masters yes takes in those without slots)',
    });
  });
});

describe('B through the store actions', () => {
  const node = (port: number, cid: string, slots: Array<[number, number]>): NodeState => ({
    id: `127.0.0.1:${port}`, host: '127.0.0.1', port, role: 'master', status: 'up', label: `c${port - 7000}`,
    cluster: { self: { id: cid, host: '127.0.0.1', port, flags: ['myself', 'master'], myself: true, role: 'master', pingSent: 0, pongRecv: 0, configEpoch: 1, linkState: 'connected', failing: null, slots, slotMigrations: [] }, state: 'ok' },
  });
  const store = () => {
    const nodes = [node(7001, id('a'), [[0, 8191]]), node(7002, id('b'), [[8192, 16383]]), node(7003, id('c'), [])];
    return createAppStore({ ...initialState(), nodes: Object.fromEntries(nodes.map((n) => [n.id, n])), order: nodes.map((n) => n.id) });
  };

  it('opens the form, edits it with the keys the reshard form shares, and Enter asks for the plan', () => {
    const s = store();
    const a = clusterActions(s);
    expect(a.openRebalance()).toBe(true);
    expect(s.getState().cluster).toMatchObject({ kind: 'rebalance', phase: 'form', rebalanceForm: { field: 'empty', useEmptyMasters: true, threshold: 2 } });
    expect(s.getState().ui.focus).toBe('wizard');
    a.formField(1);
    a.formChange(1);
    a.formChange(1);
    a.formDigits('9'); // digits type a reshard's count only
    a.formChange(100);
    expect(s.getState().cluster!.rebalanceForm).toEqual({ field: 'threshold', useEmptyMasters: true, threshold: 4 });
    expect(a.submitReshardForm()).toEqual({ kind: 'rebalance', useEmptyMasters: true, threshold: 4 });
    expect(s.getState().cluster!.phase).toBe('planning');
  });

  it('a form that cannot be asked stays, with the reason; an edit clears it', () => {
    const s = store();
    const a = clusterActions(s);
    a.openRebalance();
    s.setState({ cluster: { ...s.getState().cluster!, masters: s.getState().cluster!.masters.filter((m) => m.id !== id('b')) } });
    a.formChange(1); // use empty masters: no (one master with slots left)
    expect(a.submitReshardForm()).toBeUndefined();
    expect(s.getState().cluster).toMatchObject({ phase: 'form', message: expect.stringMatching(/^fewer than two masters take part/) });
    a.formChange(1);
    expect(s.getState().cluster!.message).toBeUndefined();
  });
});

describe('the fold of a rebalance', () => {
  const fold = (cluster: ClusterOpView | undefined, events: ClusterOpEvent[]) => applyEvents({ ...initialState(), cluster }, events).cluster;
  const preview: RebalancePreview = {
    nodes: [], pairs: [{ from: id('a'), to: id('c'), slots: 3, fromAddress: '127.0.0.1:7001', toAddress: '127.0.0.1:7003', keys: 9, bytes: 900 }],
    slots: 3, keys: 9, bytes: 900, bytesExact: true, totalWeight: 3, threshold: 2, needed: true,
  };
  const moves = [0, 1, 2].map((slot) => ({ slot, from: id('a'), to: id('c') }));

  it('nothing to do goes back to the form, said as such; a refusal as a reason', () => {
    const v: ClusterOpView = { ...newRebalanceView(MASTERS, 1), phase: 'planning' };
    expect(fold(v, [{ type: 'rebalance-balanced', message: 'nothing to do: 3 masters, each within 2 % of its share; nothing was changed', at: 2 }])).toMatchObject({
      phase: 'form', balanced: true, message: 'nothing to do: 3 masters, each within 2 % of its share; nothing was changed',
    });
    expect(fold(v, [{ type: 'reshard-refused', message: 'slots are open already', at: 2 }])).toMatchObject({ phase: 'form', balanced: undefined, message: 'slots are open already' });
  });

  it('plan, word, start, progress, summary: the same events as a reshard', () => {
    let v: ClusterOpView = { ...newRebalanceView(MASTERS, 1), phase: 'planning' };
    v = fold(v, [{ type: 'rebalance-plan', preview, moves, at: 3 }])!;
    expect(v).toMatchObject({ phase: 'confirm', rebalance: { preview, moves }, typed: '' });
    v = fold({ ...v, typed: 'rebalance' }, [
      { type: 'reshard-confirmed', drill: false, at: 4 },
      { type: 'reshard-started', journal: '/tmp/cutover-rebalance-x.jsonl', at: 5 },
      { type: 'reshard', event: { type: 'progress', totals: totals({ slotsDone: 2, slotsTotal: 3, keys: 6 }) } },
    ])!;
    expect(v).toMatchObject({ kind: 'rebalance', phase: 'running', journal: '/tmp/cutover-rebalance-x.jsonl', totals: { slotsDone: 2, keys: 6 } });
    const summary: ReshardSummary = { status: 'done', totals: totals({ slotsDone: 3, slotsTotal: 3, keys: 9, elapsedMs: 20 }), open: [], notStarted: 0, duplicates: [] };
    expect(fold(v, [{ type: 'reshard', event: { type: 'summary', summary } }])).toMatchObject({ phase: 'done', summary });
  });

  it("a reshard's plan does not land on a rebalance, nor a rebalance's on a reshard", () => {
    const rb: ClusterOpView = { ...newRebalanceView(MASTERS, 1), phase: 'planning' };
    const rs: ClusterOpView = { ...newReshardView(MASTERS, 1), phase: 'planning' };
    expect(fold(rb, [{ type: 'reshard-plan', preview: { to: { id: id('c'), address: 'x' }, sources: [], slots: 1, keys: 0 }, at: 2 }])).toEqual(rb);
    expect(fold(rs, [{ type: 'rebalance-plan', preview, moves, at: 2 }])).toEqual(rs);
    expect(fold(rs, [{ type: 'rebalance-balanced', message: 'x', at: 2 }])).toEqual(rs);
  });
});
