// One typed-confirmation layer for every dangerous action (s and l: yes, d: yes, f: the candidate): while it waits it
// takes every key (q, ?, j type into it), "word⏎" in one chunk answers, Backspace erases, Esc changes nothing,
// Ctrl-C quits.
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
import type { PlanView } from '../../src/engine/failover/types.js';
import { fixtureEvents, NODES } from './fixtures.js';
import { recordingIntents, strip, until } from './helpers.js';

const R1 = NODES[1].id;
const PLAN: PlanView = {
  procedure: 'failover', title: `planned failover · replication · ${NODES[0].id} → ${R1}`, mode: 'planned', nodes: [],
  checks: [{ ok: true, text: `${R1}'s link is up` }], notes: [],
  steps: [{ index: 0, id: 'promote', kind: 'command', node: R1, command: ['REPLICAOF', 'NO', 'ONE'], why: 'promote', changesRole: true }],
  confirmWord: R1,
};

function mount() {
  const store = createAppStore(applyEvents(initialState(), fixtureEvents()));
  store.setState((s) => ({ ui: { ...s.ui, pair: { source: NODES[0].id, target: R1 } } }));
  let quits = 0;
  const { asked, intents } = recordingIntents();
  const ctx = { store, actions: uiActions(store), theme: themeFor({ NO_COLOR: '1' }), intents };
  const r = render(
    <Ctx.Provider value={ctx}>
      <App size={{ columns: 100, rows: 36 }} onQuit={() => quits++} />
    </Ctx.Provider>,
  );
  return { ...r, store, asked, frame: () => strip(r.lastFrame()), quits: () => quits };
}
type Mounted = ReturnType<typeof mount>;

interface Case {
  key: string;
  /** the key pressed, and what the engine would answer, until the confirmation waits */
  open: (m: Mounted) => Promise<void>;
  word: string;
  /** what the engine is asked once the word is typed */
  started: string;
  /** what the engine is asked on Esc, if anything */
  declined?: string;
}

const askedFor = (what: string) => async (m: Mounted) => {
  m.stdin.write(what);
  await until(() => m.frame().includes('type yes and Enter'), `the typed yes after ${what}`);
};

const CASES: Case[] = [
  { key: 's', open: askedFor('s'), word: 'yes', started: `snapshot ${NODES[0].id} ${R1}` },
  { key: 'l', open: askedFor('l'), word: 'yes', started: `live ${NODES[0].id} ${R1}` },
  { key: 'd', open: askedFor('d'), word: 'yes', started: `drill ${NODES[0].id}` },
  {
    key: 'f',
    open: async (m) => {
      m.stdin.write('j');
      await until(() => m.store.getState().ui.selected === R1, 'r1 selected');
      m.stdin.write('f');
      await until(() => m.asked.includes(`failover ${R1}`), 'the wizard');
      m.asked.length = 0;
      m.store.setState(applyEvents(m.store.getState(), [{ type: 'wizard-started', node: R1, unplanned: false, at: Date.now() }, { type: 'wizard', event: { type: 'plan', plan: PLAN } }]));
      await until(() => m.frame().includes(`type ${R1} and Enter`), 'the typed candidate');
    },
    word: R1,
    started: `answer ${R1}`,
    declined: 'answer ',
  },
];

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

describe('the typed confirmation', () => {
  for (const c of CASES) {
    it(`${c.key}: takes every key, erases with Backspace, and runs on "${c.word}⏎" sent in one chunk`, async () => {
      const m = mount();
      cleanup = m.unmount;
      await c.open(m);
      const selected = m.store.getState().ui.selected;
      // keys that mean something underneath type into it instead: no quit, no help, no move
      m.stdin.write('q');
      m.stdin.write('?');
      m.stdin.write('j');
      await until(() => m.frame().includes('> q?j▌'), 'q?j typed');
      expect(m.quits()).toBe(0);
      expect(m.frame()).not.toContain('Help · keys');
      expect(m.store.getState().ui.selected).toBe(selected);
      for (let i = 0; i < 3; i++) m.stdin.write('\x7f');
      await until(() => m.frame().includes('> ▌'), 'erased');
      expect(m.asked).toEqual([]);
      m.stdin.write(`${c.word}\r`);
      await until(() => m.asked.length === 1, 'answered');
      expect(m.asked).toEqual([c.started]);
    });

    it(`${c.key}: Esc changes nothing, and a wrong word starts nothing`, async () => {
      const m = mount();
      cleanup = m.unmount;
      await c.open(m);
      m.stdin.write('no');
      await until(() => m.frame().includes('> no▌'), 'typed');
      m.stdin.write('\x1b');
      await until(() => !m.frame().includes('> no▌'), 'closed');
      expect(m.asked).toEqual(c.declined ? [c.declined] : []);
      if (c.declined) return; // the wizard's engine answers "declined" by itself
      await c.open(m);
      m.stdin.write('yep\r');
      await until(() => !m.frame().includes('type yes'), 'closed on Enter');
      expect(m.asked).toEqual([]);
    });

    it(`${c.key}: Ctrl-C quits from it`, async () => {
      const m = mount();
      cleanup = m.unmount;
      await c.open(m);
      m.stdin.write('\x03');
      await until(() => m.quits() === 1, 'quit');
      expect(m.asked).toEqual([]);
    });
  }

  it('takes the keys that arrive right after the one that opened it, before the screen has caught up', async () => {
    const m = mount();
    cleanup = m.unmount;
    // three reads in a row, with no turn of the event loop between them for React's effects
    m.stdin.write('s');
    m.stdin.write('n');
    m.stdin.write('o');
    await until(() => m.frame().includes('> no▌'), 'no typed into the confirmation');
    // Enter closes it ("no" starts nothing); the keys right after go to the panes again
    m.stdin.write('\r');
    m.stdin.write('j');
    await until(() => m.store.getState().ui.selected === R1, 'j moves once it has closed');
    expect(m.store.getState().ui.prompt).toBeUndefined();
    expect(m.asked).toEqual([]);
  });

  it('the keys after the one that opened it in the same chunk do not act underneath', async () => {
    const m = mount();
    cleanup = m.unmount;
    m.stdin.write('sj');
    await until(() => m.frame().includes('type yes and Enter'), 'the typed yes');
    expect(m.store.getState().ui.selected).toBe(NODES[0].id);
  });
});
