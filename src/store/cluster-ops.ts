// The console's cluster operation as the store keeps it: a check and its report, or the reshard or rebalance wizard
// (the form built with the arrow keys, the plan, the typed word, the run's totals and notes, the summary). Pure: the
// engine's events folded one at a time, and the reshard form's edits as functions of the form (the rebalance form's
// are in rebalance-form.ts).
import type { CheckReport } from '../engine/cluster/check-types.js';
import type { ClusterOpEvent, ReshardAsk } from '../engine/cluster/cluster-ops.js';
import type { RebalancePreview } from '../engine/cluster/move/rebalance-preview.js';
import type { ReshardPreview } from '../engine/cluster/move/reshard-preview.js';
import type { MoveTotals, ReshardSummary, SlotMove } from '../engine/cluster/move/types.js';
import { CLUSTER_SLOTS, slotCount, type SlotMapMaster } from '../render/slot-map-row.js';
import { newRebalanceForm, type RebalanceForm } from './rebalance-form.js';

export type ClusterOpPhase =
  /** check */
  | 'checking'
  | 'checked'
  | 'check-failed'
  /** reshard or rebalance: the operator's choices, the plan being read, the typed word, the run */
  | 'form'
  | 'planning'
  | 'confirm'
  | 'starting'
  | 'running'
  | 'done'
  | 'stopped'
  | 'failed'
  | 'declined'
  | 'error';

/** The phases after which Esc closes the pane (and C, R or B may open another). */
export const CLUSTER_OP_ENDED: ReadonlySet<ClusterOpPhase> = new Set(['checked', 'check-failed', 'done', 'stopped', 'failed', 'declined', 'error']);

/** The form's lines, in order: the target, the sources, how many slots. */
export const FORM_FIELDS = ['to', 'from', 'slots'] as const;
export type FormField = (typeof FORM_FIELDS)[number];

export interface ReshardForm {
  field: FormField;
  /** node id of the target master */
  to: string;
  /** 'all', or the node id of one source */
  from: string;
  slots: number;
  /** digits are being typed into the slot count (the next digit appends) */
  typing: boolean;
}

export interface ClusterOpView {
  kind: 'check' | 'reshard' | 'rebalance';
  phase: ClusterOpPhase;
  startedAt: number;
  /** check: the node it reads from, then its report */
  entry?: string;
  report?: CheckReport;
  /** what went wrong, or why the choices cannot be planned (shown under the form) */
  message?: string;
  /** rebalance: the message under the form says there is nothing to do (not an error) */
  balanced?: boolean;
  /** reshard and rebalance: the masters to choose from (as the store saw them when R or B was pressed) */
  masters: SlotMapMaster[];
  form?: ReshardForm;
  preview?: ReshardPreview;
  /** the rebalance wizard's form, then its plan (the table) and its moves (for their ranges) */
  rebalanceForm?: RebalanceForm;
  rebalance?: { preview: RebalancePreview; moves: SlotMove[] };
  /** the word typed at the confirmation */
  typed: string;
  /** a drill alongside (Tab at the confirmation) */
  drill: boolean;
  totals?: MoveTotals;
  /** slots that failed, in words */
  failed: string[];
  notes: string[];
  summary?: ReshardSummary;
  journal?: string;
  /** when the word was typed */
  confirmedAt?: number;
  /** when the first slot started moving */
  runningSince?: number;
  endedAt?: number;
}

export function newCheckView(at: number, entry?: string): ClusterOpView {
  return { kind: 'check', phase: 'checking', startedAt: at, entry, masters: [], typed: '', drill: false, failed: [], notes: [] };
}

/** The slots a master lacks towards the balanced share (16384 / masters), at least 1: the form's first count. */
export function lacking(masters: SlotMapMaster[], to: string): number {
  const m = masters.find((x) => x.id === to);
  const share = Math.floor(CLUSTER_SLOTS / Math.max(1, masters.length));
  return Math.max(1, share - (m ? slotCount(m.slots) : 0));
}

/**
 * The reshard wizard's first screen: the target is the selected master (or the one with the fewest slots), from
 * every other master, the slots it lacks towards the balanced share.
 */
export function newReshardView(masters: SlotMapMaster[], at: number, selectedId?: string): ClusterOpView {
  const fewest = [...masters].sort((a, b) => slotCount(a.slots) - slotCount(b.slots))[0];
  const to = masters.find((m) => m.id === selectedId)?.id ?? fewest?.id ?? '';
  return {
    kind: 'reshard',
    phase: 'form',
    startedAt: at,
    masters,
    form: { field: 'to', to, from: 'all', slots: lacking(masters, to), typing: false },
    typed: '',
    drill: false,
    failed: [],
    notes: [],
  };
}

/** The rebalance wizard's first screen: use empty masters when some master holds no slot, threshold 2 %. */
export function newRebalanceView(masters: SlotMapMaster[], at: number): ClusterOpView {
  return { kind: 'rebalance', phase: 'form', startedAt: at, masters, rebalanceForm: newRebalanceForm(masters), typed: '', drill: false, failed: [], notes: [] };
}

/** The sources the form offers for a target: 'all', then each other master that has slots. */
export function sourceChoices(masters: SlotMapMaster[], to: string): string[] {
  return ['all', ...masters.filter((m) => m.id !== to && slotCount(m.slots) > 0).map((m) => m.id)];
}

/** The slots the chosen sources hold: the most the form allows. */
export function sourceSlots(masters: SlotMapMaster[], f: Pick<ReshardForm, 'to' | 'from'>): number {
  return masters.filter((m) => m.id !== f.to && (f.from === 'all' || m.id === f.from)).reduce((n, m) => n + slotCount(m.slots), 0);
}

const cycle = <T>(list: readonly T[], at: T, delta: number): T => {
  if (!list.length) return at;
  const i = Math.max(0, list.indexOf(at));
  return list[(((i + delta) % list.length) + list.length) % list.length];
};

const clampSlots = (n: number) => Math.max(0, Math.min(CLUSTER_SLOTS, n));

/** ↑↓: the line above or below. */
export function moveField(f: ReshardForm, delta: number): ReshardForm {
  const i = FORM_FIELDS.indexOf(f.field);
  return { ...f, field: FORM_FIELDS[Math.max(0, Math.min(FORM_FIELDS.length - 1, i + delta))], typing: false };
}

/** ←→ (±1) and PgUp/PgDn (±100, on the slot count): change the focused line. */
export function changeField(f: ReshardForm, masters: SlotMapMaster[], delta: number): ReshardForm {
  // PgUp/PgDn: always the slot count
  if (Math.abs(delta) >= 100) return { ...f, field: 'slots', slots: Math.max(1, clampSlots(f.slots + delta)), typing: false };
  switch (f.field) {
    case 'to': {
      const to = cycle(
        masters.map((m) => m.id),
        f.to,
        Math.sign(delta),
      );
      // a new target: the sources start again from all, the count from what it lacks
      return { ...f, to, from: 'all', slots: lacking(masters, to), typing: false };
    }
    case 'from':
      return { ...f, from: cycle(sourceChoices(masters, f.to), f.from, Math.sign(delta)), typing: false };
    case 'slots':
      return { ...f, slots: Math.max(1, clampSlots(f.slots + delta)), typing: false };
  }
}

/** A digit typed: onto the slot count (the focused line moves there); anything else is ignored. */
export function typeDigits(f: ReshardForm, text: string): ReshardForm {
  const digits = text.replace(/\D/g, '');
  if (!digits) return f;
  const start = f.typing ? String(f.slots) : '';
  return { ...f, field: 'slots', slots: clampSlots(Number((start + digits).slice(0, 5))), typing: true };
}

/** Backspace: the slot count's last digit goes. */
export function eraseDigit(f: ReshardForm): ReshardForm {
  if (f.field !== 'slots') return f;
  return { ...f, slots: Math.floor(f.slots / 10), typing: true };
}

/** What the form asks the engine to plan; a line saying what to change instead when it cannot be asked. */
export function askOf(f: ReshardForm, masters: SlotMapMaster[]): ReshardAsk | { error: string } {
  if (!masters.some((m) => m.id === f.to)) return { error: 'no master to move slots to: wait for the topology to show the cluster, then R' };
  const held = sourceSlots(masters, f);
  if (held === 0) return { error: 'the sources hold no slots: choose other sources (←→ on from)' };
  if (f.slots < 1 || f.slots > held) return { error: `slots: give a whole number from 1 to ${held} (what the sources hold)` };
  return { kind: 'reshard', to: f.to, from: f.from === 'all' ? 'all' : [f.from], slots: f.slots };
}

function foldMove(v: ClusterOpView, e: Extract<ClusterOpEvent, { type: 'reshard' }>['event']): ClusterOpView {
  switch (e.type) {
    case 'progress':
      return { ...v, totals: e.totals };
    case 'note':
      return { ...v, notes: [...v.notes, e.text].slice(-10) };
    case 'slot-failed':
      return { ...v, failed: [...v.failed, `slot ${e.slot} ${e.from} → ${e.to}: ${e.error}`].slice(-10) };
    case 'duplicates':
      return e.duplicates.different.length
        ? { ...v, notes: [...v.notes, `slot ${e.duplicates.slot}: ${e.duplicates.different.length} key(s) on both sides with different values${e.duplicates.replaced ? ', overwritten' : ''}`].slice(-10) }
        : v;
    case 'summary':
      return { ...v, phase: e.summary.status, summary: e.summary, totals: e.summary.totals, endedAt: (v.runningSince ?? v.startedAt) + e.summary.totals.elapsedMs };
    default:
      return v;
  }
}

/** Folds one engine event into the view; events of no operation on screen change nothing. */
export function foldClusterOp(v: ClusterOpView | undefined, e: ClusterOpEvent): ClusterOpView | undefined {
  switch (e.type) {
    case 'cluster-check-started':
      return newCheckView(e.at, e.entry);
    case 'cluster-check-done':
      return v?.kind === 'check' ? { ...v, phase: 'checked', report: e.report, endedAt: e.at } : v;
    case 'cluster-check-failed':
      return v?.kind === 'check' ? { ...v, phase: 'check-failed', message: e.message, endedAt: e.at } : v;
    case 'log':
      return v;
  }
  if (v?.kind !== 'reshard' && v?.kind !== 'rebalance') return v;
  switch (e.type) {
    case 'reshard-plan':
      return v.kind === 'reshard' ? { ...v, phase: 'confirm', preview: e.preview, typed: '', message: undefined, balanced: undefined } : v;
    case 'rebalance-plan':
      return v.kind === 'rebalance' ? { ...v, phase: 'confirm', rebalance: { preview: e.preview, moves: e.moves }, typed: '', message: undefined, balanced: undefined } : v;
    case 'rebalance-balanced':
      // back to the choices: nothing to do, said under them
      return v.kind === 'rebalance' ? { ...v, phase: 'form', message: e.message, balanced: true } : v;
    case 'reshard-refused':
      // back to the choices, with the reason under them
      return { ...v, phase: 'form', message: e.message, balanced: undefined };
    case 'reshard-declined':
      return { ...v, phase: 'declined', endedAt: e.at };
    case 'reshard-confirmed':
      return { ...v, phase: 'starting', typed: '', confirmedAt: e.at };
    case 'reshard-started':
      return { ...v, phase: 'running', journal: e.journal, runningSince: e.at };
    case 'reshard-error':
      return { ...v, phase: 'error', message: e.message, endedAt: e.at };
    case 'reshard':
      return foldMove(v, e.event);
  }
}
