// Shapes of the slot-move engine: the cluster's masters as a plan sees them, one slot move, the options of a
// reshard, and the typed events it tells its listeners. Plain data: no ioredis, no terminal.
import type { NodeId } from '../../failover/types.js';

/** A master of the cluster, as CLUSTER NODES gives it. */
export interface ClusterMaster {
  /** the cluster's node id (40 hex characters) */
  id: string;
  /** host:port, the address MIGRATE and the connections use */
  address: NodeId;
  /** inclusive slot ranges it owns */
  slots: Array<[number, number]>;
}

/** One slot to move from one master to another. */
export interface SlotMove {
  slot: number;
  /** node ids */
  from: string;
  to: string;
}

export interface ReshardOptions {
  /** groups moved at once, each from a different source master (default 4) */
  concurrency?: number;
  /** slots a group (one source, one target) moves together: one write a node for each SETSLOT step (default 64) */
  groupSlots?: number;
  /** a MIGRATE carries keys up to about this many bytes (MEMORY USAGE), default 4 MiB; a bigger key goes alone */
  batchBytes?: number;
  /** and at most this many keys (default 1000) */
  batchKeys?: number;
  /** MIGRATE's own timeout, ms (redis-cli's --cluster-timeout; default 60000) */
  migrateTimeoutMs?: number;
  /** a key on both sides with different values is overwritten with the source's (redis-cli's --cluster-replace) */
  replace?: boolean;
  /** no write of MIGRATEs blocks a source longer than about this, at the MIGRATE rate seen so far (default 100 ms) */
  maxBlockMs?: number;
  /** how long a group whose source or target went away waits for the cluster to fail it over (default 30 s) */
  failoverWaitMs?: number;
}

/** A duplicate key found on both sides of a MIGRATE (an interrupted earlier move): compared before anything else. */
export interface DuplicateKeys {
  slot: number;
  /** printable key names whose values are equal on both sides: settled with MIGRATE REPLACE */
  identical: string[];
  /** printable key names whose values differ */
  different: string[];
  /** the different ones were overwritten with the source's copy (replace) */
  replaced: boolean;
}

export interface MoveTotals {
  slotsDone: number;
  slotsTotal: number;
  /** slots being moved right now */
  inFlight: number[];
  keys: number;
  /** MEMORY USAGE of the keys moved */
  bytes: number;
  elapsedMs: number;
  keysPerSec: number;
}

/** A slot left migrating/importing (a move that failed midway): what `fix` has to close. */
export interface OpenSlot {
  slot: number;
  from: NodeId;
  to: NodeId;
  /** the step it stopped at */
  stage: 'importing' | 'migrating' | 'keys' | 'node';
  /** keys still on the source when it stopped, if known */
  keysLeft?: number;
}

export type ReshardStatus = 'done' | 'stopped' | 'failed';

export interface ReshardSummary {
  status: ReshardStatus;
  totals: MoveTotals;
  /** the first error, one line */
  error?: string;
  /** slots not closed (failed midway); empty after done or stopped */
  open: OpenSlot[];
  /** slots of the plan not started (stopped or failed) */
  notStarted: number;
  duplicates: DuplicateKeys[];
}

export type MoveEvent =
  /** a slot-change command was sent (SETSLOT …): journaled the same way */
  | { type: 'command'; slot: number; node: NodeId; command: string[]; reply?: unknown; error?: string; ms: number; why: string }
  | { type: 'slot-start'; slot: number; from: NodeId; to: NodeId; at: number }
  | { type: 'batch'; slot: number; keys: number; bytes: number; ms: number }
  | { type: 'slot-done'; slot: number; from: NodeId; to: NodeId; keys: number; bytes: number; ms: number }
  | { type: 'slot-failed'; slot: number; from: NodeId; to: NodeId; error: string; open: OpenSlot }
  | { type: 'duplicates'; duplicates: DuplicateKeys }
  | { type: 'progress'; totals: MoveTotals }
  | { type: 'note'; text: string; at: number }
  /** a source or target master was replaced by its replica mid-reshard: the plan goes on against the new master */
  | { type: 'failover'; role: 'source' | 'target'; old: NodeId; now: NodeId; slots: number[]; at: number }
  | { type: 'summary'; summary: ReshardSummary };
