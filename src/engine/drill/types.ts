// The consistency checker's vocabulary: its options, the figures it keeps, its windows of unavailability, its events.
import type { LogEntry } from '../topology/types.js';

export type DrillMode = 'standalone' | 'sentinel' | 'cluster';
export type DrillState = 'connecting' | 'running' | 'stopping' | 'done' | 'failed';

/** Running totals since the start. */
export interface DrillCounts {
  /** GETs answered */
  reads: number;
  readErrors: number;
  /** INCRs acknowledged */
  writes: number;
  /** INCRs that failed: an error reply, no reply within the timeout, the connection lost */
  writeErrors: number;
  /** of writeErrors, those sent with no reply at all (timeout, connection lost): they may have been applied */
  uncertain: number;
  /**
   * acknowledged INCRs whose operation (read back, then INCR) took longer than the stall limit: the same measure,
   * on the same clock (the checker's own blind time left out), as the slowest write and the windows' stalled writes
   */
  stalled: number;
  /** acknowledged increments missing when the counter was read back (a value lower than expected) */
  lost: number;
  /** increments found on read-back that were never acknowledged (a value higher than expected) */
  unacked: number;
}

export function zeroCounts(): DrillCounts {
  return { reads: 0, readErrors: 0, writes: 0, writeErrors: 0, uncertain: 0, stalled: 0, lost: 0, unacked: 0 };
}

/**
 * One stretch of write unavailability for one group of counters (the master; or, on a cluster, one shard's slots):
 * from the moment the first failed (or stalled) write was sent to the moment the first write sent after it was
 * acknowledged. Times are epoch milliseconds with sub-millisecond precision.
 */
export interface UnavailabilityWindow {
  id: number;
  /** 'master', or on a cluster the shard as 'slots of host:port' (its master when the drill started) */
  group: string;
  /** when the first failed or stalled write was sent */
  startedAt: number;
  /** when that write was known to have failed: its error reply, or the stall limit passed */
  firstErrorAt: number;
  /** the first error, one line (redacted) */
  firstError: string;
  /** when the first write sent after startedAt was acknowledged; undefined while the window is open */
  endedAt?: number;
  /** endedAt - startedAt, in ms; undefined while open (in a summary, a window still open counts up to the end) */
  durationMs?: number;
  /** writes of the window that failed (one past the stall limit that then failed counts here) */
  failedWrites: number;
  /** writes of the window acknowledged only after the stall limit (counted when acknowledged: part of counts.stalled) */
  stalledWrites: number;
  /** the node the window's first failed or stalled write was sent to, and the one that took the write that closed it */
  masterBefore?: string;
  masterAfter?: string;
}

/** The aggregate of every window, however many were kept. */
export interface WindowTotals {
  count: number;
  longestMs: number;
  totalMs: number;
  /** windows still open (writes failing or stalled now) */
  open: number;
}

/** The per-second report. */
export interface DrillTick {
  /** what the drill writes to, redacted */
  target: string;
  at: number;
  elapsedMs: number;
  state: DrillState;
  counts: DrillCounts;
  /** in the last second */
  perSecond: { reads: number; readErrors: number; writes: number; writeErrors: number };
  /** the slowest acknowledged write since the last tick, ms */
  slowestWriteMs: number;
  /** where writes go now (a cluster: the masters) */
  master?: string;
  windows: WindowTotals;
  /** the oldest window still open, if writes are failing or stalled now */
  open?: UnavailabilityWindow;
}

export interface DrillSummary {
  mode: DrillMode;
  /** what the checker was pointed at, redacted */
  target: string;
  counters: number;
  prefix: string;
  /** writes a second asked for; 0 = the maximum rate (`--rate max`) */
  rate: number;
  /** the stall limit the figures were judged against, ms */
  stallMs?: number;
  startedAt: number;
  endedAt: number;
  durationMs: number;
  counts: DrillCounts;
  /** acknowledged writes lost: counts.lost */
  lost: number;
  windows: WindowTotals;
  /** the slowest acknowledged write of the drill, ms */
  slowestWriteMs: number;
  /** the windows kept (the most recent, at most a hundred), oldest first */
  windowList: UnavailabilityWindow[];
  longest?: UnavailabilityWindow;
  /** every master writes went to, in order (capped) */
  masters: string[];
  /** the read-back of every counter at the end */
  finalCheck: { checked: number; unchecked: number };
  /** why it ended */
  reason: 'duration' | 'stopped' | 'failed';
  error?: string;
}

export type DrillLogEntry = LogEntry;

export type DrillEvent =
  | { type: 'tick'; tick: DrillTick }
  | { type: 'window'; phase: 'opened' | 'closed'; window: UnavailabilityWindow }
  | { type: 'log'; entry: DrillLogEntry }
  | { type: 'done'; summary: DrillSummary };
