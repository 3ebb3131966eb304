// What is left of a reshard from its journal and the cluster now (resume-plan.ts): done, to move, elsewhere, no
// owner; and the refusals, one line each: not a reshard journal, the target gone, slots open.
import { describe, expect, it } from 'vitest';
import { parseJournal, resumePlanOf, slotsOfText, type JournalLine } from '../../src/engine/cluster/move/resume-plan.js';
import { InputError } from '../../src/options/endpoint.js';
import { resumeText } from '../../src/render/cluster-reshard-text.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

const journal: JournalLine[] = [
  { event: 'start', procedure: 'reshard', time: '2026-01-01T00:00:00.000Z', options: { batchKeys: 7, migrateTimeoutMs: 5000, replace: false, memLimit: 2048, maxBlockMs: 50 } },
  { event: 'plan', procedure: 'reshard', moves: [{ from: 'h:1', to: 'h:3', fromId: A, toId: C, slots: '0-9', count: 10 }, { from: 'h:2', to: 'h:3', fromId: B, toId: C, slots: '100-104,200', count: 6 }], masters: [] },
  { event: 'confirm', procedure: 'reshard' },
  { event: 'command', procedure: 'reshard', step: 'slot:0:importing' },
];

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('resume of a reshard journal', () => {
  it('the cluster is the truth: target-owned slots done, source-owned still to move (plan order), a third owner or none left as they are', () => {
    const view = {
      masters: [
        { id: A, address: 'h:1', slots: [[5, 9]] as Array<[number, number]> },
        { id: B, address: 'h:2', slots: [[104, 104]] as Array<[number, number]> },
        { id: C, address: 'h:3', slots: [[0, 4], [100, 102]] as Array<[number, number]> },
        { id: 'd'.repeat(40), address: 'h:4', slots: [[103, 103]] as Array<[number, number]> },
      ],
      open: [],
    };
    const r = resumePlanOf(journal, view, 'j.jsonl');
    expect(r.procedure).toBe('reshard');
    expect(r.planned).toBe(16);
    expect(r.done).toEqual([0, 1, 2, 3, 4, 100, 101, 102]);
    expect(r.moves).toEqual([5, 6, 7, 8, 9].map((slot) => ({ slot, from: A, to: C })).concat([{ slot: 104, from: B, to: C }]));
    expect(r.elsewhere).toEqual([{ owner: `h:4 (dddddddd)`, slots: [103], ranges: [[103, 103]] }]);
    expect(r.unowned).toEqual([200]);
    expect(r.options).toMatchObject({ batchKeys: 7, memLimit: 2048 });
    expect(r.ended).toBeUndefined();
    const text = resumeText(r, 'j.jsonl');
    expect(text).toContain('16 slots planned: 8 done, 6 still to move');
    expect(text).toContain('no end line: stopped or killed');
    expect(text).toContain('slot 103 now on h:4 (dddddddd)');
    expect(text).toContain('slot 200: no master serves it now');
  });

  it('refuses: a journal of another procedure, no plan line, the target gone, open slots', () => {
    const view = { masters: [{ id: A, address: 'h:1', slots: [[0, 16383]] as Array<[number, number]> }], open: [] };
    expect(refusal(() => resumePlanOf([{ event: 'start', procedure: 'cluster-fix' }, { event: 'plan', procedure: 'cluster-fix', slots: [] }], view, 'f.jsonl'))).toBe(
      `f.jsonl is not the journal of a reshard or rebalance (it is a cluster-fix journal): give --resume the journal a reshard printed ('journal: …')`,
    );
    expect(refusal(() => resumePlanOf([], view, 'e.jsonl'))).toMatch(/^e\.jsonl is not the journal of a reshard or rebalance \(no plan line\)/);
    expect(refusal(() => resumePlanOf(journal, view, 'j.jsonl'))).toMatch(new RegExp(`^the plan's target ${C} \\(h:3\\) is no longer a master of the cluster`));
    expect(refusal(() => resumePlanOf(journal, { ...view, open: ['h:1 [5->-ccc]'] }, 'j.jsonl'))).toMatch(/^slots are open \(h:1 \[5->-ccc\]\), as a reshard killed midway leaves them: close them with cutover cluster fix first/);
  });

  it('reads JSON lines, dropping a last line cut short by kill -9; a bad line before it refuses', () => {
    expect(parseJournal('{"event":"start"}\n{"event":"plan"}\n{"event":"comm', 'j')).toHaveLength(2);
    expect(() => parseJournal('{"event":"start"}\nnot json\n{"event":"plan"}\n', 'j')).toThrow(/^j line 2 is not JSON/);
    expect(slotsOfText('0-2,7')).toEqual([0, 1, 2, 7]);
    expect(slotsOfText('3-1')).toBeUndefined();
  });
});
