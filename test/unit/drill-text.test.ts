import { describe, expect, it } from 'vitest';
import type { DrillSummary, DrillTick, UnavailabilityWindow } from '../../src/engine/drill/types.js';
import { zeroCounts } from '../../src/engine/drill/types.js';
import { summaryText, tickLine, verdictLine, windowLine, windowsLine } from '../../src/render/drill-text.js';

const at = new Date(2024, 0, 1, 12, 0, 1, 234).getTime();

function tick(over: Partial<DrillTick> = {}): DrillTick {
  return {
    target: 'redis://127.0.0.1:7001',
    at: at + 2000,
    elapsedMs: 12_000,
    state: 'running',
    counts: { ...zeroCounts(), reads: 12_000, writes: 11_997, writeErrors: 3, lost: 0, unacked: 1 },
    perSecond: { reads: 1000, readErrors: 0, writes: 1000, writeErrors: 0 },
    slowestWriteMs: 2,
    windows: { count: 0, longestMs: 0, totalMs: 0, open: 0 },
    ...over,
  };
}

const window: UnavailabilityWindow = {
  id: 1,
  group: 'master',
  startedAt: at,
  firstErrorAt: at + 1,
  firstError: "127.0.0.1:7001: READONLY You can't write against a read only replica.",
  endedAt: at + 842.4,
  durationMs: 842.4,
  failedWrites: 290,
  stalledWrites: 0,
  masterBefore: '127.0.0.1:7001',
  masterAfter: '127.0.0.1:7002',
};

describe('drill text', () => {
  it('prints the per-second line of the issue', () => {
    expect(tickLine(tick())).toBe('12,000 reads (0 err) | 11,997 writes (3 err) | lost 0 | unacked 1');
    expect(tickLine(tick(), true)).toBe('12.0k reads (0 err) | 12.0k writes (3 err) | lost 0 | unacked 1');
    // below ten thousand a narrow pane writes counts as everywhere else: "1,141 err", never "1141 err"
    expect(tickLine(tick({ counts: { ...zeroCounts(), reads: 9_999, writes: 8_000, writeErrors: 1_141 } }), true)).toBe('9,999 reads (0 err) | 8,000 writes (1,141 err) | lost 0 | unacked 0');
    const open = { ...window, endedAt: undefined, durationMs: undefined };
    expect(tickLine(tick({ open }))).toMatch(/\| writes unavailable for 2000 ms$/);
  });

  it('says the windows in ms, with when, how many writes failed and where writes went', () => {
    expect(windowsLine({ count: 0, longestMs: 0, totalMs: 0, open: 0 })).toBe('write unavailability: none');
    expect(windowsLine({ count: 2, longestMs: 842.4, totalMs: 910, open: 1 })).toBe('write unavailability: 2 windows (1 still open), longest 842 ms, total 910 ms');
    expect(windowLine(window)).toBe(
      "#1 12:00:01.234 → 12:00:02.076 842 ms · 290 failed · 127.0.0.1:7001 → 127.0.0.1:7002 · first error: 127.0.0.1:7001: READONLY You can't write against a read only replica.",
    );
    expect(windowLine({ ...window, group: 'shard 127.0.0.1:7001', endedAt: undefined, durationMs: undefined }, at + 50)).toMatch(/^#1 shard 127\.0\.0\.1:7001 12:00:01\.234 → still open 50 ms so far/);
  });

  it('sums a drill up, ending with the verdict', () => {
    const s: DrillSummary = {
      mode: 'sentinel',
      target: "sentinel 127.0.0.1:26379 · master 'mymaster'",
      counters: 1000,
      prefix: 'cutover:drill:',
      rate: 1000,
      startedAt: at - 30_000,
      endedAt: at + 1000,
      durationMs: 30_100,
      counts: { ...zeroCounts(), reads: 30_000, writes: 29_700, writeErrors: 300, uncertain: 4, unacked: 2 },
      lost: 0,
      windows: { count: 1, longestMs: 842.4, totalMs: 842.4, open: 0 },
      slowestWriteMs: 12,
      windowList: [window],
      longest: window,
      masters: ['127.0.0.1:7001', '127.0.0.1:7002'],
      finalCheck: { checked: 1000, unchecked: 0 },
      reason: 'stopped',
    };
    const text = summaryText(s);
    expect(text).toContain("drill stopped · sentinel 127.0.0.1:26379 · master 'mymaster' · 30s · 1,000 counters at 1,000 writes/s");
    expect(text).toContain('write unavailability: 1 window, longest 842 ms, total 842 ms');
    expect(text).toContain('masters: 127.0.0.1:7001 → 127.0.0.1:7002');
    expect(text).toContain('  writes: 29,700 acknowledged (the slowest in 12 ms), 300 failed (4 with no reply), 0 stalled (acknowledged after the stall limit)');
    const at100 = summaryText({ ...s, stallMs: 100, rate: 0, counts: { ...s.counts, writeErrors: 1_141, stalled: 26 }, slowestWriteMs: 1_412.3 });
    expect(at100).toContain(' · 1,000 counters at the maximum rate\n');
    expect(at100).toContain('1,141 failed (4 with no reply), 26 stalled (acknowledged after the 100 ms stall limit)');
    expect(at100).not.toMatch(/\d{4} (err|failed|stalled)/);
    expect(text).toContain('lost acknowledged writes: 0 · unacked (applied, no reply): 2 · final read-back: 1,000/1,000 counters');
    expect(text.trimEnd().split('\n').at(-1)).toBe('no acknowledged write lost');
    expect(verdictLine({ ...s, lost: 3 })).toBe('LOST 3 acknowledged writes');
    expect(verdictLine({ ...s, finalCheck: { checked: 990, unchecked: 10 } })).toMatch(/10 counters could not be read back: not verified/);
  });
});
