// Whether every node that answered agrees with the others on the slot map and on each node's role (master, or replica
// of which master). The view most nodes share is the reference; each node that differs gets one line saying where. Pure.
import type { ClusterNodeEntry } from '../topology/types.js';
import type { Finding } from './check-types.js';
import type { ClusterPicture } from './picture.js';
import { rangesText, slotMapOf, toRanges, type SlotMap } from './slot-map.js';

/** The value most nodes give, by its key. */
function majority<T>(items: Array<{ key: string; value: T }>): string | undefined {
  const counts = new Map<string, number>();
  for (const { key } of items) counts.set(key, (counts.get(key) ?? 0) + 1);
  let best: string | undefined;
  for (const [key, n] of counts) if (best === undefined || n > counts.get(best)!) best = key;
  return best;
}

function slotSignature(map: SlotMap): string {
  return map.map((o) => o ?? '-').join(',');
}

export function slotMapFindings(p: ClusterPicture): Finding[] {
  const maps = p.answered.map((r) => ({ r, map: slotMapOf(r.view) }));
  const sigs = maps.map(({ r, map }) => ({ key: slotSignature(map), value: r }));
  const common = majority(sigs);
  if (common === undefined || sigs.every((s) => s.key === common)) return [];
  const commonMap = maps[sigs.findIndex((s) => s.key === common)].map;
  const agreeing = sigs.filter((s) => s.key === common).length;
  const out: Finding[] = [];
  for (const { r, map } of maps) {
    const differ: number[] = [];
    for (let s = 0; s < map.length; s++) if (map[s] !== commonMap[s]) differ.push(s);
    if (!differ.length) continue;
    const ranges = toRanges(differ);
    const first = differ[0];
    const own = (id: string | undefined) => (id === undefined ? 'no master' : p.addressOf(id));
    out.push({
      severity: 'problem',
      kind: 'slot-map-disagreement',
      node: r.address,
      text: `${r.address} disagrees with ${agreeing} other node${agreeing === 1 ? '' : 's'} on slots ${rangesText(ranges)}: it sees slot ${first} on ${own(map[first])}, they see it on ${own(commonMap[first])}`,
      slots: ranges,
    });
  }
  return out;
}

function roleOf(n: ClusterNodeEntry, p: ClusterPicture): string {
  if (n.role === 'master') return 'master';
  if (n.role === 'replica') return n.masterId ? `replica of ${p.addressOf(n.masterId)}` : 'replica';
  return 'of no role';
}

export function roleFindings(p: ClusterPicture): Finding[] {
  const out: Finding[] = [];
  for (const id of p.byId.keys()) {
    const seen = p.answered.flatMap((r) => {
      const n = r.view.find((x) => x.id === id);
      return n ? [{ key: roleOf(n, p), value: r }] : [];
    });
    const common = majority(seen);
    if (common === undefined) continue;
    for (const s of seen) {
      if (s.key === common) continue;
      out.push({
        severity: 'problem',
        kind: 'role-disagreement',
        node: s.value.address,
        text: `${s.value.address} sees ${p.addressOf(id)} as ${s.key}; ${seen.filter((x) => x.key === common).length} other node(s) see it as ${common}`,
      });
    }
  }
  return out;
}
