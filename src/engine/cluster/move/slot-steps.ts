// The slot changes of one slot move, as steps (node, command, why) before they run, in the order redis-cli's
// clusterManagerMoveSlot uses: IMPORTING on the target, MIGRATING on the source, the keys, then NODE on the target
// first, the source next, then every other master (redis#7116: told first, the target cannot be left out by a
// crash in between; the source's NODE is what ends its MIGRATING state). Pure.
import type { CommandStep } from '../../failover/types.js';
import type { ClusterMaster, SlotMove } from './types.js';

export type SlotStage = 'importing' | 'migrating' | 'node-target' | 'node-source' | 'node-other';

export interface SlotStep extends CommandStep {
  stage: SlotStage;
}

function masterById(masters: ClusterMaster[], id: string): ClusterMaster {
  const m = masters.find((x) => x.id === id);
  if (!m) throw new Error(`internal: no master ${id} in the cluster map`);
  return m;
}

/** The SETSLOT steps before the keys move. */
export function openSteps(move: SlotMove, masters: ClusterMaster[]): SlotStep[] {
  const src = masterById(masters, move.from);
  const dst = masterById(masters, move.to);
  const s = String(move.slot);
  return [
    { kind: 'command', stage: 'importing', id: `slot:${s}:importing`, node: dst.address, argv: ['CLUSTER', 'SETSLOT', s, 'IMPORTING', src.id], changesRole: true, why: `the target accepts slot ${s}'s keys (ASKING)` },
    { kind: 'command', stage: 'migrating', id: `slot:${s}:migrating`, node: src.address, argv: ['CLUSTER', 'SETSLOT', s, 'MIGRATING', dst.id], changesRole: true, why: `the source sends new keys of slot ${s} to the target (ASK)` },
  ];
}

/** The SETSLOT NODE steps once no key is left on the source: target, source, then every other master. */
export function closeSteps(move: SlotMove, masters: ClusterMaster[]): SlotStep[] {
  const src = masterById(masters, move.from);
  const dst = masterById(masters, move.to);
  const s = String(move.slot);
  const node = (m: ClusterMaster, stage: SlotStage, why: string): SlotStep => ({
    kind: 'command',
    stage,
    id: `slot:${s}:node:${m.address}`,
    node: m.address,
    argv: ['CLUSTER', 'SETSLOT', s, 'NODE', dst.id],
    changesRole: true,
    why,
  });
  return [
    node(dst, 'node-target', `the target owns slot ${s} (told first: redis#7116)`),
    node(src, 'node-source', `the source gives slot ${s} up and leaves MIGRATING`),
    ...masters.filter((m) => m.id !== src.id && m.id !== dst.id).map((m) => node(m, 'node-other', `${m.address} redirects slot ${s} to the target at once`)),
  ];
}
