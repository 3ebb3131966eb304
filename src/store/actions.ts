// The UI's intents that only move the view: selection, focus, help, details, log scrolling.
import { topologyRows } from './topology-rows.js';
import { visiblePanes } from './state.js';
import type { AppStore } from './store.js';

export function uiActions(store: AppStore) {
  const setUi = (patch: Partial<ReturnType<AppStore['getState']>['ui']>) =>
    store.setState((s) => ({ ui: { ...s.ui, ...patch } }));
  return {
    move(delta: number) {
      const s = store.getState();
      const rows = topologyRows(s.nodes, s.order);
      if (rows.length === 0) return;
      const at = Math.max(0, rows.findIndex((r) => r.id === s.ui.selected));
      const next = Math.min(rows.length - 1, Math.max(0, at + delta));
      if (rows[next].id !== s.ui.selected) setUi({ selected: rows[next].id, detailScroll: 0 });
    },
    scrollDetail(delta: number) {
      setUi({ detailScroll: Math.max(0, store.getState().ui.detailScroll + delta) });
    },
    scrollLog(delta: number) {
      const s = store.getState();
      setUi({ logScroll: Math.min(Math.max(0, s.log.length - 1), Math.max(0, s.ui.logScroll + delta)) });
    },
    toggleDetail() {
      const open = !store.getState().ui.detail;
      setUi({ detail: open, focus: open ? 'detail' : 'topology', detailScroll: 0 });
    },
    toggleHelp() {
      setUi({ help: !store.getState().ui.help });
    },
    /** Esc: close the top layer. */
    back() {
      const { ui } = store.getState();
      if (ui.help) setUi({ help: false });
      else if (ui.detail) setUi({ detail: false, focus: 'topology' });
    },
    /** Tab: the next pane that is on screen. */
    cycleFocus(wide: boolean) {
      const { ui } = store.getState();
      const open = visiblePanes(ui, wide);
      setUi({ focus: open[(open.indexOf(ui.focus) + 1) % open.length] });
    },
  };
}

export type UiActions = ReturnType<typeof uiActions>;
