// The rebalance wizard's screens as lines for the cluster pane: the form (use empty masters, threshold), the plan
// (the headless command's table, narrowed to the pane) and the line over the run. Pure.
import { REBALANCE_WORD } from '../engine/cluster/cluster-ops.js';
import { RESHARD_DEFAULTS } from '../engine/cluster/move/reshard.js';
import { rebalancePlanText } from '../render/cluster-rebalance-text.js';
import { wrapText } from '../render/format.js';
import { slotCount } from '../render/slot-map-row.js';
import { thousands } from '../format/counts.js';
import { REBALANCE_FIELDS, type RebalanceField } from '../store/rebalance-form.js';
import type { ClusterOpView } from '../store/cluster-ops.js';
import type { ViewLine } from './wizard-view.js';

function push(out: ViewLine[], text: string, width: number, style: Omit<ViewLine, 'text'> = {}, indent = '  '): void {
  for (const t of wrapText(text, width, indent)) out.push({ text: t, ...style });
}

const LABEL: Record<RebalanceField, string> = { empty: 'use empty masters', threshold: 'threshold' };

export function rebalanceFormLines(v: ClusterOpView, doc: ViewLine[], width: number): void {
  const f = v.rebalanceForm!;
  const empty = v.masters.filter((m) => slotCount(m.slots) === 0).length;
  const values: Record<RebalanceField, string> = {
    empty: `${f.useEmptyMasters ? 'yes' : 'no'} · ${empty ? `${empty} of ${v.masters.length} masters ${empty === 1 ? 'holds' : 'hold'} no slot` : `all ${v.masters.length} masters hold slots`}`,
    threshold: `${f.threshold} % · a master off its share by less: left alone`,
  };
  push(doc, 'Rebalance: even out the slots, as redis-cli --cluster rebalance (every master weighs 1); nothing changes before the plan and your typed word', width, { bold: true });
  for (const field of REBALANCE_FIELDS) {
    const on = field === f.field;
    push(doc, `${on ? '▸' : ' '} ${LABEL[field].padEnd(17)} ${values[field]}${on ? '   ←→' : ''}`, width, { bold: on }, '                    ');
  }
  if (v.message) push(doc, `${v.balanced ? '✓' : '✗'} ${v.message}`, width, { tone: v.balanced ? 'ok' : 'error' });
}

/** The plan as `cutover cluster rebalance` prints it, its table narrowed to the pane; the typed word pinned under it. */
export function rebalancePlanLines(v: ClusterOpView, doc: ViewLine[], pinned: ViewLine[], width: number, confirmField: (typed: string, width: number) => string): void {
  const r = v.rebalance!;
  const text = rebalancePlanText(r.preview, r.moves, { pipeline: RESHARD_DEFAULTS.batchKeys, batchBytes: RESHARD_DEFAULTS.batchBytes, migrateTimeoutMs: RESHARD_DEFAULTS.migrateTimeoutMs, replace: false }, width);
  text.trimEnd().split('\n').forEach((l, i) => push(doc, l, width, { bold: i === 0 }, '    '));
  push(pinned, `type ${REBALANCE_WORD} and Enter to run it · Esc: nothing changes · Tab: drill [${v.drill ? 'on' : 'off'}]`, width, { tone: 'warn', bold: true });
  pinned.push({ text: confirmField(v.typed, width) });
}

/** Over the run: "4,096 slots across 4 masters (3 moves)". */
export function rebalanceHeadLine(v: ClusterOpView): string | undefined {
  const p = v.rebalance?.preview;
  if (!p) return undefined;
  const involved = p.nodes.filter((n) => n.involved).length;
  return `${thousands(p.slots)} slot${p.slots === 1 ? '' : 's'} across ${involved} masters (${p.pairs.length} move${p.pairs.length === 1 ? '' : 's'}), ${thousands(p.keys)} keys`;
}
