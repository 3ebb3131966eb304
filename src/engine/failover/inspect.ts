// What state each node is in now: INFO replication on every data node, the master a Sentinel names.
// Used after a failure (to say where things stand and the way back) and as the post-check of a run.
import { nodeId } from '../../options/endpoint.js';
import type { NodePool } from './pool.js';
import type { NodeId, NodeReport } from './types.js';

export interface InspectTarget {
  id: NodeId;
  label?: string;
  /** a Sentinel: asked which master it names (masterName), not INFO replication */
  sentinel?: boolean;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer from ${what} within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

export async function inspectNode(pool: NodePool, t: InspectTarget, masterName?: string, timeoutMs = 2000): Promise<NodeReport> {
  const base = { id: t.id, ...(t.label ? { label: t.label } : {}) };
  try {
    if (t.sentinel) {
      if (!masterName) return { ...base, reachable: true, role: 'sentinel' };
      const reply = (await withTimeout(pool.call(t.id, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName]), timeoutMs, t.id)) as string[] | null;
      const names = Array.isArray(reply) && reply.length >= 2 ? nodeId(String(reply[0]), Number(reply[1])) : undefined;
      return { ...base, reachable: true, role: 'sentinel', ...(names ? { masterId: names, note: `names ${names} as ${masterName}'s master` } : { note: `knows no master named ${masterName}` }) };
    }
    const info = await withTimeout(pool.info(t.id), timeoutMs, t.id);
    const r = info.replication;
    if (!r) return { ...base, reachable: true, role: 'unknown' };
    if (r.role === 'master') return { ...base, reachable: true, role: 'master', offset: r.masterReplOffset };
    return {
      ...base,
      reachable: true,
      role: 'replica',
      ...(r.masterHost && r.masterPort ? { masterId: nodeId(r.masterHost, r.masterPort) } : {}),
      ...(r.linkStatus ? { link: r.linkStatus } : {}),
      offset: r.replicaOffset ?? r.masterReplOffset,
      ...(r.syncInProgress ? { note: 'full sync in progress' } : {}),
    };
  } catch (err) {
    return { ...base, reachable: false, error: String((err as Error)?.message ?? err) };
  }
}

/** Every node at once; a node that does not answer is reported unreachable, with why. */
export function inspectNodes(pool: NodePool, targets: InspectTarget[], masterName?: string, timeoutMs?: number): Promise<NodeReport[]> {
  return Promise.all(targets.map((t) => inspectNode(pool, t, masterName, timeoutMs)));
}
