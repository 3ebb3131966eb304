// The console's rebalance wizard (B) on a Redis Cluster at 80×24 with an empty master: the form (use empty masters,
// threshold) with the arrows, nothing to do under it, the plan's table and the typed word, the run with the slot bar
// and its figures, x, the outcome in rebalance's words; refused with --read-only. Each key sent as an intent.
import { afterEach, describe, expect, it } from 'vitest';
import { planRebalance } from '../../src/engine/cluster/move/rebalance-plan.js';
import type { RebalancePreview } from '../../src/engine/cluster/move/rebalance-preview.js';
import type { ClusterNodeEntry, NodeState, TopologyEvent } from '../../src/engine/topology/types.js';
import type { MoveTotals } from '../../src/engine/cluster/move/types.js';
import { until } from './helpers.js';
import { fits, mountConsole, readable } from './mount-console.js';

const id = (c: string) => c.repeat(40);
const SHAPE: Array<[string, number, Array<[number, number]>]> = [
  [id('a'), 7001, [[0, 5460]]],
  [id('b'), 7002, [[5461, 10922]]],
  [id('c'), 7003, [[10923, 16383]]],
  [id('d'), 7004, []],
];
const self = (cid: string, port: number, slots: Array<[number, number]>): ClusterNodeEntry => ({
  id: cid, host: '127.0.0.1', port, flags: ['myself', 'master'], myself: true, role: 'master', pingSent: 0, pongRecv: 0, configEpoch: 1, linkState: 'connected', failing: null, slots, slotMigrations: [],
});
const NODES: NodeState[] = SHAPE.map(([cid, port, slots], i) => ({
  id: `127.0.0.1:${port}`, host: '127.0.0.1', port, role: 'master', status: 'up', label: i < 3 ? `c${i + 1}` : 'spare1', offset: 100, keys: slots.length ? 1000 : 0,
  server: { redisVersion: '7.0.15', redisMode: 'cluster' }, cluster: { self: self(cid, port, slots), state: 'ok' },
}));
const events = (): TopologyEvent[] => [
  { type: 'deployment', info: { kind: 'cluster', entry: ['redis://127.0.0.1:7001'], redisVersion: '7.0.15', intervalMs: 1000 } },
  ...NODES.map((n) => ({ type: 'node' as const, node: n })),
  { type: 'poll', at: Date.now(), durationMs: 3 },
];

/** The plan as the engine reads it: redis-cli's pairs onto the empty master, 3 keys a slot, 450 bytes a key. */
function planned(): { preview: RebalancePreview; moves: ReturnType<typeof planRebalance>['moves'] } {
  const plan = planRebalance({ masters: SHAPE.map(([cid, port, slots]) => ({ id: cid, address: `127.0.0.1:${port}`, slots })) }, { weights: [], useEmptyMasters: true, threshold: 2 });
  const nodes = plan.rows.map((r) => ({ ...r, keysOut: 0, keysIn: 0, bytesOut: 0, bytesIn: 0 }));
  const pairs = plan.pairs.map((pair) => {
    const from = nodes.find((n) => n.id === pair.from)!;
    const to = nodes.find((n) => n.id === pair.to)!;
    from.keysOut += pair.slots * 3;
    to.keysIn += pair.slots * 3;
    from.bytesOut += pair.slots * 1350;
    to.bytesIn += pair.slots * 1350;
    return { ...pair, fromAddress: from.address, toAddress: to.address, keys: pair.slots * 3, bytes: pair.slots * 1350 };
  });
  const preview = { nodes, pairs, slots: plan.moves.length, keys: plan.moves.length * 3, bytes: plan.moves.length * 1350, bytesExact: true, totalWeight: plan.totalWeight, threshold: 2, needed: true };
  return { preview, moves: plan.moves };
}

function mount(o: { readOnly?: boolean } = {}) {
  return mountConsole(events(), o);
}

const totals = (p: Partial<MoveTotals>): MoveTotals => ({ slotsDone: 0, slotsTotal: 4096, inFlight: [], keys: 0, bytes: 0, elapsedMs: 0, keysPerSec: 0, ...p });

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

describe('B: the rebalance wizard at 80×24', () => {
  it('form, nothing to do, plan, typed word, run with its figures, x, outcome', async () => {
    const m = mount();
    cleanup = m.unmount;
    await until(() => m.frame().includes('Slots ·'), 'the console');
    m.type('B');
    await until(() => m.frame().includes('Rebalance · choose'), 'the form');
    // an empty master: it takes part first
    expect(m.frame()).toMatch(/▸ use empty masters yes · 1 of 4 masters holds no slot +←→/);
    expect(m.frame()).toMatch(/ {2}threshold {9}2 % · a master off its share by less: left alone/);
    expect(m.frame()).toContain('Enter plan (reads only)');
    fits(m.frame());
    m.type('\x1b[C');
    await until(() => /▸ use empty masters no/.test(m.frame()), 'no');
    m.type('\x1b[B');
    await until(() => /▸ threshold {9}2 %/.test(m.frame()), 'the threshold line');
    m.type('\x1b[C');
    await until(() => /▸ threshold {9}3 %/.test(m.frame()), '3 %');
    m.type('\r');
    await until(() => m.asked.includes('plan rebalance empty=no threshold=3'), 'the plan asked for');
    await until(() => m.frame().includes('Rebalance · reading the plan'), 'planning');
    m.feed([{ type: 'rebalance-balanced', at: Date.now(), message: 'nothing to do: 3 masters, each within 3 % of its share (1 without slots left out: use empty masters yes takes it in); nothing was changed' }]);
    await until(() => m.frame().includes('Rebalance · choose'), 'back to the form');
    expect(readable(m.frame())).toContain('✓ nothing to do: 3 masters, each within 3 % of its share (1 without slots left out: use empty masters yes takes it in); nothing was changed');
    fits(m.frame());

    m.type('\x1b[A');
    m.type('\x1b[C');
    await until(() => /▸ use empty masters yes/.test(m.frame()), 'yes again');
    expect(m.frame()).not.toContain('nothing to do');
    m.type('\r');
    await until(() => m.asked.includes('plan rebalance empty=yes threshold=3'), 'the plan asked for again');
    const { preview, moves } = planned();
    m.feed([{ type: 'rebalance-plan', preview, moves, at: Date.now() }]);
    await until(() => m.frame().includes('type rebalance and Enter to run it'), 'the confirmation');
    let f = m.frame();
    expect(f).toContain('Rebalance · waiting for you');
    expect(readable(f)).toContain('Rebalance: 4,096 slots (12,288 keys, 5.3 MB now) across 4 masters, total weight 4, threshold 2 %');
    // the headless table, narrowed to the pane
    expect(f).toMatch(/│ {2}node {11}slots now {2}after {2}keys out {3}keys in bytes out {2}bytes in +│/);
    expect(f).toMatch(/│ {2}127\.0\.0\.1:7001 {5}5,461 {2}4,096 {5}4,095 {9}- {4}1\.8 MB {9}- +│/);
    expect(f).toMatch(/│ {2}127\.0\.0\.1:7004 {9}0 {2}4,096 {9}- {4}12,288 {9}- {4}5\.3 MB +│/);
    fits(f);
    // ↓ scrolls to the moves
    for (let i = 0; i < 6; i++) m.type('\x1b[B');
    await until(() => m.frame().includes('127.0.0.1:7002 → 127.0.0.1:7004'), 'the moves');
    m.type('\t');
    await until(() => m.frame().includes('[on]'), 'drill on');
    m.type('rebalance');
    await until(() => m.frame().includes('> rebalance▌'), 'typed');
    fits(m.frame());
    m.type('\r');
    await until(() => m.asked.includes('answer reshard rebalance'), 'the word sent');

    const at = Date.now();
    m.feed([
      { type: 'reshard-confirmed', drill: true, at },
      { type: 'reshard-started', journal: '/tmp/cutover-rebalance-x.jsonl', at },
      { type: 'reshard', event: { type: 'progress', totals: totals({ slotsDone: 1024, inFlight: [0, 1, 2, 5461], keys: 3072, bytes: 4 * 1024 * 1024, elapsedMs: 1000, keysPerSec: 3072 }) } },
    ]);
    await until(() => m.frame().includes('Rebalance · running'), 'running');
    f = m.frame();
    expect(f).toContain('4,096 slots across 4 masters (3 moves), 12,288 keys');
    expect(f).toMatch(/Slots █+░+ 25% 1,024\/4,096/);
    expect(f).toContain('3,072 keys · 4.0 MB · 3,072 keys/s · 4.0 MB/s · ETA 3.0s');
    expect(f).toContain('in flight: slots 0-2, 5461');
    expect(f).toContain('x stop after the slots in hand');
    fits(f);
    m.type('x');
    await until(() => m.asked.includes('stop reshard'), 'stop asked');
    m.feed([{ type: 'reshard', event: { type: 'summary', summary: { status: 'done', totals: totals({ slotsDone: 4096, keys: 12_288, bytes: 5.3 * 1024 * 1024, elapsedMs: 2300, keysPerSec: 5342 }), open: [], notStarted: 0, duplicates: [] } } }]);
    await until(() => m.frame().includes('Rebalance · done'), 'done');
    expect(readable(m.frame())).toContain('rebalance done: 4,096 slots moved, 12,288 keys (5.3 MB) in 2.3s, 5,342 keys/s');
    expect(m.frame()).toContain('journal /tmp/cutover-rebalance-x.jsonl · Esc closes');
    fits(m.frame());
    m.type('\x1b');
    await until(() => !m.frame().includes('Rebalance ·'), 'closed');
  });

  it('Esc on the form changes nothing and asks nothing', async () => {
    const m = mount();
    cleanup = m.unmount;
    await until(() => m.frame().includes('Slots ·'), 'the console');
    m.type('B');
    await until(() => m.frame().includes('Rebalance · choose'), 'the form');
    m.type('\x1b');
    await until(() => !m.frame().includes('Rebalance ·'), 'closed');
    expect(m.asked).toEqual([]);
  });

  it('the ? help lists B among the cluster keys, each on a line of its own', async () => {
    const m = mount();
    cleanup = m.unmount;
    await until(() => m.frame().includes('Slots ·'), 'the console');
    m.type('?');
    await until(() => m.frame().includes('Help · keys'), 'help open');
    for (const k of ['C', 'R', 'B', 'x', 'q']) expect(m.frame()).toMatch(new RegExp(`│${k} +\\S`));
    expect(m.frame()).toMatch(/│B +rebalance wizard/);
    fits(m.frame());
  });

  it('with --read-only, B is refused in one line', async () => {
    const m = mount({ readOnly: true });
    cleanup = m.unmount;
    await until(() => m.frame().includes('Slots ·'), 'the console');
    m.type('B');
    await until(() => m.frame().includes('read-only: rebalance (B) is disabled (started with --read-only)'), 'refused');
    expect(m.frame()).not.toContain('Rebalance ·');
    expect(m.asked).toEqual([]);
  });
});
