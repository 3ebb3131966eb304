// Shared by the drill's integration tests.
import { expect } from 'vitest';
import type { DrillSummary } from '../../src/engine/drill/types.js';

/**
 * The summary's figures agree with each other: one definition of "stalled" (acknowledged after the stall limit,
 * from the operation's start) and one clock for it, the slowest write and the windows' counts.
 */
export function figuresAgree(s: DrillSummary): void {
  const stall = s.stallMs ?? 100;
  const inWindows = s.windowList.reduce((a, w) => ({ stalled: a.stalled + w.stalledWrites, failed: a.failed + w.failedWrites }), { stalled: 0, failed: 0 });
  expect(inWindows.stalled).toBeLessThanOrEqual(s.counts.stalled);
  expect(inWindows.failed).toBeLessThanOrEqual(s.counts.writeErrors);
  if (s.counts.stalled > 0) expect(s.slowestWriteMs).toBeGreaterThanOrEqual(stall);
  else expect(s.slowestWriteMs).toBeLessThanOrEqual(stall);
}
