// What the live writer is given: an operation (one command, or a transaction) with its ticket, and what it reports.
import type { Cmd } from '../redis/resp.js';

export interface Ticket {
  done: boolean;
  /** replication offset after the operation (-1: none) */
  offset: number;
  /** performance.now() when cutover received it; -1 for markers */
  at: number;
  /** the end of an RDB: the applied offset may move again once it is done */
  barrier?: boolean;
}

export interface WriteOp {
  /** target database (standalone) */
  db: number;
  /** several: a transaction, applied with MULTI/EXEC */
  cmds: Cmd[];
  /** per command, the key that routes it on a cluster target (undefined: keyless) */
  keys: Array<Buffer | undefined>;
  ticket?: Ticket;
  /** cluster target: a keyless command goes to every master (FUNCTION …, FLUSHDB) */
  broadcast?: boolean;
  /** ends the batch it is in: nothing after it shares its pipeline (the end of an RDB) */
  barrier?: boolean;
  /** RESTORE of an RDB key: the typed writes to use when the target cannot read the payload's format (built then; may throw) */
  fallback?: () => Cmd[] | undefined;
  /** the target refused it (it is counted as failed): what the operation missed cannot come back by itself */
  onFailed?: (message: string) => void;
  bytes: number;
  /** times it was sent again after a cluster redirection */
  attempts?: number;
  /** per command, every key it names when more than the routing one (skips after a re-read look at all of them) */
  touched?: Array<Buffer[] | undefined>;
  /**
   * the key's value is read again from the source (source db `db`): `wait` resolves once cmds holds the RESTORE (or
   * DEL) to write, and `upTo` the source's replication offset when it was read. Nothing behind it in its lane is
   * sent before that; commands on the key from the same stream up to `upTo` are then left out (the value holds them)
   */
  reread?: { db: number; key: Buffer; upTo?: number };
  wait?: Promise<void>;
  /** psync: which stream (and sync) the operation came from, and its replication offset there */
  stream?: string;
  streamOffset?: number;
}

export interface WriterCounts {
  applied: number;
  failed: number;
  fallbacks: number;
  splitTransactions: number;
  retriedBatches: number;
  /** operations sent again after MOVED/ASK/TRYAGAIN/CLUSTERDOWN from a cluster target */
  retriedOps: number;
  /** commands left out because a key's value read again from the source already held them */
  skipped: number;
}

export interface WriterHooks {
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** the target refuses cutover's connections in a way no retry changes (a password, a database it lacks) */
  fatal?(message: string): void;
  /** the target restarted (its run_id changed): what it was sent may be lost */
  onTargetRestart(): void;
  /** queued bytes went under the low-water mark (sources paused for back-pressure may go on) */
  onDrain(): void;
}
