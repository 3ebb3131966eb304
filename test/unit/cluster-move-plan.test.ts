// The reshard plan as redis-cli computes it (proportional shares, first rounded up, lowest slots first), its
// refusals as one line, the SETSLOT order of a slot move, and MIGRATE batches cut by bytes.
import { describe, expect, it } from 'vitest';
import { planReshard, shareOf, type ClusterView } from '../../src/engine/cluster/move/reshard-plan.js';
import { closeSteps, openSteps } from '../../src/engine/cluster/move/slot-steps.js';
import { takeBatch } from '../../src/engine/cluster/move/batches.js';
import { clusterViewOf } from '../../src/engine/cluster/move/cluster-view.js';
import { InputError } from '../../src/options/endpoint.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const D = 'd'.repeat(40);
const view: ClusterView = {
  masters: [
    { id: A, address: '127.0.0.1:7001', slots: [[0, 5460]] },
    { id: B, address: '127.0.0.1:7002', slots: [[5461, 10922]] },
    { id: C, address: '127.0.0.1:7003', slots: [[10923, 16383]] },
    { id: D, address: '127.0.0.1:7004', slots: [] },
  ],
  replicas: [{ id: 'e'.repeat(40), address: '127.0.0.1:7005' }],
};

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('not refused');
}

describe('planReshard', () => {
  it('takes each source\'s share in proportion, the biggest source first and rounded up, its lowest slots first', () => {
    const moves = planReshard(view, { to: C, from: 'all', slots: 100 });
    expect(moves).toHaveLength(100);
    // B holds 5462 slots, A 5461: B goes first with ceil(50.004) = 51, A gives floor(49.99) = 49
    expect(moves.filter((m) => m.from === B).map((m) => m.slot)).toEqual(Array.from({ length: 51 }, (_, i) => 5461 + i));
    expect(moves.filter((m) => m.from === A).map((m) => m.slot)).toEqual(Array.from({ length: 49 }, (_, i) => i));
    expect(moves[0].from).toBe(B);
    expect(moves.every((m) => m.to === C)).toBe(true);
  });

  it('moves onto an empty master from every master, about a quarter of the slots', () => {
    const moves = planReshard(view, { to: '127.0.0.1:7004', from: 'all', slots: 4096 });
    expect(moves).toHaveLength(4096);
    const per = (id: string) => moves.filter((m) => m.from === id).length;
    expect(per(A) + per(B) + per(C)).toBe(4096);
    for (const id of [A, B, C]) expect(Math.abs(per(id) - 4096 / 3)).toBeLessThan(2);
  });

  it('uses float32 shares as redis-cli does', () => {
    expect(shareOf(10, 16384, 5462, true)).toBe(4);
    expect(shareOf(10, 16384, 5461, false)).toBe(3);
  });

  it('moves exactly the slot ranges given, skipping those on the target already', () => {
    const moves = planReshard(view, { to: A, from: 'all', ranges: [[5, 6], [5460, 5462], [16383, 16383]] });
    expect(moves).toEqual([
      { slot: 5461, from: B, to: A },
      { slot: 5462, from: B, to: A },
      { slot: 16383, from: C, to: A },
    ]);
  });

  it.each([
    [{ to: C, from: 'all' as const, slots: 0 }, /^--slots 0: give a whole number of slots between 1 and 16384$/],
    [{ to: C, from: 'all' as const, slots: 20000 }, /^--slots 20000: give a whole number/],
    [{ to: 'f'.repeat(40), from: 'all' as const, slots: 1 }, /^--to f+: no master of the cluster has this node id or address/],
    [{ to: '127.0.0.1:7005', from: 'all' as const, slots: 1 }, /^--to 127\.0\.0\.1:7005 is a replica: name a master/],
    [{ to: C, from: [C], slots: 1 }, /is the --to node too/],
    [{ to: C, from: [D], slots: 1 }, /^the sources hold no slots/],
    [{ to: D, from: [A], slots: 6000 }, /^--slots 6000: the sources hold only 5461 slots; ask for at most 5461$/],
    [{ to: C, from: [A], ranges: [[5461, 5461]] as Array<[number, number]> }, /^slot 5461 is held by 127\.0\.0\.1:7002, which is not among --from/],
    [{ to: C, from: 'all' as const, ranges: [[11000, 11001]] as Array<[number, number]> }, /every slot given is on 127\.0\.0\.1:7003 already/],
    [{ to: C, from: 'all' as const, ranges: [[10, 16384]] as Array<[number, number]> }, /^--slot-ranges 10-16384: give ranges/],
  ])('refuses bad input in one line: %j', (req, wording) => {
    const msg = refusal(() => planReshard(view, req));
    expect(msg).toMatch(wording);
    expect(msg).not.toContain('\n');
  });

  it('refuses a slot that no master holds', () => {
    const holed: ClusterView = { masters: [{ id: A, address: 'h:1', slots: [[0, 9]] }, { id: B, address: 'h:2', slots: [] }] };
    expect(refusal(() => planReshard(holed, { to: B, from: 'all', ranges: [[9, 10]] }))).toMatch(/^slot 10 has no owner/);
  });
});

describe('slot steps', () => {
  it('open on the target, then the source; close on the target first, the source next, then every other master', () => {
    const mv = { slot: 42, from: A, to: C };
    const open = openSteps(mv, view.masters);
    expect(open.map((s) => [s.node, ...s.argv])).toEqual([
      ['127.0.0.1:7003', 'CLUSTER', 'SETSLOT', '42', 'IMPORTING', A],
      ['127.0.0.1:7001', 'CLUSTER', 'SETSLOT', '42', 'MIGRATING', C],
    ]);
    const close = closeSteps(mv, view.masters);
    expect(close.map((s) => s.node)).toEqual(['127.0.0.1:7003', '127.0.0.1:7001', '127.0.0.1:7002', '127.0.0.1:7004']);
    expect(close.every((s) => s.argv.join(' ') === `CLUSTER SETSLOT 42 NODE ${C}`)).toBe(true);
    for (const s of [...open, ...close]) expect(s.why.length).toBeGreaterThan(5);
  });
});

describe('MIGRATE batches', () => {
  const k = (bytes: number, i: number) => ({ key: Buffer.from(`k${i}`), bytes });
  it('cut by bytes, bounded in keys, a big key alone', () => {
    const keys = [100, 100, 100, 5000, 100, 100, 100, 100].map(k);
    const bounds = { bytes: 300, keys: 2 };
    const sizes = [];
    while (keys.length) sizes.push(takeBatch(keys, bounds).map((x) => x.bytes));
    expect(sizes).toEqual([[100, 100], [100], [5000], [100, 100], [100, 100]]);
  });
});

describe('clusterViewOf', () => {
  it('reads masters, replicas and open slots from CLUSTER NODES', () => {
    const text = [
      `${A} 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460 [5461-<-${B}]`,
      `${B} 127.0.0.1:7002@17002 master - 0 0 2 connected 5461-10922`,
      `${'e'.repeat(40)} 127.0.0.1:7005@17005 slave ${A} 0 0 1 connected`,
    ].join('\n');
    const v = clusterViewOf(text);
    expect(v.masters.map((m) => [m.address, m.slots])).toEqual([
      ['127.0.0.1:7001', [[0, 5460]]],
      ['127.0.0.1:7002', [[5461, 10922]]],
    ]);
    expect(v.replicas).toEqual([{ id: 'e'.repeat(40), address: '127.0.0.1:7005', masterId: A }]);
    expect(v.open).toEqual([`127.0.0.1:7001 [5461-<-${B}]`]);
  });
});
