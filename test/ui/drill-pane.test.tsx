import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { DrillPane, drillPaneHeight } from '../../src/ui/panes/DrillPane.js';
import { Ctx, type ConsoleContext } from '../../src/ui/context.js';
import { themeFor } from '../../src/ui/theme.js';
import { foldDrill, newDrillView, type DrillView } from '../../src/store/drill.js';
import { zeroCounts, type DrillEvent, type DrillSummary, type DrillTick, type UnavailabilityWindow } from '../../src/engine/drill/types.js';
import { strip } from './helpers.js';

const t0 = new Date(2024, 0, 1, 12, 0, 0, 0).getTime();
const TARGET = "sentinel 127.0.0.1:26379 · master 'mymaster'";

function tick(over: Partial<DrillTick> = {}): DrillTick {
  return {
    target: TARGET,
    at: t0 + 12_000,
    elapsedMs: 12_000,
    state: 'running',
    counts: { ...zeroCounts(), reads: 12_000, writes: 11_990, writeErrors: 10 },
    perSecond: { reads: 1000, readErrors: 0, writes: 1000, writeErrors: 0 },
    slowestWriteMs: 3,
    master: '127.0.0.1:7001',
    windows: { count: 0, longestMs: 0, totalMs: 0, open: 0 },
    ...over,
  };
}

const opened: UnavailabilityWindow = {
  id: 1,
  group: 'master',
  startedAt: t0 + 10_000,
  firstErrorAt: t0 + 10_001,
  firstError: "127.0.0.1:7001: READONLY You can't write against a read only replica.",
  failedWrites: 1,
  stalledWrites: 0,
  masterBefore: '127.0.0.1:7001',
};
const closed: UnavailabilityWindow = { ...opened, endedAt: t0 + 10_842, durationMs: 842, failedWrites: 290, masterAfter: '127.0.0.1:7002' };

function summary(over: Partial<DrillSummary> = {}): DrillSummary {
  return {
    mode: 'sentinel',
    target: TARGET,
    counters: 1000,
    prefix: 'cutover:drill:',
    rate: 1000,
    startedAt: t0,
    endedAt: t0 + 20_000,
    durationMs: 20_000,
    counts: { ...zeroCounts(), reads: 20_000, writes: 19_700, writeErrors: 300 },
    lost: 0,
    windows: { count: 1, longestMs: 842, totalMs: 842, open: 0 },
    slowestWriteMs: 12,
    windowList: [closed],
    longest: closed,
    masters: ['127.0.0.1:7001', '127.0.0.1:7002'],
    finalCheck: { checked: 1000, unchecked: 0 },
    reason: 'stopped',
    ...over,
  };
}

const ctx = { theme: themeFor({ NO_COLOR: '1' }) } as ConsoleContext;

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function draw(drill: DrillView | undefined, now: number, width = 80, height = 8): string[] {
  const r = render(
    <Ctx.Provider value={ctx}>
      <DrillPane width={width} height={height} now={now} drill={drill} />
    </Ctx.Provider>,
  );
  cleanup = r.unmount;
  const lines = strip(r.lastFrame()).split('\n');
  for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
  expect(lines.length).toBeLessThanOrEqual(height);
  return lines;
}

const fold = (events: DrillEvent[]) => events.reduce(foldDrill, newDrillView('', t0));

describe('drill pane', () => {
  it('says when no drill has run', () => {
    expect(draw(undefined, t0).join('\n')).toContain('no drill running');
  });

  it('shows a running drill: where it writes, the per-second line, no window yet', () => {
    const f = draw(fold([{ type: 'tick', tick: tick() }]), t0 + 12_500).join('\n');
    expect(f).toContain('Drill · running');
    expect(f).toContain(`running · 12s · 1000 writes/s → 127.0.0.1:7001 · sentinel 127.0.0.1:26379`);
    expect(f).toContain('12.0k reads (0 err) | 12.0k writes (10 err) | lost 0 | unacked 0');
    expect(f).toContain('write unavailability: none');
  });

  it('says in words, bold, that writes are unavailable now, and for how long', () => {
    const view = fold([
      { type: 'tick', tick: tick() },
      { type: 'window', phase: 'opened', window: opened },
    ]);
    const f = draw(view, t0 + 10_850).join('\n');
    expect(f).toContain("✗ WRITES UNAVAILABLE for 850 ms (since 12:00:10.000): 127.0.0.1:7001: READON");
  });

  it('lists closed windows newest first, with their length in ms', () => {
    const view = fold([
      { type: 'tick', tick: tick() },
      { type: 'window', phase: 'opened', window: opened },
      { type: 'window', phase: 'closed', window: closed },
      { type: 'tick', tick: tick({ windows: { count: 1, longestMs: 842, totalMs: 842, open: 0 } }) },
    ]);
    expect(view.windows).toHaveLength(1);
    const f = draw(view, t0 + 13_000).join('\n');
    expect(f).toContain('write unavailability: 1 window, longest 842 ms, total 842 ms');
    expect(f).toContain('#1 842 ms from 12:00:10.000 · 290 failed · 127.0.0.1:7001 → 127.0.0.1:7002');
    expect(drillPaneHeight(view)).toBe(6);
  });

  it('ends with the verdict: nothing lost, or how many acknowledged writes were lost', () => {
    const ok = draw(fold([{ type: 'done', summary: summary() }]), t0 + 30_000, 100, 9).join('\n');
    expect(ok).toContain('Drill · done');
    expect(ok).toContain('✓ no acknowledged write lost');
    expect(ok).toContain('#1 842 ms from 12:00:10.000');
    const lost = draw(fold([{ type: 'done', summary: summary({ lost: 998, counts: { ...zeroCounts(), writes: 13_926, lost: 998 } }) }]), t0 + 30_000, 100, 9).join('\n');
    expect(lost).toContain('✗ LOST 998 acknowledged writes');
    expect(lost).toContain('lost 998');
  });

  it('shows a drill that could not start', () => {
    const view = fold([{ type: 'done', summary: summary({ reason: 'failed', error: 'connection refused at 127.0.0.1:7001: is Redis running there?', windowList: [], windows: { count: 0, longestMs: 0, totalMs: 0, open: 0 } }) }]);
    const f = draw(view, t0).join('\n');
    expect(f).toContain('Drill · FAILED');
    expect(f).toContain('✗ connection refused at 127.0.0.1:7001');
  });
});
