// What a reshard will move, before it moves anything: per source master, its slots (as ranges) and the keys they
// hold now (CLUSTER COUNTKEYSINSLOT, one pipeline a source). Read-only; knows nothing of terminals.
import type { RespPool } from '../../redis/resp-pool.js';
import type { ClusterMaster, SlotMove } from './types.js';

export interface PreviewSource {
  id: string;
  address: string;
  /** slots this source gives */
  slots: number;
  ranges: Array<[number, number]>;
  /** keys in those slots now */
  keys: number;
}

export interface ReshardPreview {
  to: { id: string; address: string };
  sources: PreviewSource[];
  slots: number;
  keys: number;
}

/** Sorted slots → inclusive ranges. Pure. */
export function rangesOf(slots: number[]): Array<[number, number]> {
  const sorted = [...slots].sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else out.push([s, s]);
  }
  return out;
}

/** The moves grouped by source, in the plan's order, with the keys of each slot counted on its source. */
export async function previewReshard(masters: ClusterMaster[], moves: SlotMove[], pool: RespPool): Promise<ReshardPreview> {
  const byId = new Map(masters.map((m) => [m.id, m]));
  const bySource = new Map<string, number[]>();
  for (const mv of moves) bySource.set(mv.from, [...(bySource.get(mv.from) ?? []), mv.slot]);
  const sources = await Promise.all(
    [...bySource].map(async ([id, slots]): Promise<PreviewSource> => {
      const address = byId.get(id)!.address;
      const p = (await pool.get(address)).pipeline();
      for (const s of slots) p.call('CLUSTER', ['COUNTKEYSINSLOT', s]);
      const replies = await p.exec();
      let keys = 0;
      for (const [err, n] of replies) {
        if (err) throw new Error(`CLUSTER COUNTKEYSINSLOT on ${address}: ${err.message}`);
        keys += Number(n);
      }
      return { id, address, slots: slots.length, ranges: rangesOf(slots), keys };
    }),
  );
  const to = byId.get(moves[0].to)!;
  return { to: { id: to.id, address: to.address }, sources, slots: moves.length, keys: sources.reduce((s, x) => s + x.keys, 0) };
}
