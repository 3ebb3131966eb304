// Live replication's options, meters and events: plain data shared by the engine, the store and the headless output.
import type { ScanOptions } from '../replicate/scan.js';
import type { CompareSummary } from '../replicate/compare.js';
import type { SnapshotSummary } from '../replicate/snapshot.js';

export type LiveMode = 'live' | 'liveonly';
export type LiveSource = 'psync' | 'notifications';

export interface LiveOptions {
  mode: LiveMode;
  liveSource: LiveSource;
  /** key filters (include/exclude/slots; MATCH/TYPE apply to the snapshot's SCAN only) */
  scan: ScanOptions;
  /** every database (standalone): db N of the source into db N of the target; otherwise the source's db only */
  allDbs: boolean;
  /** forward FLUSHALL/FLUSHDB (always reported), and flush before a full resync's RDB after the first */
  allowFlush: boolean;
  /** --checkpoint FILE: replid and applied offset of each stream, saved every second and at stop */
  checkpoint?: string;
  /** notifications: --event-queue capacity (distinct keys waiting) */
  eventQueue: number;
  eventOrder: 'fifo' | 'priority';
  /** notifications: how often the queue is read and written (ms) */
  flushIntervalMs: number;
  /** notifications: CONFIG SET notify-keyspace-events on the source when they are off */
  enableNotifications: boolean;
  /** no change applied for this long: verify as compare does, then end (ms) */
  idleTimeoutMs?: number;
  /** verify whenever the stream has been idle for idleTimeoutMs (or 2 s), and go on */
  verifyOnIdle: boolean;
  /** psync: apply the RDB as it arrives (no temporary file, no whole-file check first; Redis's repl-diskless-load) */
  disklessLoad?: boolean;
  /**
   * --check-extra: the verification also counts keys only the target has. It does so anyway once something may
   * have left such keys (a full resync, or a FLUSH, that did not flush the target)
   */
  checkExtra?: boolean;
  /** --show-diffs: the verification lists each differing key (up to 1000) */
  showDiffs?: boolean;
  /** snapshot part (mode live with notifications) */
  type: 'dump' | 'struct';
  readBatch: number;
  readThreads: number;
  readQueue: number;
  writeBatch: number;
  targetPool: number;
  ttlToleranceMs: number;
  /**
   * --mem-limit, bytes: psync reads an RDB key whose record passes it in pieces (DEL, elements, TTL last), never
   * whole (8 MB when unset); the snapshot and the verification copy and compare keys above it in chunks
   */
  memLimitBytes?: number;
  /** what REPLCONF listening-port announces; 0 marks the stream as cutover's in INFO replication */
  listeningPort: number;
  /** tests: the PSYNC client's REPLCONF ACK period */
  ackIntervalMs?: number;
}

/** One figure set a second: the console's Listening line and the NDJSON `live` event. */
export interface LiveStats {
  phase: 'snapshot' | 'sync' | 'streaming' | 'verifying' | 'stopping';
  source: LiveSource;
  /** psync: the sources' master_repl_offset (summed over a cluster's masters) */
  sourceOffset: number;
  /** psync: replication offset received */
  receivedOffset: number;
  /** psync: offset of the last command the target acknowledged (everything before it applied too) */
  appliedOffset: number;
  /** sourceOffset − appliedOffset, bytes */
  lagBytes: number;
  /** event age at apply time over the last 10 s, ms (receipt by cutover → target's reply) */
  ageP50Ms?: number;
  ageP99Ms?: number;
  /** commands (psync) or keys (notifications) waiting to be written */
  queueDepth: number;
  /** applied per second over the last second */
  opsPerSec: number;
  /** totals */
  applied: number;
  rdbKeys: number;
  /** RDB keys too big to hold, written in pieces (also in rdbKeys) */
  rdbBigKeys: number;
  filtered: number;
  failed: number;
  /** psync: RDB keys whose RESTORE the target refused for its format, written as typed commands instead (set by the job) */
  fallbacks?: number;
  fullResyncs: number;
  partialResyncs: number;
  reconnects: number;
  flushes: number;
  splitTransactions: number;
  /** notifications */
  events: number;
  droppedEvents: number;
  overflows: number;
  /** ms since the last change was applied */
  idleMs: number;
  streams: number;
}

export type LiveEvent =
  | { type: 'stats'; stats: LiveStats }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'snapshot-progress'; done: number; total: number; keysPerSec: number }
  | { type: 'snapshot-done'; summary: SnapshotSummary }
  | { type: 'verify-progress'; done: number; total: number; keysPerSec: number }
  | { type: 'verify-done'; summary: CompareSummary; db: number; targetDb: number }
  | { type: 'done'; summary: LiveSummary };

export interface LiveSummary {
  stats: LiveStats;
  elapsedMs: number;
  stopped: boolean;
  /** why it ended: stopped by the operator, idle-timeout, or a failure */
  reason: 'stopped' | 'idle' | 'failed';
  error?: string;
  /** the source refused the stream before anything was written (PSYNC renamed away or forbidden) */
  refused?: boolean;
  verify?: CompareSummary;
  snapshot?: SnapshotSummary;
}
