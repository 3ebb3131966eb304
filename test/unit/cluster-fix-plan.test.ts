// The fix plan of each open-slot case, as redis-cli --cluster fix settles it (pure).
import { describe, expect, it } from 'vitest';
import { planSlotFix } from '../../src/engine/cluster/fix/fix-plan.js';
import type { ClusterMaster } from '../../src/engine/cluster/move/types.js';

const A: ClusterMaster = { id: 'a'.repeat(40), address: 'h:1', slots: [[0, 99]] };
const B: ClusterMaster = { id: 'b'.repeat(40), address: 'h:2', slots: [[100, 199]] };
const C: ClusterMaster = { id: 'c'.repeat(40), address: 'h:3', slots: [[200, 16383]] };
const masters = [A, B, C];
const lines = (f: ReturnType<typeof planSlotFix>) => f.steps.map((s) => `${s.node} ${s.kind === 'keys' ? `keys→${s.to}` : s.argv.slice(3).join(' ')}`);

describe('planSlotFix', () => {
  it('migrating and importing: the keys, then NODE on the target, the source, the others (redis#7116)', () => {
    const f = planSlotFix({ slot: 5, migrating: [{ node: 'h:1', to: 'h:2', keysLeft: 3 }], importing: [{ node: 'h:2', from: 'h:1', keys: 2 }] }, masters);
    expect(lines(f)).toEqual(['h:1 keys→h:2', `h:2 NODE ${B.id}`, `h:1 NODE ${B.id}`, `h:3 NODE ${B.id}`]);
  });

  it('migrating with several importers: finished towards the one named, the others closed', () => {
    const f = planSlotFix({ slot: 5, migrating: [{ node: 'h:1', to: 'h:3', keysLeft: 0 }], importing: [{ node: 'h:2', from: 'h:1', keys: 0 }, { node: 'h:3', from: 'h:1', keys: 0 }] }, masters);
    expect(lines(f)).toEqual([`h:3 NODE ${C.id}`, `h:1 NODE ${C.id}`, `h:2 NODE ${C.id}`, 'h:2 STABLE']);
  });

  it('migrating with several importers, none the one named: all closed', () => {
    const f = planSlotFix({ slot: 5, migrating: [{ node: 'h:1', to: 'h:9', keysLeft: 0 }], importing: [{ node: 'h:2', from: 'h:1', keys: 0 }, { node: 'h:3', from: 'h:1', keys: 0 }] }, masters);
    expect(lines(f)).toEqual(['h:1 STABLE', 'h:2 STABLE', 'h:3 STABLE']);
  });

  it('importing only: the importer\'s keys back to the owner (after ASKING), closed, the others told the owner', () => {
    const f = planSlotFix({ slot: 5, migrating: [], importing: [{ node: 'h:2', from: 'h:1', keys: 4 }] }, masters);
    expect(lines(f)).toEqual(['h:2 keys→h:1', 'h:2 STABLE', `h:2 NODE ${A.id}`, `h:3 NODE ${A.id}`]);
    expect(f.steps[0]).toMatchObject({ kind: 'keys', asking: true });
  });

  it('migrating only on the owner: STABLE; on a node that lost the slot (killed after the target\'s NODE): keys on, NODE there', () => {
    expect(lines(planSlotFix({ slot: 5, migrating: [{ node: 'h:1', to: 'h:2', keysLeft: 7 }], importing: [] }, masters))).toEqual(['h:1 STABLE']);
    const lost = planSlotFix({ slot: 150, migrating: [{ node: 'h:1', to: 'h:2', keysLeft: 0 }], importing: [] }, masters);
    expect(lines(lost)).toEqual([`h:1 NODE ${B.id}`, `h:3 NODE ${B.id}`]);
  });

  it('several nodes migrating, or no owner: refused with what to do', () => {
    expect(planSlotFix({ slot: 5, migrating: [{ node: 'h:1', to: 'h:2', keysLeft: 0 }, { node: 'h:3', to: 'h:2', keysLeft: 0 }], importing: [] }, masters).refused).toMatch(/several nodes migrate slot 5/);
    expect(planSlotFix({ slot: 5, migrating: [], importing: [{ node: 'h:2', from: 'h:1', keys: 0 }] }, [B, C]).refused).toMatch(/slot 5 has no owner: assign it first/);
  });
});

describe('planCover', () => {
  it('a slot with keys goes to the master holding them; one with none to --to, else refused naming --to; keys on two masters refused', async () => {
    const { planCover } = await import('../../src/engine/cluster/fix/cover-plan.js');
    const keys = new Map<string, Record<number, number>>([['h:2', { 10: 3, 11: 1, 12: 2 }], ['h:3', { 12: 1 }]]);
    const fixes = planCover([[10, 13]], keys, masters);
    expect(fixes.map((f) => [f.diagnosis, f.steps.map((s) => `${s.node} ${s.kind === 'command' ? s.argv.join(' ') : ''}`), f.refused])).toEqual([
      ['slots 10-11 are served by no master; h:2 holds their keys', ['h:2 CLUSTER ADDSLOTSRANGE 10 11'], undefined],
      ['slot 13 is served by no master and hold no key', [], 'name the master that should serve them with --to ID (node id or host:port)'],
      ['slot 12 is served by no master and their keys sit on several masters', [], expect.stringMatching(/by hand/)],
    ]);
    expect(planCover([[13, 13]], keys, masters, 'h:1')[0].steps).toMatchObject([{ node: 'h:1', argv: ['CLUSTER', 'ADDSLOTSRANGE', '13', '13'] }]);
  });
});
