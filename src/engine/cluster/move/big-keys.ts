// The big keys of a reshard's slots, found before anything moves: on each source, CLUSTER COUNTKEYSINSLOT for the
// planned slots, then CLUSTER GETKEYSINSLOT for a group of slots holding a few thousand keys at most and MEMORY
// USAGE for each name, pipelined; only the keys at or above the threshold are kept (the biggest `top`, and a count of
// all). A MIGRATE of a key blocks both nodes for about its size ÷ MIGRATE_BYTES_PER_SEC: a key whose estimate passes
// --max-block is flagged. Read-only; knows nothing of terminals.
import type { RespPool } from '../../redis/resp-pool.js';
import { printable } from '../../replicate/struct-equals.js';
import type { ClusterMaster, SlotMove } from './types.js';

/**
 * Bytes of MEMORY USAGE a MIGRATE moves a second, blocking both nodes meanwhile: a conservative constant. Measured on
 * the lab (loopback, Redis 7.0, a loaded 2-core machine): a 32 MB string in 115–145 ms (≈250 MB/s), a hash of
 * 500,000 fields (46 MB) in 590–710 ms (≈70 MB/s, its RESTORE rebuilds the table). 50 MB/s leaves room for a
 * network between the nodes and for collections.
 */
export const MIGRATE_BYTES_PER_SEC = 50 * 1024 * 1024;

export interface BigKeyLimits {
  /** bytes: keys whose MEMORY USAGE is at or above this are listed (--mem-limit) */
  memLimit: number;
  /** ms: a key whose MIGRATE is estimated to block longer is flagged (--max-block) */
  maxBlockMs: number;
}

export interface BigKey {
  slot: number;
  /** the source's host:port */
  address: string;
  /** printable name (binary bytes escaped) */
  key: string;
  bytes: number;
  /** estimated time its MIGRATE blocks the source and the target */
  blockMs: number;
  /** blockMs > maxBlockMs */
  overMaxBlock: boolean;
}

export interface BigKeyReport {
  /** the biggest, most first (at most `top`) */
  keys: BigKey[];
  /** every key at or above the threshold */
  count: number;
  /** of them, those whose estimate passes --max-block */
  overMaxBlock: number;
  bytes: number;
  /** the threshold used: the smaller of --mem-limit and the size that blocks for --max-block */
  threshold: number;
  /** keys sized */
  scanned: number;
  ms: number;
}

/** How long a MIGRATE of this many bytes blocks both nodes, estimated. Pure. */
export function blockMsOf(bytes: number, rate = MIGRATE_BYTES_PER_SEC): number {
  return Math.ceil((bytes * 1000) / rate);
}

/** The smallest key that would block for longer than maxBlockMs. Pure. */
export function bytesForBlock(maxBlockMs: number, rate = MIGRATE_BYTES_PER_SEC): number {
  return Math.floor((maxBlockMs * rate) / 1000);
}

/** Keeps the `top` biggest keys seen, and counts all. */
export class BigKeyTally {
  readonly keys: BigKey[] = [];
  count = 0;
  overMaxBlock = 0;
  bytes = 0;

  constructor(
    private readonly limits: BigKeyLimits,
    private readonly top: number,
  ) {}

  add(k: Omit<BigKey, 'blockMs' | 'overMaxBlock'>): void {
    const blockMs = blockMsOf(k.bytes);
    const key: BigKey = { ...k, blockMs, overMaxBlock: blockMs > this.limits.maxBlockMs };
    this.count++;
    this.bytes += k.bytes;
    if (key.overMaxBlock) this.overMaxBlock++;
    if (this.keys.length >= this.top && this.keys[this.keys.length - 1].bytes >= key.bytes) return;
    const at = this.keys.findIndex((x) => x.bytes < key.bytes);
    this.keys.splice(at < 0 ? this.keys.length : at, 0, key);
    if (this.keys.length > this.top) this.keys.pop();
  }
}

/** Slots in groups whose keys add up to at most `max` (a slot bigger than that is a group alone). Pure. */
export function groupSlots(counts: Array<[number, number]>, max: number): Array<Array<[number, number]>> {
  const out: Array<Array<[number, number]>> = [];
  let group: Array<[number, number]> = [];
  let n = 0;
  for (const [slot, keys] of counts) {
    if (!keys) continue;
    if (group.length && n + keys > max) {
      out.push(group);
      group = [];
      n = 0;
    }
    group.push([slot, keys]);
    n += keys;
  }
  if (group.length) out.push(group);
  return out;
}

/**
 * The keys of the planned slots at or above the smaller of --mem-limit and the size that blocks for --max-block.
 * At most about `inHand` names are held at once (a single slot with more keys is read whole: GETKEYSINSLOT has no
 * cursor); the sources are read in parallel, one connection each.
 */
export async function findBigKeys(masters: ClusterMaster[], moves: SlotMove[], pool: RespPool, limits: BigKeyLimits, o: { top?: number; inHand?: number } = {}): Promise<BigKeyReport> {
  const t0 = Date.now();
  const top = o.top ?? 20;
  const inHand = o.inHand ?? 4000;
  const threshold = Math.min(limits.memLimit, bytesForBlock(limits.maxBlockMs));
  const tally = new BigKeyTally(limits, top);
  const byId = new Map(masters.map((m) => [m.id, m]));
  const bySource = new Map<string, number[]>();
  for (const mv of moves) {
    const list = bySource.get(mv.from) ?? [];
    list.push(mv.slot);
    bySource.set(mv.from, list);
  }
  let scanned = 0;
  await Promise.all(
    [...bySource].map(async ([id, slots]) => {
      const address = byId.get(id)!.address;
      const conn = await pool.get(address);
      const p = conn.pipeline();
      for (const s of slots) p.call('CLUSTER', ['COUNTKEYSINSLOT', s]);
      const counts = (await p.exec()).map(([err, n], i): [number, number] => {
        if (err) throw new Error(`CLUSTER COUNTKEYSINSLOT on ${address}: ${err.message}`);
        return [slots[i], Number(n)];
      });
      for (const group of groupSlots(counts, inHand)) {
        const lists = conn.pipeline();
        for (const [slot, n] of group) lists.call('CLUSTER', ['GETKEYSINSLOT', slot, n]);
        const names: Array<[number, Buffer]> = [];
        (await lists.exec()).forEach(([err, v], i) => {
          if (err) throw new Error(`CLUSTER GETKEYSINSLOT on ${address}: ${err.message}`);
          for (const k of v as Buffer[]) names.push([group[i][0], k]);
        });
        if (!names.length) continue;
        const sizes = conn.pipeline();
        for (const [, k] of names) sizes.call('MEMORY', ['USAGE', k]);
        const replies = await sizes.exec();
        scanned += names.length;
        names.forEach(([slot, k], i) => {
          const [err, v] = replies[i];
          if (err) throw new Error(`MEMORY USAGE on ${address}: ${err.message}`);
          const bytes = v === null || v === undefined ? 0 : Number(v); // gone since the list: nothing to move
          if (bytes >= threshold) tally.add({ slot, address, key: printable(k, 200), bytes });
        });
      }
    }),
  );
  return { keys: tally.keys, count: tally.count, overMaxBlock: tally.overMaxBlock, bytes: tally.bytes, threshold, scanned, ms: Date.now() - t0 };
}
