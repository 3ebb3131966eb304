// Redundancy: masters serving slots with no replica in service, and replicas on the same host as their master (one
// host failure loses both). When every node is on one host, as in a lab or on a laptop, that is said once, as a note. Pure.
import type { Finding } from './check-types.js';
import type { ClusterPicture } from './picture.js';

/** Replicas of a master in the reference view: those in service, and how many are flagged fail/pfail or did not answer. */
export function replicasOf(p: ClusterPicture, masterId: string): { inService: number; failing: number } {
  const all = [...p.byId.values()].filter((n) => n.role === 'replica' && n.masterId === masterId);
  const failing = all.filter((n) => n.failing || p.readings.some((r) => r.id === n.id && r.error)).length;
  return { inService: all.length - failing, failing };
}

export function replicaFindings(p: ClusterPicture, servingMasters: string[]): Finding[] {
  const out: Finding[] = [];
  for (const id of servingMasters) {
    const { inService, failing } = replicasOf(p, id);
    if (inService > 0) continue;
    const address = p.addressOf(id);
    out.push({
      severity: 'warning',
      kind: 'no-replica',
      node: address,
      text: `master ${address} has no replica in service${failing ? ` (${failing} failing)` : ''}: if it fails, its slots go uncovered until it is back`,
    });
  }
  const hosts = new Set([...p.byId.values()].filter((n) => n.port && !n.flags.includes('noaddr')).map((n) => n.host));
  if (hosts.size === 1) {
    const [host] = hosts;
    out.push({ severity: 'note', kind: 'one-host', text: `every node is on ${host}: a lab or test setup (one host failure takes the whole cluster); replicas on the same host as their master are not listed` });
    return out;
  }
  for (const n of p.byId.values()) {
    if (n.role !== 'replica' || !n.masterId) continue;
    const master = p.byId.get(n.masterId);
    if (master && master.host === n.host) {
      out.push({
        severity: 'warning',
        kind: 'replica-same-host',
        node: p.addressOf(n.id),
        text: `replica ${p.addressOf(n.id)} is on the same host (${n.host}) as its master ${p.addressOf(master.id)}: one host failure loses both`,
      });
    }
  }
  return out;
}
