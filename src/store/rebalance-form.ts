// The rebalance wizard's form (B), as the store keeps it: two lines, `use empty masters` (yes/no) and `threshold`
// (percent), changed with the arrow keys; what it asks the engine to plan. Pure.
import type { RebalanceAsk } from '../engine/cluster/cluster-ops.js';
import { REBALANCE_THRESHOLD } from '../engine/cluster/move/rebalance-plan.js';
import { slotCount, type SlotMapMaster } from '../render/slot-map-row.js';

/** The form's lines, in order. */
export const REBALANCE_FIELDS = ['empty', 'threshold'] as const;
export type RebalanceField = (typeof REBALANCE_FIELDS)[number];

/** The highest threshold the form offers, percent. */
export const MAX_THRESHOLD = 100;

export interface RebalanceForm {
  field: RebalanceField;
  /** --use-empty-masters */
  useEmptyMasters: boolean;
  /** --threshold, percent */
  threshold: number;
}

/** The first form: empty masters take part when some master holds no slot; redis-cli's threshold (2 %). */
export function newRebalanceForm(masters: SlotMapMaster[]): RebalanceForm {
  return { field: 'empty', useEmptyMasters: masters.some((m) => slotCount(m.slots) === 0), threshold: REBALANCE_THRESHOLD };
}

/** ↑↓: the line above or below. */
export function moveRebalanceField(f: RebalanceForm, delta: number): RebalanceForm {
  const i = REBALANCE_FIELDS.indexOf(f.field);
  return { ...f, field: REBALANCE_FIELDS[Math.max(0, Math.min(REBALANCE_FIELDS.length - 1, i + delta))] };
}

/** ←→: yes/no on the first line, the threshold ±1 % on the second (0 to 100); PgUp/PgDn do nothing here. */
export function changeRebalanceField(f: RebalanceForm, delta: number): RebalanceForm {
  if (Math.abs(delta) >= 100 || delta === 0) return f;
  if (f.field === 'empty') return { ...f, useEmptyMasters: !f.useEmptyMasters };
  return { ...f, threshold: Math.max(0, Math.min(MAX_THRESHOLD, f.threshold + Math.sign(delta))) };
}

/** What the form asks the engine to plan; a line saying what to change instead when it cannot be asked. */
export function rebalanceAskOf(f: RebalanceForm, masters: SlotMapMaster[]): RebalanceAsk | { error: string } {
  const involved = masters.filter((m) => f.useEmptyMasters || slotCount(m.slots) > 0);
  if (involved.length < 2) return { error: 'fewer than two masters take part: a rebalance needs two (use empty masters yes takes in those without slots)' };
  return { kind: 'rebalance', useEmptyMasters: f.useEmptyMasters, threshold: f.threshold };
}
