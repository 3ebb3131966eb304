// Windows of write unavailability, per group of counters (the master; a cluster shard), from write outcomes.
// Pure: times come in as arguments. A window opens at the send time of the first write that failed (or was still
// unanswered after the stall limit), and closes at the acknowledgement of the first write sent after that moment.
// Memory is bounded: the most recent windows are kept, the totals cover all of them.
import type { UnavailabilityWindow, WindowTotals } from './types.js';

export type WindowChange = { phase: 'opened' | 'closed'; window: UnavailabilityWindow };

interface Group {
  open?: UnavailabilityWindow;
  /** end of the group's last closed window */
  lastEnd: number;
  /** latest send time of an acknowledged write */
  lastOkSent: number;
}

export class WindowTracker {
  private readonly groups = new Map<string, Group>();
  private readonly kept: UnavailabilityWindow[] = [];
  private nextId = 1;
  private closedCount = 0;
  private longestMs = 0;
  private totalMs = 0;
  /** failures that belonged to a window already closed (sent before writes were accepted again) */
  absorbed = 0;
  longest?: UnavailabilityWindow;

  constructor(private readonly keep = 100) {}

  private group(name: string): Group {
    let g = this.groups.get(name);
    if (!g) {
      g = { lastEnd: -Infinity, lastOkSent: -Infinity };
      this.groups.set(name, g);
    }
    return g;
  }

  /**
   * A write sent at `sentAt` failed, or was still unanswered after the stall limit, as known at `at`.
   * `stalled`: it had not failed, it was slow; it opens (or joins) the window but is counted only once its fate is
   * known (count(): acknowledged late, or failed). A failure is counted at once. `node`: where the write was sent.
   * Returns the window the write belongs to (undefined when its stretch is already measured).
   */
  bad(group: string, sentAt: number, at: number, reason: string, stalled: boolean, node?: string): { changes: WindowChange[]; window?: UnavailabilityWindow } {
    const g = this.group(group);
    if (g.open) {
      if (!stalled) g.open.failedWrites++;
      // a failure reported late, sent before the window's start and after the last sign of health: start earlier
      if (sentAt < g.open.startedAt && sentAt > Math.max(g.lastEnd, g.lastOkSent)) g.open.startedAt = sentAt;
      return { changes: [], window: g.open };
    }
    // sent before a write that was accepted, or inside the last window: that stretch is already measured
    if (sentAt <= g.lastEnd || sentAt < g.lastOkSent) {
      this.absorbed++;
      return { changes: [] };
    }
    const w: UnavailabilityWindow = {
      id: this.nextId++,
      group,
      startedAt: sentAt,
      firstErrorAt: at,
      firstError: reason,
      failedWrites: stalled ? 0 : 1,
      stalledWrites: 0,
      masterBefore: node,
    };
    g.open = w;
    this.kept.push(w);
    if (this.kept.length > this.keep) this.kept.shift();
    return { changes: [{ phase: 'opened', window: w }], window: w };
  }

  /** A write of `window` (flagged stalled in it) is settled now: acknowledged after the stall limit, or failed. */
  count(window: UnavailabilityWindow, outcome: 'stalled' | 'failed'): void {
    if (outcome === 'stalled') window.stalledWrites++;
    else window.failedWrites++;
  }

  /** A write sent at `sentAt` was acknowledged at `ackAt` (by `master`). Closes the group's window if it was sent in it. */
  ok(group: string, sentAt: number, ackAt: number, master?: string): WindowChange[] {
    const g = this.group(group);
    if (sentAt > g.lastOkSent) g.lastOkSent = sentAt;
    const w = g.open;
    if (!w || sentAt < w.startedAt) return [];
    w.endedAt = Math.max(ackAt, w.startedAt);
    w.durationMs = w.endedAt - w.startedAt;
    w.masterAfter = master;
    g.open = undefined;
    g.lastEnd = w.endedAt;
    this.closedCount++;
    this.totalMs += w.durationMs;
    if (w.durationMs > this.longestMs || !this.longest) {
      this.longestMs = Math.max(this.longestMs, w.durationMs);
      this.longest = w;
    }
    return [{ phase: 'closed', window: w }];
  }

  /** Windows still open, oldest first. */
  openWindows(): UnavailabilityWindow[] {
    return [...this.groups.values()].flatMap((g) => (g.open ? [g.open] : [])).sort((a, b) => a.startedAt - b.startedAt);
  }

  /** The kept windows, oldest first (open ones included). */
  list(): UnavailabilityWindow[] {
    return [...this.kept];
  }

  /**
   * Totals. An open window counts up to `now` in the longest and the total when `now` is given
   * (the summary of a drill that ends while writes fail).
   */
  totals(now?: number): WindowTotals {
    const open = this.openWindows();
    let longestMs = this.longestMs;
    let totalMs = this.totalMs;
    if (now !== undefined) {
      for (const w of open) {
        const ms = Math.max(0, now - w.startedAt);
        longestMs = Math.max(longestMs, ms);
        totalMs += ms;
      }
    }
    return { count: this.closedCount + open.length, longestMs, totalMs, open: open.length };
  }
}
