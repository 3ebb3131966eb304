// The masters' table: slots served, keys, memory, replicas, and each one's deviation from the balanced share
// (16384 / masters, empty masters included: they are where a rebalance with --use-empty-masters moves slots). Pure.
import type { MasterRow } from './check-types.js';
import type { ClusterPicture } from './picture.js';
import { replicasOf } from './replicas.js';
import { SLOTS, toRanges, type SlotMap } from './slot-map.js';

/** Masters of the reference view, in slot order (empty ones last); a master flagged fail that serves nothing is left out. */
export function masterRows(p: ClusterPicture, map: SlotMap): { rows: MasterRow[]; share: number } {
  const masters = [...p.byId.values()].filter((n) => n.role === 'master' && (!n.failing || map.includes(n.id)));
  const share = masters.length ? SLOTS / masters.length : SLOTS;
  const rows = masters.map((n): MasterRow => {
    const slots: number[] = [];
    map.forEach((owner, s) => owner === n.id && slots.push(s));
    const r = p.readingOf(n.id);
    return {
      id: n.id,
      address: p.addressOf(n.id),
      slots: slots.length,
      ranges: toRanges(slots),
      keys: r?.keys,
      memoryBytes: r?.memoryBytes,
      replicas: replicasOf(p, n.id).inService,
      deviationPct: Math.round(((slots.length - share) / share) * 1000) / 10,
    };
  });
  const first = (row: MasterRow) => (row.ranges.length ? row.ranges[0][0] : SLOTS);
  rows.sort((a, b) => first(a) - first(b));
  return { rows, share: Math.round(share * 10) / 10 };
}
