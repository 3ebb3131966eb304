// Slot coverage as the masters themselves serve it (each master's own CLUSTER NODES `myself` line; the reference view
// for one that did not answer), as redis-cli --cluster check reads it: uncovered ranges, slots claimed twice, and
// keys a master holds in slots it does not serve (CLUSTER COUNTKEYSINSLOT). Pure.
import { parseSlotMigration } from '../topology/parse-cluster-nodes.js';
import type { Finding } from './check-types.js';
import type { ClusterPicture } from './picture.js';
import { rangesText, SLOTS, toRanges, type SlotMap } from './slot-map.js';

/** Masters of the reference view, with the slots each serves by its own account. */
export function servedMap(p: ClusterPicture): { map: SlotMap; claimedTwice: Map<number, string[]> } {
  const map: SlotMap = new Array(SLOTS).fill(undefined);
  const claimedTwice = new Map<number, string[]>();
  for (const n of p.byId.values()) {
    const self = p.selfOf(n.id);
    if (!self || self.role !== 'master') continue;
    for (const [a, b] of self.slots) {
      for (let s = a; s <= b && s < SLOTS; s++) {
        const owner = map[s];
        if (owner === undefined) map[s] = n.id;
        else if (owner !== n.id) claimedTwice.set(s, [...(claimedTwice.get(s) ?? [owner]), n.id]);
      }
    }
  }
  return { map, claimedTwice };
}

export function coverageFindings(p: ClusterPicture, map: SlotMap, claimedTwice: Map<number, string[]>): { uncovered: Array<[number, number]>; findings: Finding[] } {
  const findings: Finding[] = [];
  const uncovered = toRanges(map.flatMap((owner, s) => (owner === undefined ? [s] : [])));
  if (uncovered.length) {
    const n = uncovered.reduce((sum, [a, b]) => sum + b - a + 1, 0);
    findings.push({
      severity: 'problem',
      kind: 'uncovered',
      text: `${n} slot${n === 1 ? ' is' : 's are'} not served by any master: ${rangesText(uncovered)} (commands on their keys fail with CLUSTERDOWN)`,
      slots: uncovered,
    });
  }
  // one line per set of claimants
  const byClaimants = new Map<string, number[]>();
  for (const [slot, ids] of claimedTwice) byClaimants.set(ids.join(' '), [...(byClaimants.get(ids.join(' ')) ?? []), slot]);
  for (const [ids, slots] of byClaimants) {
    const ranges = toRanges(slots);
    findings.push({
      severity: 'problem',
      kind: 'claimed-twice',
      text: `slots ${rangesText(ranges)} are claimed by several masters: ${ids.split(' ').map(p.addressOf).join(' and ')}`,
      slots: ranges,
    });
  }
  findings.push(...unownedKeyFindings(p, map));
  return { uncovered, findings };
}

/** A master's keys in slots it neither serves nor imports: left behind by DELSLOTS, a reset, or a move gone wrong. */
function unownedKeyFindings(p: ClusterPicture, map: SlotMap): Finding[] {
  const out: Finding[] = [];
  for (const r of p.answered) {
    if (!r.id || !r.slotKeys) continue;
    const importing = new Set(
      (r.view.find((n) => n.myself)?.slotMigrations ?? []).flatMap((m) => {
        const x = parseSlotMigration(m);
        return x?.state === 'importing' ? [x.slot] : [];
      }),
    );
    const stray = Object.entries(r.slotKeys)
      .map(([s, n]) => [Number(s), n] as const)
      .filter(([s]) => map[s] !== r.id && !importing.has(s));
    if (!stray.length) continue;
    const keys = stray.reduce((sum, [, n]) => sum + n, 0);
    const ranges = toRanges(stray.map(([s]) => s));
    const owners = [...new Set(stray.map(([s]) => map[s]))].map((o) => (o === undefined ? 'no master' : p.addressOf(o)));
    out.push({
      severity: 'problem',
      kind: 'keys-in-unowned-slots',
      node: r.address,
      text: `${r.address} holds ${keys} key${keys === 1 ? '' : 's'} in slot${ranges.length === 1 && ranges[0][0] === ranges[0][1] ? '' : 's'} ${rangesText(ranges)} that it does not serve (${owners.includes('no master') && owners.length === 1 ? 'no master serves them' : `served by ${owners.join(', ')}`}): clients are never routed to them there`,
      slots: ranges,
    });
  }
  return out;
}
