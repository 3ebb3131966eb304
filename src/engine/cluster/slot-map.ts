// Slot maps of a Redis Cluster as plain data: 16384 entries, each the id of the node serving that slot (or undefined).
// Pure functions, for `cutover cluster check` and the slot operations after it.
import type { ClusterNodeEntry } from '../topology/types.js';

export const SLOTS = 16384;

export type SlotMap = Array<string | undefined>;

/** Every master's slots in one view (a node's CLUSTER NODES) → slot → owner id. A slot claimed twice keeps the first. */
export function slotMapOf(view: readonly ClusterNodeEntry[]): SlotMap {
  const map: SlotMap = new Array(SLOTS).fill(undefined);
  for (const n of view) {
    if (n.role !== 'master') continue;
    for (const [a, b] of n.slots) for (let s = a; s <= b && s < SLOTS; s++) map[s] ??= n.id;
  }
  return map;
}

/** Sorted slot numbers → inclusive ranges: [1,2,3,7] → [[1,3],[7,7]]. */
export function toRanges(slots: Iterable<number>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const s of [...slots].sort((x, y) => x - y)) {
    const last = out[out.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else if (!last || s > last[1]) out.push([s, s]);
  }
  return out;
}

/** Inclusive ranges → the slot numbers in them. */
export function slotsIn(ranges: ReadonlyArray<readonly [number, number]>): number[] {
  const out: number[] = [];
  for (const [a, b] of ranges) for (let s = a; s <= b; s++) out.push(s);
  return out;
}

/** The slots no node serves. */
export function uncoveredSlots(map: SlotMap): number[] {
  const out: number[] = [];
  for (let s = 0; s < SLOTS; s++) if (map[s] === undefined) out.push(s);
  return out;
}

/** "0-5460,10923" for ranges; used in findings' sentences. */
export function rangesText(ranges: ReadonlyArray<readonly [number, number]>): string {
  return ranges.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(',');
}
