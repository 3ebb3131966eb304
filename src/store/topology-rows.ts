// The topology as rows to draw: each master with its replicas below it (chains nested), a cluster's
// masters ordered by their first slot, and the Sentinels after the master they watch. Pure.
import { nodeId } from '../options/endpoint.js';
import type { NodeState } from '../engine/topology/types.js';

export interface TopologyRow {
  id: string;
  depth: number;
  /** tree drawing before the name: '', '└─ ', '├─ ', '│  └─ ' … */
  prefix: string;
  node: NodeState;
}

function firstSlot(n: NodeState): number {
  return n.cluster?.self?.slots[0]?.[0] ?? Number.MAX_SAFE_INTEGER;
}

function monitoredBy(sentinel: NodeState): string[] {
  return (sentinel.sentinel?.masters ?? []).map((m) => nodeId(m.host, m.port));
}

export function topologyRows(nodes: Record<string, NodeState>, order: string[]): TopologyRow[] {
  const all = order.map((id) => nodes[id]).filter(Boolean);
  const data = all.filter((n) => n.role !== 'sentinel');
  // Sentinels in name order (s1, s2, s3), whatever order their hellos arrived in
  const sentinels = all.filter((n) => n.role === 'sentinel').sort((a, b) => (a.label ?? a.id).localeCompare(b.label ?? b.id, 'en', { numeric: true }));
  const children = new Map<string, NodeState[]>();
  for (const n of data) {
    if (n.role === 'replica' && n.masterId && nodes[n.masterId] && n.masterId !== n.id) {
      const list = children.get(n.masterId) ?? [];
      list.push(n);
      children.set(n.masterId, list);
    }
  }
  const isChild = (n: NodeState) => n.role === 'replica' && !!n.masterId && !!nodes[n.masterId] && n.masterId !== n.id;
  let roots = data.filter((n) => !isChild(n));
  if (roots.some((n) => n.cluster)) roots = [...roots].sort((a, b) => firstSlot(a) - firstSlot(b));

  const rows: TopologyRow[] = [];
  const placed = new Set<string>();
  const walk = (n: NodeState, depth: number, lead: string, last: boolean) => {
    if (placed.has(n.id)) return; // a replication loop would otherwise never end
    placed.add(n.id);
    rows.push({ id: n.id, depth, prefix: depth === 0 ? '' : lead + (last ? '└─ ' : '├─ '), node: n });
    const kids = children.get(n.id) ?? [];
    kids.forEach((k, i) => walk(k, depth + 1, depth === 0 ? '' : lead + (last ? '   ' : '│  '), i === kids.length - 1));
  };
  for (const root of roots) {
    const before = rows.length;
    walk(root, 0, '', true);
    const subtree = new Set(rows.slice(before).map((r) => r.id));
    for (const s of sentinels) {
      if (placed.has(s.id)) continue;
      if (monitoredBy(s).some((m) => subtree.has(m))) {
        placed.add(s.id);
        rows.push({ id: s.id, depth: 0, prefix: '', node: s });
      }
    }
  }
  for (const n of [...data, ...sentinels]) if (!placed.has(n.id)) rows.push({ id: n.id, depth: 0, prefix: '', node: n });
  return rows;
}
