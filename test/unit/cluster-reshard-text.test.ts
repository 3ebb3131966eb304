// `cutover cluster reshard`'s text: the progress line (counts, bytes, keys/s, ETA from the slots' pace), the summary,
// and the preview's slot ranges.
import { describe, expect, it } from 'vitest';
import { rangesOf } from '../../src/engine/cluster/move/reshard-preview.js';
import { reshardProgressLine, reshardSummaryText } from '../../src/render/cluster-reshard-text.js';

const totals = { slotsDone: 1204, slotsTotal: 5461, inFlight: [1, 2], keys: 212_000, bytes: 38.4 * 1024 * 1024, elapsedMs: 17_000, keysPerSec: 41_000 };

describe('cluster reshard text', () => {
  it('the progress line: slots, keys, bytes, keys/s and an ETA from the pace of slots', () => {
    expect(reshardProgressLine(totals)).toBe('Resharding 1,204/5,461 slots · 212,000 keys · 38 MB · 41,000 keys/s · ETA 1m00s');
    expect(reshardProgressLine({ ...totals, slotsDone: 0, keys: 0, bytes: 0, keysPerSec: 0 })).toBe('Resharding 0/5,461 slots · 0 keys · 0 B · 0 keys/s');
    expect(reshardProgressLine({ ...totals, slotsDone: 5461 })).not.toContain('ETA');
  });

  it('the summary: done, stopped, failed with the slot left open', () => {
    const done = reshardSummaryText({ status: 'done', totals: { ...totals, slotsDone: 5461 }, open: [], notStarted: 0, duplicates: [] }, 'r.jsonl');
    expect(done).toBe('reshard done: 5,461 slots moved, 212,000 keys (38 MB) in 17s, 41,000 keys/s\njournal: r.jsonl\n');
    expect(reshardSummaryText({ status: 'stopped', totals, open: [], notStarted: 4257, duplicates: [] })).toMatch(/^reshard stopped: 1,204 slots of 5,461 moved \(212,000 keys\), 4,257 not started; no slot left open/);
    const failed = reshardSummaryText({ status: 'failed', error: 'slot 7: MIGRATE timeout', totals, open: [{ slot: 7, from: 'a:1', to: 'b:2', stage: 'keys', keysLeft: 3 }], notStarted: 10, duplicates: [] });
    expect(failed).toContain('reshard failed: slot 7: MIGRATE timeout');
    expect(failed).toContain('slot 7 left open (keys) between a:1 and b:2: 3 keys still on the source; close it with cutover cluster fix');
  });

  it('slot ranges of the preview', () => {
    expect(rangesOf([5, 3, 4, 9, 0])).toEqual([[0, 0], [3, 5], [9, 9]]);
  });
});
