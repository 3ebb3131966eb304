// The cluster's masters as the slot map and the reshard wizard see them, from the nodes the topology polls (each
// master's own CLUSTER NODES line: its id, slots and open-slot markers), in a steady order (by label, then address:
// a row does not jump while a reshard moves its slots), empty masters last. Pure.
import type { NodeState } from '../engine/topology/types.js';
import type { SlotMapMaster } from '../render/slot-map-row.js';

export interface ClusterMasterRow extends SlotMapMaster {
  up: boolean;
}

export function clusterMasters(nodes: Record<string, NodeState>, order: string[]): ClusterMasterRow[] {
  const rows = order
    .map((id) => nodes[id])
    .filter((n) => n && n.role === 'master' && n.cluster?.self && n.cluster.self.role === 'master')
    .sort((a, b) => (a.label ?? a.id).localeCompare(b.label ?? b.id, 'en', { numeric: true }));
  const masters = rows.map((n) => ({
    id: n.cluster!.self!.id,
    address: n.id,
    label: n.label,
    slots: n.cluster!.self!.slots,
    migrations: n.cluster!.self!.slotMigrations,
    up: n.status === 'up',
  }));
  return [...masters.filter((m) => m.slots.length), ...masters.filter((m) => !m.slots.length)];
}

/** Every cluster node's id and address (replicas too): what an open slot's peer id is called. */
export function clusterIds(nodes: Record<string, NodeState>): Array<{ id: string; address: string }> {
  return Object.values(nodes).flatMap((n) => (n.cluster?.self ? [{ id: n.cluster.self.id, address: n.id }] : []));
}
