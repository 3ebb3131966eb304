// `cutover cluster reshard` as text: the plan (per source: node, slots, keys; the per-slot command order, once),
// the progress line that updates in place, and the summary. Pure.
import type { ReshardPreview } from '../engine/cluster/move/reshard-preview.js';
import { MIGRATE_BYTES_PER_SEC, type BigKeyLimits, type BigKeyReport } from '../engine/cluster/move/big-keys.js';
import type { ResumePlan } from '../engine/cluster/move/resume-plan.js';
import type { MoveTotals, ReshardSummary } from '../engine/cluster/move/types.js';
import { thousands } from '../format/counts.js';
import { seconds, typedDuration } from '../format/durations.js';
import { bytes, rate } from '../format/units.js';
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

/** The big keys of the moved slots: the biggest first, each with the time its MIGRATE blocks both nodes; those past --max-block flagged. */
export function bigKeysText(r: BigKeyReport, l: BigKeyLimits): string {
  const scan = `${plural(r.scanned, 'key')} sized in ${seconds(r.ms / 1000)}`;
  if (!r.count) return `Big keys: none of ${bytes(r.threshold)} or more in these slots (${scan})\n\n`;
  const lines = [
    `Big keys: ${plural(r.count, 'key')} of ${bytes(r.threshold)} or more (${bytes(r.bytes)} in all; ${scan}); a MIGRATE blocks the source and the target for about size ÷ ${rate(MIGRATE_BYTES_PER_SEC)}:`,
    `  ${padLeft('slot', 5)}  ${pad('source', 22)}  ${padLeft('size', 8)}  ${padLeft('blocks', 8)}  key`,
  ];
  for (const k of r.keys) {
    const warn = k.overMaxBlock ? `   ! over --max-block ${typedDuration(l.maxBlockMs)}` : '';
    lines.push(`  ${padLeft(String(k.slot), 5)}  ${pad(k.address, 22)}  ${padLeft(bytes(k.bytes), 8)}  ${padLeft(`~${seconds(k.blockMs / 1000)}`, 8)}  ${k.key}${warn}`);
  }
  if (r.count > r.keys.length) lines.push(`  … and ${plural(r.count - r.keys.length, 'more key')} (the ${thousands(r.keys.length)} biggest shown)`);
  if (r.overMaxBlock) lines.push(`  ${plural(r.overMaxBlock, 'key')} would block both nodes longer than --max-block ${typedDuration(l.maxBlockMs)}`);
  return lines.join('\n') + '\n\n';
}

/** One line: why a reshard with keys past --max-block does not start. */
export function bigKeysRefusal(r: BigKeyReport, l: BigKeyLimits, word: 'reshard' | 'rebalance' = 'reshard'): string {
  const k = r.keys[0];
  const one = r.overMaxBlock === 1;
  // a rebalance has no --slot-ranges: its plan is computed, not chosen
  const leaveOut = word === 'reshard' ? `, or leave ${one ? 'its slot' : 'their slots'} out with --slot-ranges` : ` or raise --max-block`;
  const raise = word === 'reshard' ? ', raise --max-block' : '';
  return `${plural(r.overMaxBlock, 'key')} would block both nodes longer than --max-block ${typedDuration(l.maxBlockMs)} (the biggest: ${k.key} in slot ${k.slot}, ${bytes(k.bytes)}, about ${seconds(k.blockMs / 1000)}): move ${one ? 'it' : 'them'} at a quiet time with --allow-big-keys${raise}${leaveOut}; nothing was changed`;
}

/** What a resumed reshard found: the slots of the journal's plan done, still to move, open, or owned by another master now. */
export function resumeText(r: ResumePlan, journal: string): string {
  const lines = [`Resume of ${journal} (${r.procedure}, started ${r.startedAt ?? 'at an unknown time'}${r.ended ? `, ended ${r.ended}` : ', no end line: stopped or killed'}):`];
  lines.push(`  ${plural(r.planned, 'slot')} planned: ${thousands(r.done.length)} done, ${thousands(r.moves.length)} still to move`);
  for (const e of r.elsewhere) lines.push(`  slot${e.slots.length === 1 ? '' : 's'} ${slotRanges(e.ranges)} now on ${e.owner}, neither the planned source nor the target: left as they are`);
  for (const u of r.unowned) lines.push(`  slot ${u}: no master serves it now: left as it is (cutover cluster fix --to ID assigns it)`);
  return lines.join('\n') + '\n\n';
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
