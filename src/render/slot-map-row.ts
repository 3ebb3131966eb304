// The cluster's slot map as text, one compact row per master: its name, a bar of fixed width over the 16384 slots
// (each cell a run of slots: █ all of them owned, ▌ some, · none), its slot count, its open slots in words
// (→7002 slot 5461 MIGRATING, ←7001 slot 5461 IMPORTING: never by colour alone), then its ranges in short. Pure.
import { parseSlotMigration } from '../engine/topology/parse-cluster-nodes.js';
import { pad, padLeft, slotList, slotRanges } from './format.js';

export const CLUSTER_SLOTS = 16384;

/** A master as the slot map draws it. */
export interface SlotMapMaster {
  /** the cluster's node id */
  id: string;
  /** host:port */
  address: string;
  /** the lab's or operator's label (c1 …) */
  label?: string;
  /** inclusive ranges it serves */
  slots: Array<[number, number]>;
  /** its own CLUSTER NODES markers: [93->-id] migrating, [93-<-id] importing */
  migrations: string[];
}

export const BAR_FULL = '█';
export const BAR_PART = '▌';
export const BAR_NONE = '·';

/** Slots owned in total. */
export function slotCount(ranges: Array<[number, number]>): number {
  return ranges.reduce((n, [a, b]) => n + b - a + 1, 0);
}

/** A bar `cells` wide over the 16384 slots: each cell █ when the master owns all of its slots, ▌ some, · none. */
export function slotBar(ranges: Array<[number, number]>, cells: number): string {
  const per = CLUSTER_SLOTS / cells;
  const owned = new Array<number>(cells).fill(0);
  for (const [a, b] of ranges) {
    for (let c = Math.floor(a / per); c <= Math.floor(b / per) && c < cells; c++) {
      const lo = Math.max(a, c * per);
      const hi = Math.min(b, (c + 1) * per - 1);
      if (hi >= lo) owned[c] += hi - lo + 1;
    }
  }
  return owned.map((n) => (n >= per ? BAR_FULL : n > 0 ? BAR_PART : BAR_NONE)).join('');
}

/**
 * The open slots of a master in words, one phrase per peer and direction: "→7002 slot 5461 MIGRATING",
 * "←7001 slots 93-94 IMPORTING", "→7002 slots 128-191 MIGRATING". `peerName` turns a node id into what the operator reads (its port, or host:port).
 */
export function openSlotText(migrations: string[], peerName: (id: string) => string): string[] {
  const groups = new Map<string, { state: 'migrating' | 'importing'; peer: string; slots: number[] }>();
  for (const m of migrations) {
    const p = parseSlotMigration(m);
    if (!p) continue;
    const k = `${p.state} ${p.nodeId}`;
    const g = groups.get(k) ?? { state: p.state, peer: peerName(p.nodeId), slots: [] };
    g.slots.push(p.slot);
    groups.set(k, g);
  }
  return [...groups.values()].map((g) => {
    const slots = [...g.slots].sort((a, b) => a - b);
    // as ranges (a reshard opens slots in runs of up to 64): the first three, then how many in all
    const ranges = slotList(slots).split(',');
    const list = ranges.length > 3 ? `${ranges.slice(0, 3).join(',')},…(${slots.length})` : ranges.join(',');
    return `${g.state === 'migrating' ? '→' : '←'}${g.peer} slot${slots.length === 1 ? '' : 's'} ${list} ${g.state.toUpperCase()}`;
  });
}

/** Ranges in at most `width` characters: "0-5460", "0-99,500-600,+3 more", "12 ranges"; '' when none of that fits. */
export function shortRanges(ranges: Array<[number, number]>, width: number): string {
  const all = slotRanges(ranges);
  const fit = (t: string) => (t.length <= width ? t : '');
  if (!ranges.length) return fit('(none)');
  if (all.length <= width) return all;
  for (let n = ranges.length - 1; n >= 1; n--) {
    const text = `${slotRanges(ranges.slice(0, n))},+${ranges.length - n} more`;
    if (text.length <= width) return text;
  }
  return ranges.length > 1 ? fit(`${ranges.length} ranges`) : '';
}

/** The distinct slots open (migrating or importing) among these markers. */
export function openSlotCount(migrations: string[]): number {
  return new Set(migrations.map((m) => parseSlotMigration(m)?.slot).filter((s) => s !== undefined)).size;
}

/** The bar's cells for a row `width` wide: 64 (256 slots a cell) when there is room, 32 (512 a cell) at 80 columns. */
export function barCells(width: number): number {
  return width >= 110 ? 64 : 32;
}

export interface SlotMapLayout {
  /** the name column's width */
  nameWidth: number;
  cells: number;
}

/** The name column and the bar's cells for these masters in a row `width` wide. */
export function slotMapLayout(masters: Array<Pick<SlotMapMaster, 'address' | 'label'>>, width: number): SlotMapLayout {
  const cells = barCells(width);
  const nameWidth = Math.min(24, Math.max(4, ...masters.map((m) => slotMapName(m, width).length)));
  return { nameWidth, cells };
}

/** Below this width a labelled master is named by its label alone (the topology above gives its address). */
export const NARROW = 100;

/** A master's name in the map: "c1 127.0.0.1:7000", or on a narrow row its label alone; its address when it has none. */
export function slotMapName(m: Pick<SlotMapMaster, 'address' | 'label'>, width = NARROW): string {
  if (!m.label) return m.address;
  return width < NARROW ? m.label : `${m.label} ${m.address}`;
}

/**
 * One master's row, at most `width` characters: name, bar, count, then its open slots before its ranges. `down`:
 * the topology cannot reach it (its last known slots are shown after ✗ DOWN).
 */
export function slotMapRow(m: SlotMapMaster, width: number, layout: SlotMapLayout, peerName: (id: string) => string, down = false): string {
  const head = `${pad(slotMapName(m, width), layout.nameWidth)} ${slotBar(m.slots, layout.cells)} ${padLeft(String(slotCount(m.slots)), 5)} `;
  const open = [...(down ? ['✗ DOWN'] : []), ...openSlotText(m.migrations, peerName)].join(' · ');
  const ranges = shortRanges(m.slots, Math.max(0, width - head.length - (open ? open.length + 3 : 0)));
  const tail = open ? (ranges ? `${open} · ${ranges}` : open) : ranges;
  const line = head + tail;
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

/** What a peer is called in the open-slot words: its port when every master is on one host, host:port otherwise. */
export function peerNamer(masters: Array<Pick<SlotMapMaster, 'id' | 'address'>>, others: Array<{ id: string; address: string }> = []): (id: string) => string {
  const all = [...masters, ...others];
  const hosts = new Set(all.map((m) => m.address.slice(0, m.address.lastIndexOf(':'))));
  return (id) => {
    const m = all.find((x) => x.id === id);
    if (!m) return id.slice(0, 8);
    return hosts.size === 1 ? m.address.slice(m.address.lastIndexOf(':') + 1) : m.address;
  };
}
