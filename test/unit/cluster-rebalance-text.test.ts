// `cutover cluster rebalance`'s text: the table (node, id, weight, slots now and after, keys and bytes out and in),
// the moves, the "nothing to do" verdict, and the progress line and summary in rebalance's words.
import { describe, expect, it } from 'vitest';
import { planRebalance } from '../../src/engine/cluster/move/rebalance-plan.js';
import type { RebalancePreview } from '../../src/engine/cluster/move/rebalance-preview.js';
import type { ClusterView } from '../../src/engine/cluster/move/reshard-plan.js';
import { rebalancePlanText } from '../../src/render/cluster-rebalance-text.js';
import { reshardProgressLine, reshardSummaryText } from '../../src/render/cluster-reshard-text.js';

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
};
const settings = { pipeline: 1000, batchBytes: 4 * 1024 * 1024, migrateTimeoutMs: 60_000, replace: false };

/** The preview as previewRebalance makes it, with made-up counts: 1 key a slot, 100 bytes a key. */
function previewOf(useEmptyMasters: boolean): { p: RebalancePreview; moves: ReturnType<typeof planRebalance>['moves'] } {
  const plan = planRebalance(view, { weights: [], useEmptyMasters, threshold: 2 });
  const nodes = plan.rows.map((r) => ({ ...r, keysOut: 0, keysIn: 0, bytesOut: 0, bytesIn: 0 }));
  const pairs = plan.pairs.map((pair) => {
    const from = nodes.find((n) => n.id === pair.from)!;
    const to = nodes.find((n) => n.id === pair.to)!;
    from.keysOut += pair.slots;
    from.bytesOut += pair.slots * 100;
    to.keysIn += pair.slots;
    to.bytesIn += pair.slots * 100;
    return { ...pair, fromAddress: from.address, toAddress: to.address, keys: pair.slots, bytes: pair.slots * 100 };
  });
  const p = { nodes, pairs, slots: plan.moves.length, keys: plan.moves.length, bytes: plan.moves.length * 100, bytesExact: false, totalWeight: plan.totalWeight, threshold: 2, needed: plan.needed };
  return { p, moves: plan.moves };
}

describe('cluster rebalance text', () => {
  it('the table and the moves onto an empty master', () => {
    const { p, moves } = previewOf(true);
    const text = rebalancePlanText(p, moves, settings);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Rebalance: 4,096 slots (4,096 keys, ~400 KB now) across 4 masters, total weight 4, threshold 2 %');
    expect(lines[2]).toMatch(/^ {2}node +id +weight +slots now +after +keys out +keys in +bytes out +bytes in$/);
    expect(lines[3]).toMatch(/^ {2}127\.0\.0\.1:7001 +a1000000 +1 +5,461 +4,096 +1,365 +- +~133 KB +-$/);
    expect(lines[6]).toMatch(/^ {2}127\.0\.0\.1:7004 +d1000000 +1 +0 +4,096 +- +4,096 +- +~400 KB$/);
    expect(text).toContain('  1,366 slots  127.0.0.1:7002 → 127.0.0.1:7004  1,366 keys  5461-6826');
    expect(text).toContain('  1,365 slots  127.0.0.1:7001 → 127.0.0.1:7004  1,365 keys  0-1364');
    expect(text.match(/CLUSTER SETSLOT <slot> IMPORTING/g)).toHaveLength(1);
  });

  it("narrowed to the console's pane (78 columns): no id or weight, one space between the columns", () => {
    const { p, moves } = previewOf(true);
    const lines = rebalancePlanText(p, moves, settings, 78).split('\n');
    expect(lines[2]).toBe('  node           slots now  after  keys out   keys in bytes out  bytes in');
    expect(lines[3]).toBe('  127.0.0.1:7001     5,461  4,096     1,365         -   ~133 KB         -');
    expect(lines[6]).toBe('  127.0.0.1:7004         0  4,096         -     4,096         -   ~400 KB');
    for (const l of lines.slice(2, 7)) expect(l.length).toBeLessThanOrEqual(78);
    // wide enough: the command's table
    expect(rebalancePlanText(p, moves, settings, 120)).toBe(rebalancePlanText(p, moves, settings));
    const left = rebalancePlanText(previewOf(false).p, previewOf(false).moves, settings, 78);
    expect(left).toMatch(/ {2}127\.0\.0\.1:7004 +0 +0 +- +- +- +- \(left out\)/);
  });

  it('nothing to do: the verdict and the table, the empty master marked as left out', () => {
    const { p, moves } = previewOf(false);
    const text = rebalancePlanText(p, moves, settings);
    expect(text.split('\n')[0]).toBe('Rebalance: nothing to do: every master is within the 2 % threshold of its share (3 masters, total weight 3)');
    expect(text).toMatch(/127\.0\.0\.1:7004 +d1000000 +- +0 +0 .*\(no slots: left out without --use-empty-masters\)/);
    expect(text).not.toContain('Per slot');
  });

  it('the progress line and the summary in rebalance\'s words', () => {
    const totals = { slotsDone: 1024, slotsTotal: 4096, inFlight: [], keys: 3000, bytes: 1024 * 1024, elapsedMs: 2000, keysPerSec: 1500 };
    expect(reshardProgressLine(totals, 'rebalance')).toBe('Rebalancing 1,024/4,096 slots · 3,000 keys · 1.0 MB · 1,500 keys/s · ETA 6.0s');
    expect(reshardSummaryText({ status: 'done', totals: { ...totals, slotsDone: 4096 }, open: [], notStarted: 0, duplicates: [] }, 'r.jsonl', 'rebalance')).toMatch(/^rebalance done: 4,096 slots moved/);
  });
});
