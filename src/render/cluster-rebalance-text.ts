// `cutover cluster rebalance` as text: the table (per master: node, id, weight, slots now and after, keys and bytes
// out and in; bytes marked ~ when sampled; narrower in the console's pane), the moves redis-cli would make (from the most to give to the most to receive), and the per-slot
// command order once; or the verdict that every master is within the threshold. Pure.
import { MEASURE_KEYS, type RebalancePreview } from '../engine/cluster/move/rebalance-preview.js';
import { rangesOf } from '../engine/cluster/move/reshard-preview.js';
import type { SlotMove } from '../engine/cluster/move/types.js';
import { thousands } from '../format/counts.js';
import { bytes } from '../format/units.js';
import { slotStepLines, type MoveSettings } from './cluster-reshard-text.js';
import { pad, padLeft, slotRanges } from './format.js';

const plural = (n: number, word: string) => `${thousands(n)} ${word}${n === 1 ? '' : 's'}`;
/** a weight as redis-cli takes it (a float): 1, 2.5, 0.33 */
const weightText = (w: number) => String(Number(w.toFixed(2)));
const percent = (n: number) => `${Number(n.toFixed(2))} %`;
/** ranges shown at most this long; the journal and --json have every slot */
const RANGES_WIDTH = 60;

/**
 * The table narrowed for a terminal (the console's pane at 80 columns): the node as wide as its longest address, no
 * id and weight columns (a rebalance from the console weighs every master 1), one space between the columns.
 */
function narrowTable(p: RebalancePreview): string[] {
  const size = (n: number) => (n ? `${p.bytesExact ? '' : '~'}${bytes(n)}` : '-');
  const w = Math.max(4, ...p.nodes.map((n) => n.address.length));
  const lines = [`  ${pad('node', w)} ${padLeft('slots now', 9)} ${padLeft('after', 6)} ${padLeft('keys out', 9)} ${padLeft('keys in', 9)} ${padLeft('bytes out', 9)} ${padLeft('bytes in', 9)}`];
  for (const n of p.nodes) {
    lines.push(
      `  ${pad(n.address, w)} ${padLeft(thousands(n.slotsNow), 9)} ${padLeft(thousands(n.slotsAfter), 6)} ${padLeft(n.keysOut ? thousands(n.keysOut) : '-', 9)} ` +
        `${padLeft(n.keysIn ? thousands(n.keysIn) : '-', 9)} ${padLeft(size(n.bytesOut), 9)} ${padLeft(size(n.bytesIn), 9)}` +
        (n.involved ? '' : ' (left out)'),
    );
  }
  return lines;
}

function table(p: RebalancePreview, width = Infinity): string[] {
  const size = (n: number) => (n ? `${p.bytesExact ? '' : '~'}${bytes(n)}` : '-');
  const head = `  ${pad('node', 22)}  ${pad('id', 8)}  ${padLeft('weight', 6)}  ${padLeft('slots now', 9)}  ${padLeft('after', 6)}  ${padLeft('keys out', 9)}  ${padLeft('keys in', 9)}  ${padLeft('bytes out', 9)}  ${padLeft('bytes in', 9)}`;
  if (head.length > width) return narrowTable(p);
  const lines = [head];
  for (const n of p.nodes) {
    const left = !n.involved;
    lines.push(
      `  ${pad(n.address, 22)}  ${n.id.slice(0, 8)}  ${padLeft(left ? '-' : weightText(n.weight), 6)}  ${padLeft(thousands(n.slotsNow), 9)}  ${padLeft(thousands(n.slotsAfter), 6)}  ` +
        `${padLeft(n.keysOut ? thousands(n.keysOut) : '-', 9)}  ${padLeft(n.keysIn ? thousands(n.keysIn) : '-', 9)}  ${padLeft(size(n.bytesOut), 9)}  ${padLeft(size(n.bytesIn), 9)}` +
        (left ? '  (no slots: left out without --use-empty-masters)' : ''),
    );
  }
  return lines;
}

function rangesText(moves: SlotMove[]): string {
  const text = slotRanges(rangesOf(moves.map((m) => m.slot)));
  return text.length > RANGES_WIDTH ? `${text.slice(0, text.lastIndexOf(',', RANGES_WIDTH))},…` : text;
}

/** `width`: the columns the table may take (the console's pane); narrower than the full table, the narrow one. */
export function rebalancePlanText(p: RebalancePreview, moves: SlotMove[], o: MoveSettings, width = Infinity): string {
  const involved = p.nodes.filter((n) => n.involved).length;
  if (!p.needed) {
    return [
      `Rebalance: nothing to do: every master is within the ${percent(p.threshold)} threshold of its share (${involved} masters, total weight ${weightText(p.totalWeight)})`,
      '',
      ...table(p, width),
      '',
    ].join('\n');
  }
  const lines = [
    `Rebalance: ${plural(p.slots, 'slot')} (${plural(p.keys, 'key')}, ${p.bytesExact ? '' : '~'}${bytes(p.bytes)} now) across ${involved} masters, total weight ${weightText(p.totalWeight)}, threshold ${percent(p.threshold)}`,
    '',
    ...table(p, width),
    '',
    'Moves, as redis-cli --cluster rebalance makes them (the most to receive from the most to give):',
  ];
  let i = 0;
  for (const pair of p.pairs) {
    const these = moves.slice(i, i + pair.slots);
    i += pair.slots;
    lines.push(`  ${padLeft(plural(pair.slots, 'slot'), 12)}  ${pair.fromAddress} → ${pair.toAddress}  ${plural(pair.keys, 'key')}  ${rangesText(these)}`);
  }
  lines.push(p.bytesExact ? 'bytes: MEMORY USAGE of every key that moves' : `bytes (~): MEMORY USAGE of one key in each of up to ${thousands(MEASURE_KEYS)} moved slots a source, times the keys`, '', ...slotStepLines(o), '');
  return lines.join('\n');
}
