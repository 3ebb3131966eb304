// Which slots a reshard moves, as redis-cli computes it (clusterManagerComputeReshardTable): the sources sorted by
// slot count, most first; each gives its share of N in proportion to the slots it holds (the first one's share
// rounded up, the others' down, in single precision as redis-cli does), taken from its lowest slots. Or explicit
// slot ranges, each slot moved from whichever master holds it. Pure; bad input is one InputError line.
import { InputError } from '../../../options/endpoint.js';
import type { ClusterMaster, SlotMove } from './types.js';

export const SLOTS = 16384;

export interface ReshardRequest {
  /** node id (or host:port) of the master that receives the slots */
  to: string;
  /** node ids (or host:port) of the sources, or every master with slots but the target */
  from: string[] | 'all';
  /** how many slots (redis-cli's --cluster-slots) */
  slots?: number;
  /** or exactly these slots, inclusive ranges */
  ranges?: Array<[number, number]>;
}

export interface ClusterView {
  masters: ClusterMaster[];
  /** replicas, only so that naming one as a source or target gets a clear refusal */
  replicas?: Array<{ id: string; address: string; masterId?: string }>;
}

function find(view: ClusterView, name: string, option: string): ClusterMaster {
  const m = view.masters.find((x) => x.id === name || x.address === name);
  if (m) return m;
  const r = view.replicas?.find((x) => x.id === name || x.address === name);
  if (r) throw new InputError(`${option} ${name} is a replica: name a master (CLUSTER NODES lists them with the flag master)`);
  throw new InputError(`${option} ${name}: no master of the cluster has this node id or address; give a node id from CLUSTER NODES`);
}

function slotsOf(m: ClusterMaster): number[] {
  const out: number[] = [];
  for (const [a, b] of m.slots) for (let s = a; s <= b; s++) out.push(s);
  return out.sort((x, y) => x - y);
}

export function countOf(m: ClusterMaster): number {
  let n = 0;
  for (const [a, b] of m.slots) n += b - a + 1;
  return n;
}

/** redis-cli's share of a source: ceil for the first, floor for the others, computed in float32. */
export function shareOf(numSlots: number, totalSlots: number, nodeSlots: number, first: boolean): number {
  const f = Math.fround;
  const n = f(f(f(numSlots) / f(totalSlots)) * f(nodeSlots));
  return first ? Math.ceil(n) : Math.floor(n);
}

/** The slot moves of a reshard, in the order redis-cli would make them. */
export function planReshard(view: ClusterView, req: ReshardRequest): SlotMove[] {
  const target = find(view, req.to, '--to');
  if (req.slots !== undefined && req.ranges) throw new InputError('give either --slots or --slot-ranges, not both');
  if (req.ranges) return planRanges(view, target, req);
  const n = req.slots;
  if (n === undefined || !Number.isInteger(n) || n < 1 || n > SLOTS) throw new InputError(`--slots ${n ?? '(none)'}: give a whole number of slots between 1 and ${SLOTS}`);
  const sources = sourcesOf(view, target, req.from);
  const total = sources.reduce((sum, m) => sum + countOf(m), 0);
  if (total === 0) throw new InputError('the sources hold no slots: name masters that own slots with --from, or --from all');
  if (n > total) throw new InputError(`--slots ${n}: the sources hold only ${total} slots; ask for at most ${total}`);
  // stable sort: masters with as many slots keep the order they were given in
  const sorted = sources.map((m, i) => ({ m, i, count: countOf(m) })).sort((a, b) => b.count - a.count || a.i - b.i);
  const moves: SlotMove[] = [];
  sorted.forEach(({ m, count }, i) => {
    const max = shareOf(n, total, count, i === 0);
    let taken = 0;
    for (const slot of slotsOf(m)) {
      if (taken >= max || moves.length >= n) break;
      moves.push({ slot, from: m.id, to: target.id });
      taken++;
    }
  });
  return moves;
}

function sourcesOf(view: ClusterView, target: ClusterMaster, from: string[] | 'all'): ClusterMaster[] {
  if (from === 'all') return view.masters.filter((m) => m.id !== target.id && countOf(m) > 0);
  if (!from.length) throw new InputError('--from: name the source masters by node id, or give --from all');
  const out: ClusterMaster[] = [];
  for (const name of from) {
    const m = find(view, name, '--from');
    if (m.id === target.id) throw new InputError(`--from ${name} is the --to node too: a master cannot give slots to itself`);
    if (!out.includes(m)) out.push(m);
  }
  return out;
}

function planRanges(view: ClusterView, target: ClusterMaster, req: ReshardRequest): SlotMove[] {
  const allowed = req.from === 'all' ? undefined : new Set(sourcesOf(view, target, req.from).map((m) => m.id));
  const owner = new Map<number, ClusterMaster>();
  for (const m of view.masters) for (const [a, b] of m.slots) for (let s = a; s <= b; s++) owner.set(s, m);
  const moves: SlotMove[] = [];
  const seen = new Set<number>();
  for (const [a, b] of req.ranges ?? []) {
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b >= SLOTS || a > b) {
      throw new InputError(`--slot-ranges ${a}-${b}: give ranges of slots between 0 and ${SLOTS - 1}, low-high`);
    }
    for (let s = a; s <= b; s++) {
      if (seen.has(s)) continue;
      seen.add(s);
      const m = owner.get(s);
      if (!m) throw new InputError(`slot ${s} has no owner: assign it first (redis-cli --cluster fix), then move it`);
      if (m.id === target.id) continue; // already there
      if (allowed && !allowed.has(m.id)) throw new InputError(`slot ${s} is held by ${m.address}, which is not among --from; add it or narrow --slot-ranges`);
      moves.push({ slot: s, from: m.id, to: target.id });
    }
  }
  if (!moves.length) throw new InputError(`--slot-ranges: every slot given is on ${target.address} already; nothing to move`);
  return moves;
}
