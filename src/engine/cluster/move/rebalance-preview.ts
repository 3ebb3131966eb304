// What a rebalance will move, before it moves anything: per master, the keys that leave and arrive (CLUSTER
// COUNTKEYSINSLOT of every moved slot on its source, one pipeline a source) and the bytes, estimated from the
// source's INFO memory used_memory_dataset over its DBSIZE. Read-only; knows nothing of terminals.
import type { RespPool } from '../../redis/resp-pool.js';
import { parseInfoSections } from '../../topology/parse-info.js';
import type { RebalancePair, RebalancePlan, RebalanceRow } from './rebalance-plan.js';

export interface RebalanceNode extends RebalanceRow {
  keysOut: number;
  keysIn: number;
  /** estimated: keys × the source's dataset bytes a key */
  bytesOut: number;
  bytesIn: number;
}

export interface RebalancePreviewPair extends RebalancePair {
  fromAddress: string;
  toAddress: string;
  keys: number;
  bytes: number;
}

export interface RebalancePreview {
  nodes: RebalanceNode[];
  pairs: RebalancePreviewPair[];
  slots: number;
  keys: number;
  /** an estimate (used_memory_dataset / DBSIZE per source), not MEMORY USAGE of each key */
  bytes: number;
  totalWeight: number;
  threshold: number;
  needed: boolean;
}

/** Counts the keys of every moved slot on its source and estimates their bytes. */
export async function previewRebalance(plan: RebalancePlan, pool: RespPool): Promise<RebalancePreview> {
  const rows = new Map(plan.rows.map((r) => [r.id, r]));
  const bySource = new Map<string, number[]>();
  for (const mv of plan.moves) bySource.set(mv.from, [...(bySource.get(mv.from) ?? []), mv.slot]);
  const keysOfSlot = new Map<number, number>();
  const bytesPerKey = new Map<string, number>();
  await Promise.all(
    [...bySource].map(async ([id, slots]) => {
      const address = rows.get(id)!.address;
      const p = (await pool.get(address)).pipeline();
      p.call('INFO', ['memory']);
      p.call('DBSIZE', []);
      for (const s of slots) p.call('CLUSTER', ['COUNTKEYSINSLOT', s]);
      const [[infoErr, info], [sizeErr, size], ...counts] = await p.exec();
      const err = infoErr ?? sizeErr ?? counts.find(([e]) => e)?.[0];
      if (err) throw new Error(`reading key counts on ${address}: ${err.message}`);
      counts.forEach(([, n], i) => keysOfSlot.set(slots[i], Number(n)));
      const memory = parseInfoSections(String(info)).memory ?? {};
      const dataset = Number(memory.used_memory_dataset ?? memory.used_memory ?? 0);
      bytesPerKey.set(id, Number(size) > 0 ? dataset / Number(size) : 0);
    }),
  );
  const nodes = new Map<string, RebalanceNode>(plan.rows.map((r) => [r.id, { ...r, keysOut: 0, keysIn: 0, bytesOut: 0, bytesIn: 0 }]));
  const pairs: RebalancePreviewPair[] = [];
  let i = 0;
  for (const pair of plan.pairs) {
    let keys = 0;
    for (const mv of plan.moves.slice(i, i + pair.slots)) keys += keysOfSlot.get(mv.slot) ?? 0;
    i += pair.slots;
    const bytes = Math.round(keys * (bytesPerKey.get(pair.from) ?? 0));
    const from = nodes.get(pair.from)!;
    const to = nodes.get(pair.to)!;
    from.keysOut += keys;
    from.bytesOut += bytes;
    to.keysIn += keys;
    to.bytesIn += bytes;
    pairs.push({ ...pair, fromAddress: from.address, toAddress: to.address, keys, bytes });
  }
  return {
    nodes: [...nodes.values()],
    pairs,
    slots: plan.moves.length,
    keys: pairs.reduce((s, p) => s + p.keys, 0),
    bytes: pairs.reduce((s, p) => s + p.bytes, 0),
    totalWeight: plan.totalWeight,
    threshold: plan.threshold,
    needed: plan.needed,
  };
}
