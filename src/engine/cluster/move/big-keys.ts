// The big keys of a reshard's slots, found before anything moves: on each source, CLUSTER COUNTKEYSINSLOT for the
// planned slots, then, a group of slots holding a few thousand keys at most at a time, one read-only script that runs
// CLUSTER GETKEYSINSLOT and MEMORY USAGE on the server and answers only the keys at or above the threshold (no name
// crosses the wire otherwise; the server is busy a few ms a group). Where scripts are refused (an ACL without EVAL, a
// managed service), and for a slot with more keys than a group, the names come over and are sized by a pipeline of
// MEMORY USAGE instead. Only the biggest `top` are kept, and a count of all. A MIGRATE of a key blocks both nodes for
// about its size ÷ MIGRATE_BYTES_PER_SEC: a key whose estimate passes --max-block is flagged. Read-only; knows
// nothing of terminals.
import type { RespPool } from '../../redis/resp-pool.js';
import type { RespConnection } from '../../redis/resp.js';
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

/** ARGV: threshold, then slot, count, slot, count …; answers [keys sized, [slot, key, bytes, …]] for the big ones. */
const SIZE_SCRIPT = `local min = tonumber(ARGV[1]) local out = {} local n = 0
for i = 2, #ARGV, 2 do
  local ks = redis.call('CLUSTER', 'GETKEYSINSLOT', ARGV[i], ARGV[i + 1])
  n = n + #ks
  for _, k in ipairs(ks) do
    local b = redis.call('MEMORY', 'USAGE', k)
    if b and b >= min then out[#out + 1] = ARGV[i] out[#out + 1] = k out[#out + 1] = b end
  end
end
return {n, out}`;

type Found = (slot: number, key: Buffer, bytes: number) => void;

/** One group sized on the server; false when the server refuses scripts. */
async function sizeByScript(conn: RespConnection, group: Array<[number, number]>, threshold: number, found: Found): Promise<number | false> {
  const p = conn.pipeline();
  p.call('EVAL', [SIZE_SCRIPT, 0, threshold, ...group.flatMap(([slot, n]) => [slot, n])]);
  const [[err, v]] = await p.exec();
  if (err) return false;
  const [n, out] = v as [number, Buffer[]];
  for (let i = 0; i + 2 < out.length; i += 3) found(Number(String(out[i])), out[i + 1], Number(out[i + 2]));
  return Number(n);
}

/** One group sized from here: the names over, MEMORY USAGE pipelined. */
async function sizeByNames(conn: RespConnection, address: string, group: Array<[number, number]>, threshold: number, found: Found): Promise<number> {
  const lists = conn.pipeline();
  for (const [slot, n] of group) lists.call('CLUSTER', ['GETKEYSINSLOT', slot, n]);
  const names: Array<[number, Buffer]> = [];
  (await lists.exec()).forEach(([err, v], i) => {
    if (err) throw new Error(`CLUSTER GETKEYSINSLOT on ${address}: ${err.message}`);
    for (const k of v as Buffer[]) names.push([group[i][0], k]);
  });
  if (!names.length) return 0;
  const sizes = conn.pipeline();
  for (const [, k] of names) sizes.call('MEMORY', ['USAGE', k]);
  const replies = await sizes.exec();
  names.forEach(([slot, k], i) => {
    const [err, v] = replies[i];
    if (err) throw new Error(`MEMORY USAGE on ${address}: ${err.message}`);
    const bytes = v === null || v === undefined ? 0 : Number(v); // gone since the list: nothing to move
    if (bytes >= threshold) found(slot, k, bytes);
  });
  return names.length;
}

/**
 * The keys of the planned slots at or above the smaller of --mem-limit and the size that blocks for --max-block.
 * At most about `inHand` names are held at once (a single slot with more keys is read whole: GETKEYSINSLOT has no
 * cursor); the sources are read in parallel, one connection each.
 */
export async function findBigKeys(masters: ClusterMaster[], moves: SlotMove[], pool: RespPool, limits: BigKeyLimits, o: { top?: number; inHand?: number; script?: boolean } = {}): Promise<BigKeyReport> {
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
      const found: Found = (slot, k, bytes) => tally.add({ slot, address, key: printable(k, 200), bytes });
      let script = o.script ?? true;
      for (const group of groupSlots(counts, inHand)) {
        const n = script && group[0][1] <= inHand ? await sizeByScript(conn, group, threshold, found) : false;
        if (n === false) {
          if (group[0][1] <= inHand) script = false; // refused: names from here on
          scanned += await sizeByNames(conn, address, group, threshold, found);
        } else scanned += n;
      }
    }),
  );
  return { keys: tally.keys, count: tally.count, overMaxBlock: tally.overMaxBlock, bytes: tally.bytes, threshold, scanned, ms: Date.now() - t0 };
}
