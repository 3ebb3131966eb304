// The rebalance plan as redis-cli's clusterManagerCommandRebalance computes it (hand-checked cases): onto an empty
// master with --use-empty-masters, with weights, the rounding surplus, the threshold's "nothing to do", and the
// refusals of --weight as one line.
import { describe, expect, it } from 'vitest';
import { entryFirst, planRebalance, type RebalanceRequest } from '../../src/engine/cluster/move/rebalance-plan.js';
import type { ClusterView } from '../../src/engine/cluster/move/reshard-plan.js';
import { InputError } from '../../src/options/endpoint.js';

const A = 'a1'.padEnd(40, '0');
const B = 'b1'.padEnd(40, '0');
const C = 'c1'.padEnd(40, '0');
const D = 'd1'.padEnd(40, '0');
const view: ClusterView = {
  masters: [
    { id: A, address: '127.0.0.1:7001', slots: [[0, 5460]] },
    { id: B, address: '127.0.0.1:7002', slots: [[5461, 10922]] },
    { id: C, address: '127.0.0.1:7003', slots: [[10923, 16383]] },
    { id: D, address: '127.0.0.1:7004', slots: [] },
  ],
  replicas: [{ id: 'e1'.padEnd(40, '0'), address: '127.0.0.1:7005' }],
};
const req = (r: Partial<RebalanceRequest> = {}): RebalanceRequest => ({ weights: [], useEmptyMasters: false, threshold: 2, ...r });
const range = (a: number, n: number) => Array.from({ length: n }, (_, i) => a + i);
const slotsFrom = (moves: Array<{ slot: number; from: string }>, id: string) => moves.filter((m) => m.from === id).map((m) => m.slot);

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('not refused');
}

describe('planRebalance', () => {
  it('--use-empty-masters: 4,096 slots to the empty master, the biggest giver first, each from its lowest slots', () => {
    const p = planRebalance(view, req({ useEmptyMasters: true }));
    expect(p.needed).toBe(true);
    expect(p.totalWeight).toBe(4);
    // balances A 1365, B 1366, C 1365, D -4096; sorted D, A, C, B: D pairs with B, then C, then A
    expect(p.pairs).toEqual([
      { from: B, to: D, slots: 1366 },
      { from: C, to: D, slots: 1365 },
      { from: A, to: D, slots: 1365 },
    ]);
    expect(p.moves).toHaveLength(4096);
    expect(p.moves.every((m) => m.to === D)).toBe(true);
    expect(slotsFrom(p.moves, B)).toEqual(range(5461, 1366));
    expect(slotsFrom(p.moves, C)).toEqual(range(10923, 1365));
    expect(slotsFrom(p.moves, A)).toEqual(range(0, 1365));
    expect(p.rows.map((r) => [r.slotsNow, r.expected, r.slotsAfter, r.involved])).toEqual([
      [5461, 4096, 4096, true],
      [5462, 4096, 4096, true],
      [5461, 4096, 4096, true],
      [0, 4096, 4096, true],
    ]);
  });

  it('without --use-empty-masters the empty master is left out, and three even masters are within 2 %: nothing to do', () => {
    const p = planRebalance(view, req());
    expect(p.needed).toBe(false);
    expect(p.moves).toEqual([]);
    expect(p.totalWeight).toBe(3);
    expect(p.rows.find((r) => r.id === D)).toMatchObject({ involved: false, slotsNow: 0, slotsAfter: 0 });
    expect(p.rows.find((r) => r.id === B)).toMatchObject({ expected: 5461, slotsAfter: 5462 });
  });

  it('weights: A=2 of 4 takes 8,192 slots, from B (1,366) then C (1,365); a prefix of the node id names it', () => {
    const p = planRebalance(view, req({ weights: [{ name: 'A1', weight: 2 }] }));
    expect(p.totalWeight).toBe(4);
    expect(p.pairs).toEqual([
      { from: B, to: A, slots: 1366 },
      { from: C, to: A, slots: 1365 },
    ]);
    expect(p.rows.map((r) => r.slotsAfter)).toEqual([8192, 4096, 4096, 0]);
    expect(p.rows[0].weight).toBe(2);
  });

  it('weight 0 empties a master; host:port names one too; a later weight wins', () => {
    const p = planRebalance(view, req({ weights: [{ name: '127.0.0.1:7003', weight: 5 }, { name: '127.0.0.1:7003', weight: 0 }] }));
    // total 2: A and B expect 8192; C gives all 5461: 2731 to A (balance -2731), 2730 to B (-2730)
    expect(p.rows.map((r) => [r.expected, r.slotsAfter])).toEqual([
      [8192, 8192],
      [8192, 8192],
      [0, 0],
      [0, 0],
    ]);
    expect(p.pairs).toEqual([
      { from: C, to: A, slots: 2731 },
      { from: C, to: B, slots: 2730 },
    ]);
    expect(slotsFrom(p.moves, C)).toEqual(range(10923, 5461));
    expect(p.moves.filter((m) => m.to === B).map((m) => m.slot)).toEqual(range(10923 + 2731, 2730));
  });

  it('the rounding surplus goes to the masters with balance ≤ 0, in node order', () => {
    const v: ClusterView = {
      masters: [
        { id: A, address: '127.0.0.1:7001', slots: [[0, 9999]] },
        { id: B, address: '127.0.0.1:7002', slots: [[10000, 16383]] },
        { id: C, address: '127.0.0.1:7003', slots: [] },
      ],
    };
    // expected 5461 each (16383 in all): balances A 4539, B 923, C -5461, surplus 1 → C -5462
    const p = planRebalance(v, req({ useEmptyMasters: true }));
    expect(p.pairs).toEqual([
      { from: A, to: C, slots: 4539 },
      { from: B, to: C, slots: 923 },
    ]);
    expect(p.rows.map((r) => r.slotsAfter)).toEqual([5461, 5461, 5462]);
  });

  it('the threshold: a master 3 % over is rebalanced at 2 %, not at 5 %; 0 means any deviation', () => {
    const v: ClusterView = {
      masters: [
        { id: A, address: '127.0.0.1:7001', slots: [[0, 5627]] }, // 5628 against 5461 expected: 2.97 % off
        { id: B, address: '127.0.0.1:7002', slots: [[5628, 10922]] },
        { id: C, address: '127.0.0.1:7003', slots: [[10923, 16383]] },
      ],
    };
    expect(planRebalance(v, req({ threshold: 2 })).needed).toBe(true);
    expect(planRebalance(v, req({ threshold: 5 })).needed).toBe(false);
    const even = planRebalance(view, req({ threshold: 0 }));
    expect(even.needed).toBe(true);
    expect(even.pairs).toEqual([{ from: B, to: A, slots: 1 }]);
  });

  it('redis-cli\'s node order: the entry node first', () => {
    expect(entryFirst(view.masters, C).map((m) => m.id)).toEqual([C, A, B, D]);
    expect(entryFirst(view.masters, 'none').map((m) => m.id)).toEqual([A, B, C, D]);
  });

  it('refuses, in one line: an unknown node, an ambiguous prefix, a replica, an empty master without --use-empty-masters, a negative weight, all weights 0', () => {
    expect(refusal(() => planRebalance(view, req({ weights: [{ name: 'ff', weight: 2 }] })))).toMatch(/^--weight ff=2: no master of the cluster has a node id starting ff or this address/);
    expect(refusal(() => planRebalance(view, req({ weights: [{ name: '127.0.0.1:9999', weight: 2 }] })))).toMatch(/no master of the cluster/);
    const twins: ClusterView = { masters: [...view.masters, { id: 'a1'.padEnd(39, '0') + '9', address: '127.0.0.1:7009', slots: [] }] };
    expect(refusal(() => planRebalance(twins, req({ weights: [{ name: 'a1', weight: 2 }] })))).toMatch(/a1 starts 2 node ids; give more of the node id/);
    expect(refusal(() => planRebalance(view, req({ weights: [{ name: 'e1', weight: 2 }] })))).toMatch(/e1 is a replica/);
    expect(refusal(() => planRebalance(view, req({ weights: [{ name: 'd1', weight: 2 }] })))).toMatch(/holds no slots and takes part only with --use-empty-masters/);
    expect(refusal(() => planRebalance(view, req({ weights: [{ name: 'a1', weight: -1 }] })))).toMatch(/a weight is a number of 0 or more/);
    const zero = [A, B, C].map((name) => ({ name, weight: 0 }));
    expect(refusal(() => planRebalance(view, req({ weights: zero })))).toMatch(/every master taking part weighs 0/);
    for (const msg of [refusal(() => planRebalance(view, req({ weights: [{ name: 'ff', weight: 2 }] })))]) expect(msg.split('\n')).toHaveLength(1);
  });
});
