// Small pure helpers over the checker's figures: a clock with sub-millisecond precision, per-second rates, and
// how a failed command is to be read (the server refused it, or its fate is unknown).
import type { DrillCounts } from './types.js';

/** Epoch milliseconds, monotonic, with sub-millisecond precision. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Rates over the interval between two snapshots, per second. */
export function perSecond(prev: DrillCounts, cur: DrillCounts, ms: number): { reads: number; readErrors: number; writes: number; writeErrors: number } {
  const f = ms > 0 ? 1000 / ms : 0;
  const r = (a: number, b: number) => Math.round((b - a) * f);
  return {
    reads: r(prev.reads, cur.reads),
    readErrors: r(prev.readErrors, cur.readErrors),
    writes: r(prev.writes, cur.writes),
    writeErrors: r(prev.writeErrors, cur.writeErrors),
  };
}

/**
 * Whether a failed write certainly was not applied: the server answered with an error (READONLY, MOVED,
 * CLUSTERDOWN, LOADING …), or the command was never sent (no connection, no offline queue). Anything else
 * (a timeout, a connection lost while waiting) leaves its fate unknown until the counter is read back.
 */
export function certainlyNotApplied(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  const msg = String(e?.message ?? err);
  if (e?.name === 'ReplyError') return true;
  if (/Stream isn't writeable|enableOfflineQueue/.test(msg)) return true;
  if (/^Too many Cluster redirections/.test(msg)) return /ReplyError|MOVED|ASK|CLUSTERDOWN|TRYAGAIN|READONLY|LOADING|MASTERDOWN/.test(msg);
  return false;
}

/** The first line of an error's message, at most 200 characters. */
export function oneLine(text: string): string {
  const line = text.split('\n')[0].trim();
  return line.length > 200 ? line.slice(0, 199) + '…' : line;
}
