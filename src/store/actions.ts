// The UI's intents that only move the view: selection, focus, help, details, log scrolling.
import { topologyRows } from './topology-rows.js';
import { focusedPane, LOG_CAPACITY, visiblePanes, type PaneId } from './state.js';
import type { LogEntry } from '../engine/topology/types.js';
import type { AppStore } from './store.js';
import { clusterActions } from './cluster-actions.js';

export function uiActions(store: AppStore) {
  const setUi = (patch: Partial<ReturnType<AppStore['getState']>['ui']>) =>
    store.setState((s) => ({ ui: { ...s.ui, ...patch } }));
  /** Esc on a finished drill: its pane goes. Returns false when there is none to dismiss. */
  const dismissDrill = (): boolean => {
    const { drill } = store.getState();
    if (!drill || (drill.state !== 'done' && drill.state !== 'failed')) return false;
    store.setState({ drill: undefined });
    return true;
  };
  return {
    ...clusterActions(store),
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
    /** The failover wizard's text: `top` is its first line on screen (the App knows how tall the pane is). */
    scrollWizard(top: number) {
      setUi({ wizardScroll: Math.max(0, top) });
    },
    /** Focus a pane (the wizard when it opens). */
    focus(pane: PaneId) {
      setUi({ focus: pane });
    },
    /** A line in the event log from the console itself (what a key could not do, and what to do instead). */
    note(level: LogEntry['level'], message: string) {
      store.setState((s) => ({ log: [...s.log, { at: Date.now(), level, kind: 'info' as const, message }].slice(-LOG_CAPACITY), ui: { ...s.ui, logScroll: 0 } }));
    },
    /** A key refused (--read-only): one line in the event log, and for a few seconds in place of the footer's keys. */
    refuse(message: string) {
      const at = Date.now();
      store.setState((s) => ({ log: [...s.log, { at, level: 'warn' as const, kind: 'info' as const, message }].slice(-LOG_CAPACITY), ui: { ...s.ui, logScroll: 0, toast: { text: message, at } } }));
    },
    dismissDrill,
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
    /** Esc: close the top layer (a typed confirmation, the help, the details, then a finished drill's pane). */
    back() {
      const { ui } = store.getState();
      if (ui.prompt) setUi({ prompt: undefined });
      else if (ui.help) setUi({ help: false });
      else if (ui.detail) setUi({ detail: false, focus: 'topology' });
      else dismissDrill();
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
      store.setState((s) => ({ wizard: undefined, ui: { ...s.ui, wizardTyped: '', wizardScroll: undefined, focus: s.ui.focus === 'wizard' ? 'topology' : s.ui.focus } }));
    },
    /** Tab: the next pane that is on screen. */
    cycleFocus(wide: boolean) {
      const { ui, wizard, cluster } = store.getState();
      const open = visiblePanes(ui, wide, !!wizard || !!cluster);
      const at = open.indexOf(focusedPane(ui, wide, !!wizard || !!cluster));
      setUi({ focus: open[(at + 1) % open.length] });
    },
  };
}

export type UiActions = ReturnType<typeof uiActions>;
