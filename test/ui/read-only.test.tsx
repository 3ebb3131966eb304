// --read-only in the console (ink-testing-library): a dangerous key does nothing and says so in one line; the footer,
// the ? help and the header show only what an observer can do; a compare (it only reads) still runs.
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { App } from '../../src/ui/App.js';
import { Ctx } from '../../src/ui/context.js';
import { themeFor } from '../../src/ui/theme.js';
import { uiActions } from '../../src/store/actions.js';
import { applyEvents } from '../../src/store/reduce.js';
import { initialState } from '../../src/store/state.js';
import { createAppStore } from '../../src/store/store.js';
import { fixtureEvents, NODES } from './fixtures.js';
import { recordingIntents, strip, until } from './helpers.js';

function mount(readOnly: boolean, size = { columns: 100, rows: 30 }) {
  const store = createAppStore(applyEvents(initialState(), fixtureEvents()));
  // the migration lab's start: a source and a target already marked
  store.setState((s) => ({ ui: { ...s.ui, pair: { source: NODES[0].id, target: NODES[1].id } } }));
  let quits = 0;
  const { asked, intents } = recordingIntents();
  const ctx = { store, actions: uiActions(store), theme: themeFor({ NO_COLOR: '1' }), intents, readOnly };
  const r = render(
    <Ctx.Provider value={ctx}>
      <App size={size} onQuit={() => quits++} />
    </Ctx.Provider>,
  );
  const frame = () => strip(r.lastFrame());
  const footer = () => frame().split('\n').filter((l) => l.trim()).at(-1) ?? '';
  return { ...r, store, asked, frame, footer, quits: () => quits };
}

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

const REFUSED: Array<[string, string]> = [
  ['s', 'read-only: snapshot (s) is disabled (started with --read-only)'],
  ['l', 'read-only: live replication (l) is disabled (started with --read-only)'],
  ['d', 'read-only: drill (d) is disabled (started with --read-only)'],
  ['f', 'read-only: failover (f) is disabled (started with --read-only)'],
];

describe('--read-only', () => {
  it('says READ-ONLY in the header and offers no dangerous key in the footer', async () => {
    const m = mount(true);
    cleanup = m.unmount;
    await until(() => m.frame().includes('Topology'), 'a frame');
    expect(m.frame().split('\n')[0]).toMatch(/^cutover · READ-ONLY · sentinel/);
    expect(m.footer()).toBe('↑↓/jk move  Enter details  S/T source/target  c compare  ? help  q quit');
    expect(m.frame()).toContain('c: compare (reads only) · snapshot and live replication are off (--read-only)');
    expect(m.frame()).not.toContain('s: snapshot');
  });

  it('without it, the same console offers them and says nothing of read-only', async () => {
    const m = mount(false);
    cleanup = m.unmount;
    await until(() => m.frame().includes('Topology'), 'a frame');
    expect(m.frame()).not.toContain('READ-ONLY');
    expect(m.footer()).toContain('s snapshot  c compare  l live  d drill  f failover');
  });

  for (const [key, line] of REFUSED) {
    it(`${key} does nothing and says so in one line, in the event log and in place of the footer`, async () => {
      const m = mount(true);
      cleanup = m.unmount;
      await until(() => m.frame().includes('Topology'), 'a frame');
      const before = m.store.getState();
      m.stdin.write(key);
      await until(() => m.footer() === line, 'the refusal in place of the footer');
      expect(m.store.getState().log.at(-1)).toMatchObject({ level: 'warn', message: line });
      expect(m.frame()).toContain(line.slice(0, 60)); // the event log's line too
      // nothing asked of the engine, no typed confirmation, no wizard
      expect(m.asked).toEqual([]);
      const after = m.store.getState();
      expect(after.ui.prompt).toBeUndefined();
      expect(after.wizard).toBeUndefined();
      expect(after.drill).toBeUndefined();
      expect(after.ui.pair).toEqual(before.ui.pair);
      expect(m.frame()).not.toContain('type yes');
      // "yes" typed afterwards starts nothing either
      m.stdin.write('yes\r');
      await until(() => m.frame().includes('Details ·'), 'Enter opened the details instead');
      expect(m.asked).toEqual([]);
    });
  }

  it('refuses each key of a chunk on its own, and keeps every other key working', async () => {
    const m = mount(true);
    cleanup = m.unmount;
    m.stdin.write('sfj');
    await until(() => m.store.getState().ui.selected === NODES[1].id, 'j after the refused keys');
    expect(m.store.getState().log.slice(-2).map((e) => e.message)).toEqual([REFUSED[0][1], REFUSED[3][1]]);
    expect(m.asked).toEqual([]);
    // a compare only reads: it runs, and x stops it
    m.stdin.write('c');
    await until(() => m.asked.length === 1, 'the compare');
    expect(m.asked[0]).toBe(`compare ${NODES[0].id} ${NODES[1].id}`);
    m.store.setState(applyEvents(m.store.getState(), [{ type: 'job-started', kind: 'compare', source: 'redis://127.0.0.1:7001', target: 'redis://127.0.0.1:7002', at: Date.now() }]));
    m.store.setState((s) => ({ ui: { ...s.ui, toast: undefined } })); // the refusals' line gone from the footer
    await until(() => m.footer().includes('x stop'), 'x offered while the compare runs');
    m.stdin.write('x');
    await until(() => m.asked.includes('stop'), 'the compare stopped');
    m.stdin.write('q');
    await until(() => m.quits() === 1, 'quit');
  });

  it('leaves the dangerous keys out of the ? help and says which are off', async () => {
    const m = mount(true, { columns: 100, rows: 40 });
    cleanup = m.unmount;
    m.stdin.write('?');
    await until(() => m.frame().includes('Help · keys'), 'help open');
    const f = m.frame();
    const labels = f.split('\n').map((l) => /^│(\S+)\s{2,}/.exec(l)?.[1]).filter(Boolean);
    expect(labels).toEqual(['↑/k', '↓/j', 'PgUp', 'PgDn', 'Enter', 'Tab', 'S', 'T', 'c', 'x', '?', 'Esc', 'q']);
    expect(f).not.toMatch(/copy source → target|live replication source|start a drill|failover wizard for/);
    expect(f).not.toContain("failover wizard's typed confirmation");
    expect(f.replace(/[│\n]/g, ' ').replace(/\s+/g, ' ')).toContain(
      'READ-ONLY (started with --read-only): s snapshot, l live replication, d drill and f failover are disabled; nothing on any server can be changed from this console',
    );
    m.stdin.write('\x1b');
    await until(() => !m.frame().includes('Help · keys'), 'help closed');
  });

  it('the refusal goes from the footer after a few seconds; the event log keeps it', async () => {
    const m = mount(true);
    cleanup = m.unmount;
    m.stdin.write('s');
    await until(() => m.footer().startsWith('read-only:'), 'the refusal');
    // as if it had been said 5 s ago
    m.store.setState((s) => ({ ui: { ...s.ui, toast: { ...s.ui.toast!, at: Date.now() - 5000 } } }));
    await until(() => m.footer().startsWith('↑↓/jk move'), 'the keys back in the footer', 3000);
    expect(m.frame()).toContain(REFUSED[0][1]);
  });
});
