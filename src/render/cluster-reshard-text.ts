// `cutover cluster reshard` as text: the plan (per source: node, slots, keys; the per-slot command order, once),
// the progress line that updates in place, and the summary. Pure.
import type { ReshardPreview } from '../engine/cluster/move/reshard-preview.js';
import type { MoveTotals, ReshardSummary } from '../engine/cluster/move/types.js';
import { thousands } from '../format/counts.js';
import { seconds } from '../format/durations.js';
import { bytes } from '../format/units.js';
import { pad, padLeft, slotRanges } from './format.js';

const plural = (n: number, word: string) => `${thousands(n)} ${word}${n === 1 ? '' : 's'}`;

export function reshardPlanText(p: ReshardPreview, o: MoveSettings): string {
  const lines = [`Reshard: ${plural(p.slots, 'slot')} (${plural(p.keys, 'key')} now) to ${p.to.address} (${p.to.id.slice(0, 8)})`, ''];
  lines.push(`  ${pad('from', 22)}  ${pad('id', 8)}  ${padLeft('slots', 6)}  ${padLeft('keys', 10)}  ranges`);
  for (const s of p.sources) lines.push(`  ${pad(s.address, 22)}  ${s.id.slice(0, 8)}  ${padLeft(thousands(s.slots), 6)}  ${padLeft(thousands(s.keys), 10)}  ${slotRanges(s.ranges)}`);
  lines.push('', ...slotStepLines(o), '');
  return lines.join('\n');
}

export interface MoveSettings {
  pipeline: number;
  batchBytes: number;
  migrateTimeoutMs: number;
  replace: boolean;
}

/** The command order of one slot move, shown once under a reshard's or a rebalance's plan. */
export function slotStepLines(o: MoveSettings): string[] {
  return [
    'Per slot, in this order (each command journaled with its reply):',
    '  1. CLUSTER SETSLOT <slot> IMPORTING <source-id>   on the target',
    '  2. CLUSTER SETSLOT <slot> MIGRATING <target-id>   on the source',
    `  3. CLUSTER GETKEYSINSLOT + MIGRATE … KEYS          on the source: up to ${thousands(o.pipeline)} keys or ${bytes(o.batchBytes)} a MIGRATE, timeout ${seconds(o.migrateTimeoutMs / 1000)}${o.replace ? ', REPLACE for keys on both sides' : ''}`,
    '  4. CLUSTER SETSLOT <slot> NODE <target-id>        on the target, then the source, then every other master',
  ];
}

/** The words of a slot-move run: reshard's, or rebalance's (the same engine). */
export type MoveWord = 'reshard' | 'rebalance';
const VERB: Record<MoveWord, string> = { reshard: 'Resharding', rebalance: 'Rebalancing' };

/** "Resharding 1,204/5,461 slots · 212,000 keys · 38 MB · 41,000 keys/s · ETA 1m02s" ("Rebalancing …" for a rebalance) */
export function reshardProgressLine(t: MoveTotals, word: MoveWord = 'reshard'): string {
  const rate = t.elapsedMs > 0 && t.slotsDone > 0 ? t.slotsDone / t.elapsedMs : 0;
  const eta = rate > 0 && t.slotsTotal > t.slotsDone ? ` · ETA ${seconds((t.slotsTotal - t.slotsDone) / rate / 1000)}` : '';
  return `${VERB[word]} ${thousands(t.slotsDone)}/${thousands(t.slotsTotal)} slots · ${thousands(t.keys)} keys · ${bytes(t.bytes)} · ${thousands(t.keysPerSec)} keys/s${eta}`;
}

export function reshardSummaryText(s: ReshardSummary, journal?: string, word: MoveWord = 'reshard'): string {
  const t = s.totals;
  const head =
    s.status === 'done'
      ? `${word} done: ${plural(t.slotsDone, 'slot')} moved, ${plural(t.keys, 'key')} (${bytes(t.bytes)}) in ${seconds(t.elapsedMs / 1000)}, ${thousands(t.keysPerSec)} keys/s`
      : s.status === 'stopped'
        ? `${word} stopped: ${plural(t.slotsDone, 'slot')} of ${thousands(t.slotsTotal)} moved (${plural(t.keys, 'key')}), ${thousands(s.notStarted)} not started; no slot left open`
        : `${word} failed: ${s.error ?? 'unknown error'}; ${plural(t.slotsDone, 'slot')} of ${thousands(t.slotsTotal)} moved, ${thousands(s.notStarted)} not started`;
  const lines = [head];
  for (const o of s.open) {
    lines.push(`  slot ${o.slot} left open (${o.stage}) between ${o.from} and ${o.to}${o.keysLeft !== undefined ? `: ${plural(o.keysLeft, 'key')} still on the source` : ''}; close it with cutover cluster fix`);
  }
  for (const d of s.duplicates) {
    if (d.identical.length) lines.push(`  slot ${d.slot}: ${plural(d.identical.length, 'key')} on both sides with equal values, settled`);
    if (d.different.length) lines.push(`  slot ${d.slot}: ${plural(d.different.length, 'key')} on both sides with different values${d.replaced ? ', overwritten with the source\'s (--replace)' : ''}: ${d.different.join(', ')}`);
  }
  if (journal) lines.push(`journal: ${journal}`);
  return lines.join('\n') + '\n';
}
