// Snapshot and verification progress as Prometheus metrics, labelled by stream and db: keys to do, keys done,
// keys a second, and the verification's differences by kind (RIOT's missing, type, value, ttl, extra).
import type { Registry } from 'prom-client';
import type { CompareCounts } from '../engine/replicate/compare.js';
import type { SnapshotCounts } from '../engine/replicate/snapshot.js';
import { gauge } from './registry.js';

export interface Progress {
  done: number;
  total: number;
  /** left as it was when not given (a summary) */
  keysPerSec?: number;
}

/** Keys the snapshot has handled: written (or would be, in a dry run), vanished, skipped or failed. */
export function snapshotDone(c: SnapshotCounts): number {
  return c.written + c.wouldWrite + c.vanished + c.skipped + c.failed;
}

export interface SnapshotMetrics {
  snapshot(stream: string, db: number, p: Progress, failed?: number): void;
  verify(stream: string, db: number, p: Progress): void;
  /** the verification's counts (progress or the end's summary): the differences found so far */
  differences(stream: string, db: number, c: CompareCounts): void;
}

const KINDS = ['missing', 'type', 'value', 'ttl', 'extra'] as const;

export function snapshotMetrics(registry: Registry): SnapshotMetrics {
  const L = ['stream', 'db'] as const;
  const keys = gauge(registry, 'cutover_snapshot_keys', 'keys in the source to copy (DBSIZE over its masters)', L);
  const done = gauge(registry, 'cutover_snapshot_keys_done', 'keys handled by the snapshot (written, vanished, skipped or failed)', L);
  const failed = gauge(registry, 'cutover_snapshot_failed_keys', 'keys the snapshot could not write', L);
  const rate = gauge(registry, 'cutover_snapshot_keys_per_second', 'snapshot keys a second since it started', L);
  const vKeys = gauge(registry, 'cutover_verify_keys', 'keys in the source to verify', L);
  const vDone = gauge(registry, 'cutover_verify_keys_done', 'keys verified (compared or vanished)', L);
  const vRate = gauge(registry, 'cutover_verify_keys_per_second', 'verification keys a second since it started', L);
  const diffs = gauge(registry, 'cutover_verify_differences', 'keys that differ between source and target, by kind (missing, type, value, ttl, extra)', [...L, 'kind']);
  return {
    snapshot(stream, db, p, failedKeys) {
      const l = { stream, db: String(db) };
      keys.set(l, p.total);
      done.set(l, p.done);
      if (p.keysPerSec !== undefined) rate.set(l, p.keysPerSec);
      if (failedKeys !== undefined) failed.set(l, failedKeys);
    },
    verify(stream, db, p) {
      const l = { stream, db: String(db) };
      vKeys.set(l, p.total);
      vDone.set(l, p.done);
      if (p.keysPerSec !== undefined) vRate.set(l, p.keysPerSec);
    },
    differences(stream, db, c) {
      for (const kind of KINDS) diffs.set({ stream, db: String(db), kind }, c[kind]);
    },
  };
}
