// `cutover cluster fix`, the plan for uncovered slots (no master serves them): each goes to the master that holds
// its keys (CLUSTER ADDSLOTSRANGE there); a slot with no key anywhere goes to the master the operator names with
// --to, never to one picked at random; a slot whose keys sit on several masters is left for the operator. Pure.
import type { ClusterMaster } from '../move/types.js';
import type { FixStep, SlotFix } from './fix-plan.js';
import { rangesText as text, toRanges } from '../slot-map.js';

/**
 * uncovered: the ranges no master serves; keysBy: per master address, its non-empty slots (COUNTKEYSINSLOT);
 * to: the master named by --to (node id or host:port), for slots with no key anywhere.
 */
/** "slot 5 is" / "slots 5-9,12 are" */
function slotsAre(rs: Array<[number, number]>): string {
  return rs.length === 1 && rs[0][0] === rs[0][1] ? `slot ${rs[0][0]} is` : `slots ${text(rs)} are`;
}

export function planCover(uncovered: Array<[number, number]>, keysBy: Map<string, Record<number, number>>, masters: ClusterMaster[], to?: string): SlotFix[] {
  if (!uncovered.length) return [];
  const toMaster = to === undefined ? undefined : masters.find((m) => m.id === to || m.address === to);
  const byNode = new Map<string, number[]>();
  const empty: number[] = [];
  const several: number[] = [];
  for (const [a, b] of uncovered) {
    for (let s = a; s <= b; s++) {
      const holders = masters.filter((m) => (keysBy.get(m.address)?.[s] ?? 0) > 0);
      if (holders.length === 1) byNode.set(holders[0].address, [...(byNode.get(holders[0].address) ?? []), s]);
      else if (holders.length > 1) several.push(s);
      else empty.push(s);
    }
  }
  const fixes: SlotFix[] = [];
  const assign = (node: string, slots: number[], why: string): FixStep[] =>
    toRanges(slots).map(([a, b]) => ({ kind: 'command' as const, slot: a, node, argv: ['CLUSTER', 'ADDSLOTSRANGE', String(a), String(b)], why }));
  for (const [node, slots] of byNode) {
    const rs = toRanges(slots);
    fixes.push({ slot: rs[0][0], diagnosis: `${slotsAre(rs)} served by no master; ${node} holds their keys`, steps: assign(node, slots, `${node} serves the slots whose keys it holds`) });
  }
  if (empty.length) {
    const rs = toRanges(empty);
    if (toMaster) fixes.push({ slot: rs[0][0], diagnosis: `${slotsAre(rs)} served by no master and hold no key`, steps: assign(toMaster.address, empty, `--to names ${toMaster.address} for slots without keys`) });
    else
      fixes.push({
        slot: rs[0][0],
        diagnosis: `${slotsAre(rs)} served by no master and hold no key`,
        steps: [],
        refused: to === undefined ? `name the master that should serve them with --to ID (node id or host:port)` : `--to ${to}: no master of the cluster has this node id or address; give a node id from CLUSTER NODES`,
      });
  }
  if (several.length) {
    const rs = toRanges(several);
    fixes.push({ slot: rs[0][0], diagnosis: `${slotsAre(rs)} served by no master and their keys sit on several masters`, steps: [], refused: `assign each slot by hand (CLUSTER ADDSLOTS on one master, then move the other masters' keys to it)` });
  }
  return fixes;
}
