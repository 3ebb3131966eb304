// What a rebalance will move, before it moves anything: per master, the keys that leave and arrive (CLUSTER
// COUNTKEYSINSLOT of every moved slot on its source, one pipeline a source) and their bytes (MEMORY USAGE: of every
// key when a source moves up to MEASURE_KEYS, else of one key in each of up to MEASURE_KEYS of its slots, times the
// keys). Three pipelines a source; read-only; knows nothing of terminals.
import type { RespConnection } from '../../redis/resp.js';
import type { RespPool } from '../../redis/resp-pool.js';
import type { RebalancePair, RebalancePlan, RebalanceRow } from './rebalance-plan.js';

export interface RebalanceNode extends RebalanceRow {
  keysOut: number;
  keysIn: number;
  /** MEMORY USAGE of the keys that leave (see bytesExact) */
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
  /** MEMORY USAGE of the keys that move: of every one (bytesExact), or keys × the bytes a key of a sample */
  bytes: number;
  bytesExact: boolean;
  totalWeight: number;
  threshold: number;
  needed: boolean;
}

/** Keys measured a source at most: below it every key of its moved slots is measured, above it one key of some slots. */
export const MEASURE_KEYS = 2000;

/** Counts the keys of every moved slot on its source and measures their bytes. */
export async function previewRebalance(plan: RebalancePlan, pool: RespPool): Promise<RebalancePreview> {
  const rows = new Map(plan.rows.map((r) => [r.id, r]));
  const bySource = new Map<string, number[]>();
  for (const mv of plan.moves) bySource.set(mv.from, [...(bySource.get(mv.from) ?? []), mv.slot]);
  const keysOfSlot = new Map<number, number>();
  const bytesOfSlot = new Map<number, number>();
  let exact = true;
  await Promise.all(
    [...bySource].map(async ([id, slots]) => {
      const address = rows.get(id)!.address;
      const conn = await pool.get(address);
      const counts = await run(conn, address, slots.map((s) => ['CLUSTER', ['COUNTKEYSINSLOT', s]]));
      slots.forEach((s, i) => keysOfSlot.set(s, Number(counts[i])));
      const m = await measure(conn, address, slots.filter((s) => keysOfSlot.get(s)! > 0), keysOfSlot);
      if (!m.exact) exact = false;
      for (const [s, b] of m.bytes) bytesOfSlot.set(s, b);
    }),
  );
  const nodes = new Map<string, RebalanceNode>(plan.rows.map((r) => [r.id, { ...r, keysOut: 0, keysIn: 0, bytesOut: 0, bytesIn: 0 }]));
  const pairs: RebalancePreviewPair[] = [];
  let i = 0;
  for (const pair of plan.pairs) {
    let keys = 0;
    let bytes = 0;
    for (const mv of plan.moves.slice(i, i + pair.slots)) {
      keys += keysOfSlot.get(mv.slot) ?? 0;
      bytes += bytesOfSlot.get(mv.slot) ?? 0;
    }
    i += pair.slots;
    bytes = Math.round(bytes);
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
    bytesExact: exact,
    totalWeight: plan.totalWeight,
    threshold: plan.threshold,
    needed: plan.needed,
  };
}

/** One pipeline; the first error fails it, naming the node. */
async function run(conn: RespConnection, address: string, commands: Array<[string, Array<string | number | Buffer>]>): Promise<unknown[]> {
  if (!commands.length) return [];
  const p = conn.pipeline();
  for (const [name, args] of commands) p.call(name, args);
  const replies = await p.exec();
  const err = replies.find(([e]) => e)?.[0];
  if (err) throw new Error(`reading what moves on ${address}: ${err.message}`);
  return replies.map(([, v]) => v);
}

/** Bytes by slot: every key measured, or one key of up to MEASURE_KEYS slots spread evenly, times each slot's keys. */
async function measure(conn: RespConnection, address: string, slots: number[], keysOfSlot: Map<number, number>): Promise<{ exact: boolean; bytes: Map<number, number> }> {
  const total = slots.reduce((n, s) => n + keysOfSlot.get(s)!, 0);
  const exact = total <= MEASURE_KEYS;
  const step = exact ? 1 : Math.max(1, slots.length / MEASURE_KEYS);
  const sampled: number[] = [];
  for (let i = 0; i < slots.length; i += step) sampled.push(slots[Math.floor(i)]);
  const keyLists = (await run(conn, address, sampled.map((s) => ['CLUSTER', ['GETKEYSINSLOT', s, exact ? keysOfSlot.get(s)! : 1]]))) as Buffer[][];
  const keys = keyLists.flatMap((list, i) => list.map((k) => ({ slot: sampled[i], key: k })));
  const sizes = await run(conn, address, keys.map(({ key }) => ['MEMORY', ['USAGE', key]]));
  const bytes = new Map<number, number>();
  keys.forEach(({ slot }, i) => bytes.set(slot, (bytes.get(slot) ?? 0) + Number(sizes[i] ?? 0)));
  if (exact) return { exact, bytes };
  const perKey = keys.length ? [...bytes.values()].reduce((a, b) => a + b, 0) / keys.length : 0;
  return { exact, bytes: new Map(slots.map((s) => [s, keysOfSlot.get(s)! * perKey])) };
}
