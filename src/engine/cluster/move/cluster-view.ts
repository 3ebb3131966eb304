// The cluster as a reshard plans against it: its masters (id, address, slots) and its replicas, read from one
// node's CLUSTER NODES. Masters flagged fail or without an address are left out: no slot can move to or from them.
import type { NodePool } from '../../failover/pool.js';
import type { RespPool } from '../../redis/resp-pool.js';
import { parseClusterNodes } from '../../topology/parse-cluster-nodes.js';
import type { ClusterView } from './reshard-plan.js';

/** CLUSTER NODES text → the masters and replicas a plan needs. Pure. */
export function clusterViewOf(text: string): ClusterView & { open: string[] } {
  const entries = parseClusterNodes(text).filter((e) => !e.flags.includes('noaddr') && !e.flags.includes('handshake') && e.port > 0);
  const addr = (e: { host: string; port: number }) => `${e.host}:${e.port}`;
  return {
    masters: entries.filter((e) => e.role === 'master' && e.failing !== 'fail').map((e) => ({ id: e.id, address: addr(e), slots: e.slots.map(([a, b]) => [a, b] as [number, number]) })),
    replicas: entries.filter((e) => e.role === 'replica').map((e) => ({ id: e.id, address: addr(e), ...(e.masterId ? { masterId: e.masterId } : {}) })),
    /** migrating/importing markers: a slot already open */
    open: entries.flatMap((e) => e.slotMigrations.map((m) => `${addr(e)} ${m}`)),
  };
}

/** Reads the cluster from one node (not journaled: a read). */
export async function readClusterView(pool: NodePool, node: string): Promise<ClusterView & { open: string[] }> {
  return clusterViewOf(String(await pool.call(node, ['CLUSTER', 'NODES'])));
}

/**
 * The open slots of every master: a node shows its MIGRATING/IMPORTING markers on its own CLUSTER NODES line only,
 * so the entry's view alone misses a slot left open between two other masters.
 */
export async function openOnEveryMaster(pool: RespPool, view: ClusterView & { open: string[] }): Promise<string[]> {
  const seen = await Promise.all(
    view.masters.map(async (m) => {
      const p = (await pool.get(m.address)).pipeline();
      p.call('CLUSTER', ['NODES']);
      const [[err, text]] = await p.exec();
      if (err) throw new Error(`CLUSTER NODES on ${m.address}: ${err.message}`);
      return clusterViewOf(String(text)).open;
    }),
  );
  return [...new Set([...view.open, ...seen.flat()])];
}
