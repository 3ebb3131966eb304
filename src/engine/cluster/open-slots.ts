// Open slots: MIGRATING / IMPORTING markers in each node's own CLUSTER NODES line, grouped by slot, with the keys
// still in the slot on each side (COUNTKEYSINSLOT). An open slot is left by a move in progress or one that was
// interrupted (redis-cli --cluster reshard stopped, a crash, a timeout). Pure.
import { parseSlotMigration } from '../topology/parse-cluster-nodes.js';
import type { Finding, OpenSlot } from './check-types.js';
import type { ClusterPicture } from './picture.js';

export function openSlotsOf(p: ClusterPicture): OpenSlot[] {
  const bySlot = new Map<number, OpenSlot>();
  for (const r of p.answered) {
    const self = r.view.find((n) => n.myself);
    for (const marker of self?.slotMigrations ?? []) {
      const m = parseSlotMigration(marker);
      if (!m) continue;
      const open = bySlot.get(m.slot) ?? { slot: m.slot, migrating: [], importing: [] };
      bySlot.set(m.slot, open);
      const keys = r.slotKeys?.[m.slot] ?? 0;
      if (m.state === 'migrating') open.migrating.push({ node: r.address, to: p.addressOf(m.nodeId), keysLeft: keys });
      else open.importing.push({ node: r.address, from: p.addressOf(m.nodeId), keys });
    }
  }
  return [...bySlot.values()].sort((a, b) => a.slot - b.slot);
}

/** One line per open slot: who migrates it where, who imports it, how many keys are left. */
export function openSlotFindings(open: OpenSlot[]): Finding[] {
  return open.map((o) => {
    const parts = [
      ...o.migrating.map((m) => `MIGRATING on ${m.node} to ${m.to} (${m.keysLeft} key${m.keysLeft === 1 ? '' : 's'} left there)`),
      ...o.importing.map((i) => `IMPORTING on ${i.node} from ${i.from} (${i.keys} key${i.keys === 1 ? '' : 's'} there)`),
    ];
    const lone = !o.migrating.length ? ' with no node migrating it' : !o.importing.length ? ' with no node importing it' : '';
    return {
      severity: 'problem' as const,
      kind: 'open-slot' as const,
      node: o.migrating[0]?.node ?? o.importing[0]?.node,
      text: `slot ${o.slot} is open${lone}: ${parts.join('; ')}`,
      slots: [[o.slot, o.slot]] as Array<[number, number]>,
    };
  });
}
