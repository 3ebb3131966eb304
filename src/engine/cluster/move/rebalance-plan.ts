// Which slots a rebalance moves, exactly as redis-cli computes it (clusterManagerCommandRebalance, Redis 7.0): every
// master weighs 1 unless --weight says otherwise; masters without slots take part only with --use-empty-masters; each
// involved master's expected share is (int)(16384 / total weight × weight) in single precision; its balance is the
// slots it holds minus that share; nothing moves unless one master deviates by more than --threshold percent; the
// rounding surplus goes, one slot a round, to the masters with balance ≤ 0 in redis-cli's node order; the masters
// are sorted by balance, and the most negative (destination) is paired with the most positive (source), moving
// min(|dst|, src) slots each time, taken from the source by the reshard table (its lowest slots). Pure; bad input
// is one InputError line.
import { InputError } from '../../../options/endpoint.js';
import { countOf, SLOTS, type ClusterView } from './reshard-plan.js';
import type { ClusterMaster, SlotMove } from './types.js';

const f = Math.fround;

/** redis-cli's default --cluster-threshold, percent */
export const REBALANCE_THRESHOLD = 2;

export interface WeightOption {
  /** a node id, a unique prefix of one, or host:port */
  name: string;
  weight: number;
}

export interface RebalanceRequest {
  /** --weight ID=W, in the order given; a later one for the same node wins */
  weights: WeightOption[];
  /** --use-empty-masters: masters without slots take part (and get their share) */
  useEmptyMasters: boolean;
  /** --threshold, percent (redis-cli's default 2); 0: any deviation at all */
  threshold: number;
}

export interface RebalanceRow {
  id: string;
  address: string;
  weight: number;
  /** false: a master without slots left out (no --use-empty-masters) */
  involved: boolean;
  slotsNow: number;
  /** the share redis-cli expects it to hold (0 when not involved) */
  expected: number;
  slotsAfter: number;
}

/** One redis-cli "Moving N slots from A to B" step. */
export interface RebalancePair {
  from: string;
  to: string;
  slots: number;
}

export interface RebalancePlan {
  /** every master, in redis-cli's node order */
  rows: RebalanceRow[];
  pairs: RebalancePair[];
  moves: SlotMove[];
  /** the total weight of the involved masters */
  totalWeight: number;
  threshold: number;
  /** false: every master is within the threshold; nothing to move */
  needed: boolean;
}

/** The masters in redis-cli's order: the node it was given first, then the others as its CLUSTER NODES lists them. */
export function entryFirst(masters: ClusterMaster[], entryId: string | undefined): ClusterMaster[] {
  const i = masters.findIndex((m) => m.id === entryId);
  return i <= 0 ? masters : [masters[i], ...masters.slice(0, i), ...masters.slice(i + 1)];
}

/** The master a --weight names: host:port, a node id or a prefix of exactly one (case-insensitive, as redis-cli). */
function weighted(view: ClusterView, name: string, text: string): ClusterMaster {
  const byAddress = view.masters.find((m) => m.address === name);
  if (byAddress) return byAddress;
  const lower = name.toLowerCase();
  const masters = view.masters.filter((m) => m.id.startsWith(lower));
  const replicas = (view.replicas ?? []).filter((r) => r.id.startsWith(lower) || r.address === name);
  if (masters.length === 1 && !replicas.length) return masters[0];
  if (masters.length + replicas.length > 1) throw new InputError(`--weight ${text}: ${name} starts ${masters.length + replicas.length} node ids; give more of the node id`);
  if (replicas.length) throw new InputError(`--weight ${text}: ${name} is a replica: weigh masters only (CLUSTER NODES lists them with the flag master)`);
  throw new InputError(`--weight ${text}: no master of the cluster has a node id starting ${name} or this address; give a node id (or a unique prefix) from CLUSTER NODES`);
}

/** The slots of a master, lowest first. */
function slotList(m: ClusterMaster): number[] {
  const out: number[] = [];
  for (const [a, b] of m.slots) for (let s = a; s <= b; s++) out.push(s);
  return out.sort((x, y) => x - y);
}

/** The rebalance plan; `view.masters` in redis-cli's node order (entryFirst). */
export function planRebalance(view: ClusterView, req: RebalanceRequest): RebalancePlan {
  if (!(req.threshold >= 0)) throw new InputError(`--threshold ${req.threshold}: give a percentage of 0 or more (default ${REBALANCE_THRESHOLD})`);
  const weights = new Map<string, number>(view.masters.map((m) => [m.id, 1]));
  for (const w of req.weights) {
    const text = `${w.name}=${w.weight}`;
    if (!w.name) throw new InputError(`--weight =${w.weight}: name the master before the = (node id or host:port)`);
    if (!Number.isFinite(w.weight) || w.weight < 0) throw new InputError(`--weight ${text}: a weight is a number of 0 or more`);
    const m = weighted(view, w.name, text);
    if (w.weight > 0 && countOf(m) === 0 && !req.useEmptyMasters) {
      throw new InputError(`--weight ${text}: ${m.address} holds no slots and takes part only with --use-empty-masters; add it, or drop this weight`);
    }
    weights.set(m.id, f(w.weight));
  }

  type Node = { m: ClusterMaster; weight: number; count: number; balance: number; expected: number; slots: number[] };
  const involved: Node[] = [];
  let totalWeight = 0;
  for (const m of view.masters) {
    const count = countOf(m);
    if (!req.useEmptyMasters && count === 0) continue;
    const weight = weights.get(m.id)!;
    totalWeight = f(totalWeight + weight);
    involved.push({ m, weight, count, balance: 0, expected: 0, slots: slotList(m) });
  }
  if (!involved.length) throw new InputError('no master holds slots: assign them first (redis-cli --cluster create, or CLUSTER ADDSLOTSRANGE)');
  if (totalWeight <= 0) throw new InputError('every master taking part weighs 0: give at least one a weight above 0');

  let thresholdReached = false;
  let totalBalance = 0;
  const threshold = f(req.threshold);
  for (const n of involved) {
    n.expected = Math.trunc(f(f(SLOTS / totalWeight) * n.weight));
    n.balance = n.count - n.expected;
    totalBalance += n.balance;
    let over = false;
    if (threshold > 0) {
      if (n.count > 0) over = f(Math.abs(100 - (100.0 * n.expected) / n.count)) > threshold;
      else over = n.expected > 1;
    } else {
      // redis-cli's --cluster-threshold 0 never rebalances; here it means any deviation at all
      over = n.balance !== 0;
    }
    if (over) thresholdReached = true;
  }

  const rowsOf = (after: Map<string, number>): RebalanceRow[] =>
    view.masters.map((m) => {
      const n = involved.find((x) => x.m.id === m.id);
      return { id: m.id, address: m.address, weight: weights.get(m.id)!, involved: !!n, slotsNow: countOf(m), expected: n?.expected ?? 0, slotsAfter: after.get(m.id) ?? countOf(m) };
    });
  if (!thresholdReached) return { rows: rowsOf(new Map()), pairs: [], moves: [], totalWeight, threshold: req.threshold, needed: false };

  // the rounding surplus: one more slot to each master with balance ≤ 0, in node order, until none is left
  while (totalBalance > 0) {
    for (const n of involved) {
      if (n.balance <= 0 && totalBalance > 0) {
        n.balance--;
        totalBalance--;
      }
    }
  }
  const sorted = [...involved].sort((a, b) => a.balance - b.balance); // stable, as glibc's merge-sort qsort
  const pairs: RebalancePair[] = [];
  const moves: SlotMove[] = [];
  const after = new Map(involved.map((n) => [n.m.id, n.count]));
  let dstIdx = 0;
  let srcIdx = sorted.length - 1;
  while (dstIdx < srcIdx) {
    const dst = sorted[dstIdx];
    const src = sorted[srcIdx];
    const numslots = Math.min(Math.abs(dst.balance), Math.abs(src.balance));
    if (numslots > 0) {
      // the reshard table on this one source: its lowest numslots slots (ceil of numslots/count × count, capped)
      const taken = src.slots.splice(0, numslots);
      if (taken.length !== numslots) throw new Error(`rebalance: ${src.m.address} holds ${taken.length} slots, ${numslots} asked (the reshard table does not match)`);
      for (const slot of taken) moves.push({ slot, from: src.m.id, to: dst.m.id });
      dst.slots.push(...taken);
      pairs.push({ from: src.m.id, to: dst.m.id, slots: numslots });
      after.set(src.m.id, after.get(src.m.id)! - numslots);
      after.set(dst.m.id, after.get(dst.m.id)! + numslots);
    }
    dst.balance += numslots;
    src.balance -= numslots;
    if (dst.balance === 0) dstIdx++;
    if (src.balance === 0) srcIdx--;
  }
  return { rows: rowsOf(after), pairs, moves, totalWeight, threshold: req.threshold, needed: true };
}
