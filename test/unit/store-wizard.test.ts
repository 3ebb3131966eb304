import { describe, expect, it } from 'vitest';
import { uiActions } from '../../src/store/actions.js';
import { applyEvents } from '../../src/store/reduce.js';
import { focusedPane, initialState, visiblePanes } from '../../src/store/state.js';
import { createAppStore } from '../../src/store/store.js';
import type { PlanView } from '../../src/engine/failover/types.js';

const plan: PlanView = { procedure: 'failover', title: 't', mode: 'planned', nodes: [], checks: [], notes: [], steps: [], confirmWord: 'x' };

describe('the wizard in the store', () => {
  it('puts the wizard among the panes Tab goes round, in the place of details', () => {
    const ui = { ...initialState().ui, detail: true };
    expect(visiblePanes(ui, false, true)).toEqual(['topology', 'wizard']);
    expect(visiblePanes(ui, true, true)).toEqual(['topology', 'wizard', 'log']);
    expect(visiblePanes(ui, false, false)).toEqual(['topology', 'detail']);
    expect(focusedPane({ ...ui, focus: 'wizard' }, false, false)).toBe('topology');
  });

  it('Tab reaches the wizard; closing it gives the focus back to the topology', () => {
    const store = createAppStore(applyEvents(initialState(), [{ type: 'wizard-started', node: 'a', unplanned: false, at: 1 }]));
    const a = uiActions(store);
    a.cycleFocus(false);
    expect(store.getState().ui.focus).toBe('wizard');
    a.cycleFocus(false);
    expect(store.getState().ui.focus).toBe('topology');
    a.focus('wizard');
    a.closeWizard();
    expect(store.getState().ui.focus).toBe('topology');
    expect(store.getState().wizard).toBeUndefined();
  });

  it('keeps the scroll while the wizard stays in its phase, and follows it again when the phase changes', () => {
    const store = createAppStore(applyEvents(initialState(), [{ type: 'wizard-started', node: 'a', unplanned: false, at: 1 }, { type: 'wizard', event: { type: 'plan', plan } }]));
    uiActions(store).scrollWizard(7);
    store.setState(applyEvents(store.getState(), [{ type: 'log', entry: { at: 1, level: 'info', kind: 'info', message: 'x' } }]));
    expect(store.getState().ui.wizardScroll).toBe(7);
    store.setState(applyEvents(store.getState(), [{ type: 'wizard', event: { type: 'confirm', word: 'x', granted: true } }]));
    expect(store.getState().ui.wizardScroll).toBeUndefined();
  });

  it('Esc dismisses a finished drill, never a running one', () => {
    const store = createAppStore(applyEvents(initialState(), [{ type: 'drill-started', target: 't', at: 1 }]));
    const a = uiActions(store);
    a.back();
    expect(store.getState().drill).toBeDefined();
    store.setState({ drill: { ...store.getState().drill!, state: 'done' } });
    a.back();
    expect(store.getState().drill).toBeUndefined();
  });

  it('writes the console’s own notes into the event log, scrolled to the newest', () => {
    const store = createAppStore();
    const a = uiActions(store);
    store.setState((s) => ({ ui: { ...s.ui, logScroll: 3 } }));
    a.note('warn', 'f on Sentinel s1: select the master');
    expect(store.getState().log.at(-1)).toMatchObject({ level: 'warn', message: 'f on Sentinel s1: select the master' });
    expect(store.getState().ui.logScroll).toBe(0);
  });
});
