// `cutover cluster fix`, the plan for open slots: each slot left MIGRATING/IMPORTING becomes a list of steps (node,
// command, why), following redis-cli's clusterManagerFixOpenSlot case by case:
//   - migrating on one node, importing on one other: finish the move (its keys by MIGRATE, then SETSLOT NODE on the
//     target, the source, every other master: redis#7116's order);
//   - migrating on one node, importing on several: finish towards the importer the migrating node names and close
//     the others (SETSLOT STABLE); if none is named, close them all;
//   - importing only: the slot's owner keeps it; the importers' keys go back to it, each importer is closed, every
//     other master is told the owner (SETSLOT NODE);
//   - migrating only: close it on its owner (SETSLOT STABLE); on a node that no longer owns it (a move killed
//     between the target's and the source's SETSLOT NODE), its keys go to the owner and SETSLOT NODE ends it.
// A case redis-cli cannot fix either (several nodes migrating, no owner) is refused for that slot, with why. Pure.
import type { OpenSlot } from '../check-types.js';
import type { ClusterMaster } from '../move/types.js';

export type FixStep =
  | { kind: 'command'; slot: number; node: string; argv: string[]; why: string }
  /** `asking`: the node imports the slot without owning it, and serves its keys only after ASKING */
  | { kind: 'keys'; slot: number; node: string; to: string; keys: number; why: string; asking?: boolean };

export interface SlotFix {
  slot: number;
  /** the redis-cli case, in words */
  diagnosis: string;
  steps: FixStep[];
  /** set when the slot cannot be fixed automatically: why, and what to do */
  refused?: string;
}

function ownerOf(masters: ClusterMaster[], slot: number): ClusterMaster | undefined {
  return masters.find((m) => m.slots.some(([a, b]) => slot >= a && slot <= b));
}

const stable = (slot: number, node: string, why: string): FixStep => ({ kind: 'command', slot, node, argv: ['CLUSTER', 'SETSLOT', String(slot), 'STABLE'], why });

/** SETSLOT NODE to `owner`: on `first` nodes in this order, then every other master. */
function nodeSteps(slot: number, owner: ClusterMaster, masters: ClusterMaster[], first: string[], whyFirst: string[]): FixStep[] {
  const s = String(slot);
  const order = [...first, ...masters.map((m) => m.address).filter((a) => !first.includes(a))];
  return order.map((node, i) => ({
    kind: 'command' as const,
    slot,
    node,
    argv: ['CLUSTER', 'SETSLOT', s, 'NODE', owner.id],
    why: whyFirst[i] ?? `${node} redirects slot ${s} to ${owner.address} at once`,
  }));
}

/** A finished move of `slot` from `src` to `dst` (both masters): keys, then NODE on the target, the source, the rest. */
function finish(slot: number, src: string, dst: ClusterMaster, keys: number, masters: ClusterMaster[]): FixStep[] {
  return [
    ...(keys > 0 ? [{ kind: 'keys' as const, slot, node: src, to: dst.address, keys, why: `the ${keys} key${keys === 1 ? '' : 's'} left on ${src} go on to ${dst.address}` }] : []),
    ...nodeSteps(slot, dst, masters, [dst.address, src], [`the target owns slot ${slot} (told first: redis#7116)`, `the source gives slot ${slot} up and leaves MIGRATING`]),
  ];
}

export function planSlotFix(o: OpenSlot, masters: ClusterMaster[]): SlotFix {
  const slot = o.slot;
  const byAddress = (a: string) => masters.find((m) => m.address === a);
  const owner = ownerOf(masters, slot);
  const refuse = (diagnosis: string, refused: string): SlotFix => ({ slot, diagnosis, steps: [], refused });

  if (o.migrating.length > 1) {
    return refuse(`slot ${slot} is migrating on ${o.migrating.length} nodes`, `several nodes migrate slot ${slot} (${o.migrating.map((m) => m.node).join(', ')}): redis-cli --cluster fix cannot settle this either; keep the owner's MIGRATING, close the others with CLUSTER SETSLOT ${slot} STABLE, and run fix again`);
  }
  if (o.migrating.length === 1) {
    const m = o.migrating[0];
    if (o.importing.length === 0) {
      if (!owner) return refuse(`slot ${slot} is migrating on ${m.node} and no master owns it`, `slot ${slot} has no owner: assign it first (CLUSTER ADDSLOTS ${slot} on the master that should serve it)`);
      if (owner.address === m.node) {
        return { slot, diagnosis: `slot ${slot} is migrating on its owner ${m.node} and no node imports it: the move never started or was undone`, steps: [stable(slot, m.node, `${m.node} keeps slot ${slot} and its ${m.keysLeft} key${m.keysLeft === 1 ? '' : 's'}; no node takes them`)] };
      }
      return {
        slot,
        diagnosis: `slot ${slot} is migrating on ${m.node}, which no longer owns it (${owner.address} does): a move stopped after the target's SETSLOT NODE`,
        steps: finish(slot, m.node, owner, m.keysLeft, masters).filter((st) => !(st.kind === 'command' && st.node === owner.address && st.argv[3] === 'NODE')),
      };
    }
    const dstEntry = o.importing.length === 1 ? o.importing[0] : o.importing.find((i) => i.node === m.to);
    const dst = dstEntry && byAddress(dstEntry.node);
    if (!dstEntry) {
      // several importers, none the one the migrating node names: close them all (redis-cli's case 3, no target)
      return {
        slot,
        diagnosis: `slot ${slot} is migrating on ${m.node} to ${m.to}, and imported by ${o.importing.map((i) => i.node).join(', ')}, none of them ${m.to}`,
        steps: [stable(slot, m.node, `${m.node} keeps slot ${slot}: no importer matches its target`), ...o.importing.map((i) => stable(slot, i.node, `${i.node} stops importing slot ${slot}`))],
      };
    }
    if (!dst) return refuse(`slot ${slot} is imported by ${dstEntry.node}, which is not a master in service`, `the importing node ${dstEntry.node} is not a master in service: bring it back, or close the slot by hand (CLUSTER SETSLOT ${slot} STABLE on ${m.node})`);
    const others = o.importing.filter((i) => i !== dstEntry);
    const busy = others.find((i) => i.keys > 0);
    if (busy) return refuse(`slot ${slot} is imported by several nodes with keys`, `${busy.node} imports slot ${slot} and holds ${busy.keys} of its keys as well as ${dstEntry.node}: move them by hand, then run fix again`);
    return {
      slot,
      diagnosis: `slot ${slot} is migrating on ${m.node} and importing on ${dst.address}${others.length ? ` (and on ${others.map((i) => i.node).join(', ')})` : ''}: a move interrupted`,
      steps: [...finish(slot, m.node, dst, m.keysLeft, masters), ...others.map((i) => stable(slot, i.node, `${i.node} stops importing slot ${slot}: ${dst.address} took it`))],
    };
  }
  // importing only: the owner keeps the slot, the importers' keys go back to it
  if (!owner) return refuse(`slot ${slot} is importing on ${o.importing.map((i) => i.node).join(', ')} and no master owns it`, `slot ${slot} has no owner: assign it first (CLUSTER ADDSLOTS ${slot} on the master that should serve it)`);
  const steps: FixStep[] = [];
  for (const i of o.importing) {
    if (i.node === owner.address) {
      steps.push(stable(slot, i.node, `${i.node} owns slot ${slot} and stops importing it`));
      continue;
    }
    if (i.keys > 0) steps.push({ kind: 'keys', slot, node: i.node, to: owner.address, keys: i.keys, asking: true, why: `the ${i.keys} key${i.keys === 1 ? '' : 's'} ${i.node} holds go to the owner ${owner.address}` });
    steps.push(stable(slot, i.node, `${i.node} stops importing slot ${slot}`));
  }
  steps.push(...nodeSteps(slot, owner, masters.filter((m) => m.id !== owner.id), [], []));
  return { slot, diagnosis: `slot ${slot} is importing on ${o.importing.map((i) => i.node).join(', ')} with no node migrating it; ${owner.address} owns it`, steps };
}

export function planFix(open: OpenSlot[], masters: ClusterMaster[]): SlotFix[] {
  return open.map((o) => planSlotFix(o, masters));
}
