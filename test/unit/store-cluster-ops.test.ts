// The cluster pane's state: the reshard form edited with arrows and digits, what it asks the engine for (or why it
// cannot), and the engine's events (check, plan, confirmation, every MoveEvent of the run) folded into the store.
import { describe, expect, it } from 'vitest';
import type { ClusterOpEvent } from '../../src/engine/cluster/cluster-ops.js';
import type { MoveTotals, ReshardSummary } from '../../src/engine/cluster/move/types.js';
import { askOf, changeField, eraseDigit, moveField, newReshardView, typeDigits, type ClusterOpView } from '../../src/store/cluster-ops.js';
import { applyEvents } from '../../src/store/reduce.js';
import { initialState } from '../../src/store/state.js';
import type { SlotMapMaster } from '../../src/render/slot-map-row.js';

const id = (c: string) => c.repeat(40);
const MASTERS: SlotMapMaster[] = [
  { id: id('a'), address: '127.0.0.1:7001', label: 'c1', slots: [[0, 8191]], migrations: [] },
  { id: id('b'), address: '127.0.0.1:7002', label: 'c2', slots: [[8192, 16383]], migrations: [] },
  { id: id('c'), address: '127.0.0.1:7003', label: 'c3', slots: [], migrations: [] },
];

const totals = (p: Partial<MoveTotals>): MoveTotals => ({ slotsDone: 0, slotsTotal: 10, inFlight: [], keys: 0, bytes: 0, elapsedMs: 0, keysPerSec: 0, ...p });

describe('the reshard form', () => {
  it('starts on the emptiest master (or the selected one), from all, with what it lacks towards the balanced share', () => {
    const v = newReshardView(MASTERS, 1);
    expect(v.form).toEqual({ field: 'to', to: id('c'), from: 'all', slots: 5461, typing: false });
    expect(newReshardView(MASTERS, 1, id('a')).form?.to).toBe(id('a'));
  });
  it('changes the target, the sources and the count with the arrows, digits and Backspace', () => {
    let f = newReshardView(MASTERS, 1).form!;
    f = changeField(f, MASTERS, 1); // the next master, after the last: the first
    expect(f.to).toBe(id('a'));
    f = moveField(f, 1);
    expect(f.field).toBe('from');
    f = changeField(f, MASTERS, 1);
    expect(f.from).toBe(id('b')); // c3 holds no slot: not offered
    f = changeField(f, MASTERS, 1);
    expect(f.from).toBe('all');
    f = changeField(f, MASTERS, 100); // PgUp: the count, whatever line is focused
    expect(f).toMatchObject({ field: 'slots', slots: 1 + 100 });
    f = typeDigits(f, '2');
    f = typeDigits(f, '5x0');
    expect(f).toMatchObject({ slots: 250, typing: true });
    f = eraseDigit(f);
    expect(f.slots).toBe(25);
    f = changeField(f, MASTERS, -1);
    expect(f.slots).toBe(24);
    f = changeField(f, MASTERS, -100);
    expect(f.slots).toBe(1);
    expect(typeDigits(f, '99999').slots).toBe(16384);
  });
  it('asks for a plan, or says in one line what to change', () => {
    const f = { field: 'slots' as const, to: id('c'), from: 'all', slots: 100, typing: false };
    expect(askOf(f, MASTERS)).toEqual({ kind: 'reshard', to: id('c'), from: 'all', slots: 100 });
    expect(askOf({ ...f, from: id('a') }, MASTERS)).toEqual({ kind: 'reshard', to: id('c'), from: [id('a')], slots: 100 });
    expect(askOf({ ...f, slots: 0 }, MASTERS)).toEqual({ error: 'slots: give a whole number from 1 to 16384 (what the sources hold)' });
    expect(askOf({ ...f, from: id('a'), slots: 9000 }, MASTERS)).toEqual({ error: 'slots: give a whole number from 1 to 8192 (what the sources hold)' });
  });
});

describe('the fold of the engine events', () => {
  const fold = (cluster: ClusterOpView | undefined, events: ClusterOpEvent[]) => applyEvents({ ...initialState(), cluster }, events).cluster;

  it('a check: reading, then its report or why it failed', () => {
    const report = { ok: true, nodes: 3, answered: 3, balancedShare: 5461.3, masters: [], uncovered: [], openSlots: [], findings: [] };
    expect(fold(undefined, [{ type: 'cluster-check-started', entry: '127.0.0.1:7001', at: 5 }])).toMatchObject({ kind: 'check', phase: 'checking', entry: '127.0.0.1:7001' });
    expect(fold(undefined, [{ type: 'cluster-check-started', entry: 'x', at: 5 }, { type: 'cluster-check-done', report, at: 6 }])).toMatchObject({ phase: 'checked', report });
    expect(fold(undefined, [{ type: 'cluster-check-started', entry: 'x', at: 5 }, { type: 'cluster-check-failed', message: 'refused', at: 6 }])).toMatchObject({ phase: 'check-failed', message: 'refused' });
  });

  it('a reshard: plan, refusal back to the form, word, start, every MoveEvent, summary', () => {
    const preview = { to: { id: id('c'), address: '127.0.0.1:7003' }, sources: [], slots: 10, keys: 40 };
    let v: ClusterOpView = { ...newReshardView(MASTERS, 1), phase: 'planning' };
    v = fold(v, [{ type: 'reshard-refused', message: 'slots are open already', at: 2 }])!;
    expect(v).toMatchObject({ phase: 'form', message: 'slots are open already' });
    v = fold({ ...v, phase: 'planning' }, [{ type: 'reshard-plan', preview, at: 3 }])!;
    expect(v).toMatchObject({ phase: 'confirm', preview, message: undefined });
    v = fold({ ...v, typed: 'reshard' }, [{ type: 'reshard-confirmed', drill: false, at: 4 }])!;
    expect(v).toMatchObject({ phase: 'starting', typed: '', confirmedAt: 4 });
    v = fold(v, [
      { type: 'reshard-started', journal: '/tmp/r.jsonl', at: 5 },
      { type: 'reshard', event: { type: 'slot-start', slot: 0, from: '127.0.0.1:7001', to: '127.0.0.1:7003', at: 5 } },
      { type: 'reshard', event: { type: 'progress', totals: totals({ slotsDone: 4, inFlight: [4, 8200], keys: 16, bytes: 2048, elapsedMs: 400, keysPerSec: 40 }) } },
      { type: 'reshard', event: { type: 'note', text: 'stop asked: the slots in hand finish, no other starts', at: 6 } },
      { type: 'reshard', event: { type: 'slot-failed', slot: 8200, from: '127.0.0.1:7002', to: '127.0.0.1:7003', error: 'IOERR', open: { slot: 8200, from: '127.0.0.1:7002', to: '127.0.0.1:7003', stage: 'keys' } } },
      { type: 'reshard', event: { type: 'duplicates', duplicates: { slot: 4, identical: ['k'], different: ['x', 'y'], replaced: false } } },
    ])!;
    expect(v).toMatchObject({ phase: 'running', journal: '/tmp/r.jsonl', runningSince: 5, totals: { slotsDone: 4, inFlight: [4, 8200], keys: 16, bytes: 2048, keysPerSec: 40 } });
    expect(v.notes).toEqual(['stop asked: the slots in hand finish, no other starts', 'slot 4: 2 key(s) on both sides with different values']);
    expect(v.failed).toEqual(['slot 8200 127.0.0.1:7002 → 127.0.0.1:7003: IOERR']);
    const summary: ReshardSummary = { status: 'stopped', totals: totals({ slotsDone: 5, elapsedMs: 500, keys: 20 }), open: [], notStarted: 5, duplicates: [] };
    v = fold(v, [{ type: 'reshard', event: { type: 'summary', summary } }])!;
    expect(v).toMatchObject({ phase: 'stopped', summary, totals: summary.totals, endedAt: 505 });
  });

  it('declined, or an error outside a slot, end it with nothing else changed', () => {
    const v = { ...newReshardView(MASTERS, 1), phase: 'confirm' as const };
    expect(fold(v, [{ type: 'reshard-declined', at: 9 }])).toMatchObject({ phase: 'declined', endedAt: 9 });
    expect(fold(v, [{ type: 'reshard-error', message: "cannot write the journal '/x'", at: 9 }])).toMatchObject({ phase: 'error', message: "cannot write the journal '/x'" });
    // a reshard event with no reshard on screen changes nothing
    expect(fold(undefined, [{ type: 'reshard-declined', at: 9 }])).toBeUndefined();
  });

  it('a log line from the cluster operations goes to the event log', () => {
    const s = applyEvents(initialState(), [{ type: 'log', entry: { at: 1, level: 'info', kind: 'cluster', message: 'reshard of 10 slots started; journal /tmp/r.jsonl' } }]);
    expect(s.log.at(-1)?.message).toBe('reshard of 10 slots started; journal /tmp/r.jsonl');
  });
});
