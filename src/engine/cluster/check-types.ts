// What `cutover cluster check` finds, as data: the masters' table and one finding per problem. The engine's sentences
// are plain words (no layout); render/cluster-check-text.ts lays them out, --json prints them as they are.

/** problem: exit 1; warning: shown, exit 0 (a risk, not a fault); note: context for the operator */
export type Severity = 'problem' | 'warning' | 'note';

export type FindingKind =
  | 'unreachable'
  | 'cluster-state'
  | 'fail'
  | 'pfail'
  | 'uncovered'
  | 'claimed-twice'
  | 'open-slot'
  | 'slot-map-disagreement'
  | 'role-disagreement'
  | 'keys-in-unowned-slots'
  | 'no-replica'
  | 'replica-same-host'
  | 'one-host';

export interface Finding {
  severity: Severity;
  kind: FindingKind;
  /** one sentence, addresses as host:port, never a password */
  text: string;
  /** the node it is about (host:port), when it is about one */
  node?: string;
  slots?: Array<[number, number]>;
}

export interface OpenSlot {
  slot: number;
  /** host:port of a node that has it MIGRATING, the node it migrates to, and the keys still in the slot there */
  migrating: Array<{ node: string; to: string; keysLeft: number }>;
  /** host:port of a node that has it IMPORTING, the node it imports from, and the keys already there */
  importing: Array<{ node: string; from: string; keys: number }>;
}

export interface MasterRow {
  id: string;
  address: string;
  slots: number;
  ranges: Array<[number, number]>;
  /** DBSIZE; undefined when the node did not answer */
  keys?: number;
  memoryBytes?: number;
  replicas: number;
  /** (slots − balanced share) / balanced share, in percent, one decimal; the share is 16384 / masters */
  deviationPct: number;
}

export interface CheckReport {
  /** no finding of severity problem */
  ok: boolean;
  /** how many nodes the cluster has, and how many answered */
  nodes: number;
  answered: number;
  /** 16384 / masters */
  balancedShare: number;
  masters: MasterRow[];
  uncovered: Array<[number, number]>;
  openSlots: OpenSlot[];
  findings: Finding[];
}
