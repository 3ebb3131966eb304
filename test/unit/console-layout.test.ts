import { describe, expect, it } from 'vitest';
import { consoleLayout } from '../../src/ui/layout.js';
import { wizardLayout, wizardMinHeight, wizardWindow } from '../../src/ui/wizard-view.js';
import { foldWizard } from '../../src/store/wizard.js';
import type { PlanView, StepView } from '../../src/engine/failover/types.js';

const sum = (l: ReturnType<typeof consoleLayout>) => l.topo + l.job + l.drill + l.bottom + 3;

describe('consoleLayout', () => {
  it('stays within rows − 1 whatever is on screen', () => {
    for (const rows of [24, 30, 36, 50]) {
      for (const job of [0, 4, 6]) {
        for (const drillWant of [undefined, 5, 9]) {
          for (const wizardMin of [undefined, 6, 9]) {
            const l = consoleLayout({ rows, nodeCount: 7, job, drillWant, wizardMin });
            expect(sum(l)).toBeLessThanOrEqual(rows - 1);
            expect(l.height).toBe(rows - 1);
            if (wizardMin) expect(l.bottom).toBeGreaterThanOrEqual(wizardMin);
          }
        }
      }
    }
  });
  it('as before without a wizard: the whole topology, the drill, the event log the rest', () => {
    expect(consoleLayout({ rows: 24, nodeCount: 6, job: 0, drillWant: 6 })).toEqual({ height: 23, topo: 9, job: 0, slotMap: 0, drill: 6, bottom: 5 });
  });
  it('gives the wizard its rows before the drill its wish', () => {
    const l = consoleLayout({ rows: 24, nodeCount: 6, job: 0, drillWant: 8, wizardMin: 9 });
    expect(l.bottom).toBeGreaterThanOrEqual(9);
    expect(l.drill).toBeGreaterThanOrEqual(3);
  });
});

const step = (index: number, what: string): StepView => ({ index, id: `w${index}`, kind: 'wait', what, why: 'w', changesRole: false });
const plan: PlanView = { procedure: 'failover', title: 'planned failover · a → b', mode: 'planned', nodes: [], checks: [{ ok: true, text: 'b answers' }], notes: [], steps: [0, 1, 2, 3, 4].map((i) => step(i, `until thing ${i}`)), confirmWord: 'b' };

describe('wizardLayout', () => {
  it('pins the instruction and the input line while it waits for the typed word', () => {
    const w = foldWizard(foldWizard(undefined, { type: 'wizard-started', node: 'b', unplanned: false, at: 0 }), { type: 'wizard', event: { type: 'plan', plan } })!;
    const l = wizardLayout(w, 'b', 40, 0);
    const pinned = l.pinned.map((p) => p.text);
    expect(pinned.at(-1)).toBe('> b▌');
    expect(pinned.slice(0, -1).map((t) => t.trim()).join(' ')).toBe('type b and Enter to run it · Esc: nothing changes · Tab: drill alongside [off]');
    for (const t of pinned) expect(t.length).toBeLessThanOrEqual(40);
    expect(wizardMinHeight(l)).toBe(2 + pinned.length + 3);
    // a pane with room for two lines of text shows two, and scrolling stops at the end
    const h = 2 + pinned.length + 2;
    expect(wizardWindow(l, h, undefined)).toEqual({ top: 0, room: 2, maxTop: l.doc.length - 2 });
    expect(wizardWindow(l, h, 99).top).toBe(l.doc.length - 2);
  });
  it('names the journal once, pinned, and starts the view at the outcome', () => {
    let w = foldWizard(foldWizard(undefined, { type: 'wizard-started', node: 'b', unplanned: false, at: 0 }), { type: 'wizard', event: { type: 'plan', plan } })!;
    w = foldWizard(w, { type: 'wizard', event: { type: 'summary', outcome: { status: 'done', results: [], measures: [], marks: {}, notes: [], elapsedMs: 5, journal: 'j.jsonl' } } })!;
    const l = wizardLayout(w, '', 60, 0);
    expect(l.doc.some((d) => d.text.includes('j.jsonl'))).toBe(false);
    expect(l.pinned.map((p) => p.text)).toEqual(['journal j.jsonl · Esc closes']);
    expect(l.doc[l.anchor].text).toMatch(/^done: planned failover/);
  });
});
