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
      if (ui.prompt) setUi({ prompt: undefined });
      else if (ui.help) setUi({ help: false });
      else if (ui.detail) setUi({ detail: false, focus: 'topology' });
    },
    markSource() {
      const { ui } = store.getState();
      if (ui.selected) setUi({ pair: { ...ui.pair, source: ui.selected, target: ui.pair.target === ui.selected ? undefined : ui.pair.target } });
    },
    markTarget() {
      const { ui } = store.getState();
      if (ui.selected) setUi({ pair: { ...ui.pair, target: ui.selected, source: ui.pair.source === ui.selected ? undefined : ui.pair.source } });
    },
    /** s, l or c: a typed confirmation first for a snapshot or a live replication (they write); a compare only reads. Returns true to start now. */
    askJob(kind: 'snapshot' | 'compare' | 'live'): boolean {
      const { ui, job } = store.getState();
      if (!ui.pair.source || !ui.pair.target || job?.state === 'running') return false;
      if (kind === 'compare') return true;
      setUi({ prompt: { kind, typed: '' } });
      return false;
    },
    /** d: a typed confirmation before a drill writes its counters into the selected node's deployment. */
    askDrill(): void {
      const { ui } = store.getState();
      if (ui.selected) setUi({ prompt: { kind: 'drill', typed: '', node: ui.selected } });
    },
    typePrompt(text: string) {
      const { prompt } = store.getState().ui;
      if (prompt) setUi({ prompt: { ...prompt, typed: (prompt.typed + text).slice(0, 20) } });
    },
    erasePrompt() {
      const { prompt } = store.getState().ui;
      if (prompt) setUi({ prompt: { ...prompt, typed: prompt.typed.slice(0, -1) } });
    },
    /** Enter on the prompt: what to start when "yes" was typed; the prompt closes either way. */
    submitPrompt(): { kind: 'snapshot' | 'compare' | 'live' | 'drill'; node?: string } | undefined {
      const { prompt } = store.getState().ui;
      setUi({ prompt: undefined });
      return prompt && prompt.typed.trim().toLowerCase() === 'yes' ? { kind: prompt.kind, node: prompt.node } : undefined;
    },
    /** The failover wizard's typed confirmation. */
    typeWizard(text: string) {
      setUi({ wizardTyped: (store.getState().ui.wizardTyped + text).slice(0, 80) });
    },
    eraseWizard() {
      setUi({ wizardTyped: store.getState().ui.wizardTyped.slice(0, -1) });
    },
    /** Takes what was typed into the wizard (the field empties). */
    takeWizardTyped(): string {
      const typed = store.getState().ui.wizardTyped;
      setUi({ wizardTyped: '' });
      return typed;
    },
    /** Tab before confirming: run a drill alongside the failover, or not. */
    toggleWizardDrill() {
      const w = store.getState().wizard;
      if (w && w.phase === 'confirm') store.setState({ wizard: { ...w, drill: !w.drill } });
    },
    /** Esc on a finished wizard. */
    closeWizard() {
      store.setState((s) => ({ wizard: undefined, ui: { ...s.ui, wizardTyped: '' } }));
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
