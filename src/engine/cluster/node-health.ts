// Nodes that did not answer, nodes other nodes flag fail or pfail (and how many of them), and nodes whose
// cluster_state is not ok. Pure.
import type { Finding } from './check-types.js';
import type { ClusterPicture } from './picture.js';

export function nodeHealthFindings(p: ClusterPicture): Finding[] {
  const out: Finding[] = [];
  for (const r of p.readings) {
    if (r.error) out.push({ severity: 'problem', kind: 'unreachable', node: r.address, text: `${r.address} did not answer: ${r.error}` });
  }
  for (const id of p.byId.keys()) {
    const peers = p.answered.filter((r) => r.id !== id && r.view.some((n) => n.id === id));
    const fail = peers.filter((r) => r.view.find((n) => n.id === id)?.failing === 'fail').length;
    const pfail = peers.filter((r) => r.view.find((n) => n.id === id)?.failing === 'pfail').length;
    const address = p.addressOf(id);
    const role = p.byId.get(id)?.role === 'replica' ? 'replica' : 'master';
    if (fail) out.push({ severity: 'problem', kind: 'fail', node: address, text: `${role} ${address} is flagged fail by ${fail} of ${peers.length} nodes` });
    else if (pfail) out.push({ severity: 'problem', kind: 'pfail', node: address, text: `${role} ${address} is flagged pfail (not reachable, not yet agreed as failed) by ${pfail} of ${peers.length} nodes` });
  }
  const notOk = p.answered.filter((r) => r.info && r.info.cluster_state !== 'ok');
  if (notOk.length) {
    const states = [...new Set(notOk.map((r) => r.info?.cluster_state ?? '?'))].join('/');
    out.push({
      severity: 'problem',
      kind: 'cluster-state',
      text: `cluster_state is ${states} on ${notOk.length} of ${p.answered.length} nodes (${notOk.map((r) => r.address).join(', ')})`,
    });
  }
  return out;
}
