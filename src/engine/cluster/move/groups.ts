// How a reshard's plan is cut and told: groups of moves with one source and one target taken off the queue, the SETSLOT
// STABLE steps that undo a group's open state, the plan as the journal's line (ranges per source → target). Pure.
import { rangesOf } from './reshard-preview.js';
import type { SlotStep } from './slot-steps.js';
import type { ClusterMaster, SlotMove } from './types.js';

/** A slot's ranges, grouped per source → target, for the journal's plan line. */
export function planLines(moves: SlotMove[], byId: Map<string, ClusterMaster>): Array<{ from: string; to: string; fromId: string; toId: string; slots: string; count: number }> {
  const groups = new Map<string, number[]>();
  for (const m of moves) {
    const k = `${m.from} ${m.to}`;
    groups.set(k, [...(groups.get(k) ?? []), m.slot]);
  }
  return [...groups].map(([k, slots]) => {
    const [from, to] = k.split(' ');
    return { from: byId.get(from)?.address ?? from, to: byId.get(to)?.address ?? to, fromId: from, toId: to, slots: rangesText(slots), count: slots.length };
  });
}

/** The next group of the queue: the first move whose source is free, and the moves after it with the same source
 * and target, up to `size`; taken off the queue. */
export function takeGroup(queue: SlotMove[], busy: Set<string>, size: number): SlotMove[] | undefined {
  const i = queue.findIndex((m) => !busy.has(m.from));
  if (i < 0) return undefined;
  const { from, to } = queue[i];
  const group: SlotMove[] = [];
  for (let j = i; j < queue.length && group.length < size; ) {
    if (queue[j].from === from && queue[j].to === to) group.push(...queue.splice(j, 1));
    else j++;
  }
  return group;
}

/** SETSLOT STABLE for each slot of a group, on one node. */
export function stableSteps(group: SlotMove[], node: string, why: string): SlotStep[] {
  return group.map((mv) => ({ kind: 'command', stage: 'importing', id: `slot:${mv.slot}:stable:${node}`, node, argv: ['CLUSTER', 'SETSLOT', String(mv.slot), 'STABLE'], changesRole: true, why: `slot ${mv.slot}: ${why}` }));
}

export function slotOf(st: SlotStep): number {
  return Number(st.argv[2]);
}

export function rangesText(slots: number[]): string {
  return rangesOf(slots)
    .map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`))
    .join(',');
}
