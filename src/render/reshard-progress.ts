// A reshard's figures while it runs, for the console's cluster pane: how far (slots), how fast (keys/s, MB/s), how
// long still (ETA from the slots' pace, as the headless progress line). Pure.
import type { MoveTotals } from '../engine/cluster/move/types.js';
import { thousands } from '../format/counts.js';
import { seconds } from '../format/durations.js';
import { bytes, rate } from '../format/units.js';

export interface ReshardFigures {
  /** slots done / total, 0..1 */
  fraction: number;
  keysPerSec: number;
  bytesPerSec: number;
  /** seconds left at the pace so far; undefined before the first slot or when done */
  etaSec?: number;
}

export function reshardFigures(t: MoveTotals): ReshardFigures {
  const fraction = t.slotsTotal > 0 ? Math.min(1, t.slotsDone / t.slotsTotal) : 0;
  const bytesPerSec = t.elapsedMs > 0 ? (t.bytes * 1000) / t.elapsedMs : 0;
  const pace = t.elapsedMs > 0 && t.slotsDone > 0 ? t.slotsDone / t.elapsedMs : 0;
  const etaSec = pace > 0 && t.slotsTotal > t.slotsDone ? (t.slotsTotal - t.slotsDone) / pace / 1000 : undefined;
  return { fraction, keysPerSec: t.keysPerSec, bytesPerSec, etaSec };
}

/** "Slots ██████░░░░ 45% 450/1,000": the bar `cells` wide. */
export function slotProgressBar(t: MoveTotals, cells: number): string {
  const f = reshardFigures(t).fraction;
  const full = Math.floor(f * cells);
  return `Slots ${'█'.repeat(full)}${'░'.repeat(Math.max(0, cells - full))} ${Math.floor(f * 100)}% ${thousands(t.slotsDone)}/${thousands(t.slotsTotal)}`;
}

/** "1,204 keys · 3.2 MB · 41,000 keys/s · 1.2 MB/s · ETA 3.0s" (no ETA once it ended) */
export function reshardFiguresLine(t: MoveTotals, running = true): string {
  const f = reshardFigures(t);
  return `${thousands(t.keys)} keys · ${bytes(t.bytes)} · ${thousands(f.keysPerSec)} keys/s · ${rate(f.bytesPerSec)}${running && f.etaSec !== undefined ? ` · ETA ${seconds(f.etaSec)}` : ''}`;
}
