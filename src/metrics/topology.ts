// The topology monitor's nodes as Prometheus metrics, labelled by node (host:port): up, role, replication link,
// lag in bytes and seconds, offset, clients, memory, keys. A node merged away (node-removed) loses its series.
import type { Gauge, Registry } from 'prom-client';
import type { NodeState, Role, TopologyEvent } from '../engine/topology/types.js';
import { gauge } from './registry.js';

export interface TopologyMetrics {
  on(e: TopologyEvent): void;
}

const ROLES: readonly Role[] = ['master', 'replica', 'sentinel', 'unknown'];

export function topologyMetrics(registry: Registry): TopologyMetrics {
  const N = ['node'] as const;
  const up = gauge(registry, 'cutover_node_up', '1 when the node answers cutover, 0 when it is down (or refuses its credentials)', N);
  const role = gauge(registry, 'cutover_node_role', '1 for the role the node has now (master, replica, sentinel, unknown), 0 for the others', ['node', 'role']);
  const linkUp = gauge(registry, 'cutover_node_link_up', "replicas: 1 when the link to the master is up (master_link_status), else 0", N);
  const lagBytes = gauge(registry, 'cutover_node_lag_bytes', "replicas: bytes behind the master's master_repl_offset", N);
  const lagSeconds = gauge(registry, 'cutover_node_lag_seconds', "replicas: seconds behind, estimated from the master's offset history", N);
  const offset = gauge(registry, 'cutover_node_offset_bytes', 'the replication offset of the node', N);
  const clients = gauge(registry, 'cutover_node_connected_clients', 'connected_clients (INFO clients)', N);
  const memory = gauge(registry, 'cutover_node_used_memory_bytes', 'used_memory (INFO memory)', N);
  const keys = gauge(registry, 'cutover_node_keys', 'keys over every database (INFO keyspace)', N);
  const perNode: Gauge<'node'>[] = [up, linkUp, lagBytes, lagSeconds, offset, clients, memory, keys];
  const setOrDrop = (g: Gauge<'node'>, node: string, v: number | undefined) => (v === undefined ? g.remove({ node }) : g.set({ node }, v));

  const update = (n: NodeState) => {
    const node = n.id;
    if (n.status === 'pending') return;
    up.set({ node }, n.status === 'up' ? 1 : 0);
    for (const r of ROLES) role.set({ node, role: r }, r === n.role ? 1 : 0);
    setOrDrop(linkUp, node, n.role === 'replica' ? (n.linkStatus === 'up' ? 1 : 0) : undefined);
    setOrDrop(lagBytes, node, n.role === 'replica' ? n.lagBytes : undefined);
    setOrDrop(lagSeconds, node, n.role === 'replica' ? n.lagSeconds : undefined);
    setOrDrop(offset, node, n.offset);
    setOrDrop(clients, node, n.connectedClients);
    setOrDrop(memory, node, n.usedMemory);
    setOrDrop(keys, node, n.role === 'sentinel' ? undefined : n.keys);
  };
  return {
    on(e) {
      if (e.type === 'node') update(e.node);
      else if (e.type === 'node-removed') {
        for (const g of perNode) g.remove({ node: e.id });
        for (const r of ROLES) role.remove({ node: e.id, role: r });
      }
    },
  };
}
