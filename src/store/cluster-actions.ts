// The UI's intents on the cluster pane that only move the view: opening the reshard or rebalance wizard, editing its
// form with the arrow keys and digits, the typed word, a drill alongside, closing a finished operation.
import type { ClusterAsk } from '../engine/cluster/cluster-ops.js';
import { clusterMasters } from './cluster-masters.js';
import { askOf, changeField, eraseDigit, moveField, newRebalanceView, newReshardView, typeDigits, type ClusterOpView, type ReshardForm } from './cluster-ops.js';
import { changeRebalanceField, moveRebalanceField, rebalanceAskOf, type RebalanceForm } from './rebalance-form.js';
import type { AppStore } from './store.js';

export function clusterActions(store: AppStore) {
  const patch = (p: Partial<ClusterOpView>) => store.setState((s) => (s.cluster ? { cluster: { ...s.cluster, ...p } } : {}));
  const editForm = (edit: (f: ReshardForm, v: ClusterOpView) => ReshardForm) => {
    const v = store.getState().cluster;
    if (v?.phase === 'form' && v.form) patch({ form: edit(v.form, v), message: undefined, balanced: undefined });
  };
  const editRebalance = (edit: (f: RebalanceForm) => RebalanceForm) => {
    const v = store.getState().cluster;
    if (v?.phase === 'form' && v.rebalanceForm) patch({ rebalanceForm: edit(v.rebalanceForm), message: undefined, balanced: undefined });
  };
  return {
    /** R: the reshard wizard's form, the selected master as the target. False when no master is up to choose. */
    openReshard(): boolean {
      const s = store.getState();
      const masters = clusterMasters(s.nodes, s.order).filter((m) => m.up);
      if (!masters.length) return false;
      const selected = s.ui.selected ? s.nodes[s.ui.selected]?.cluster?.self?.id : undefined;
      store.setState((st) => ({ cluster: newReshardView(masters.map(({ up: _, ...m }) => m), Date.now(), selected), ui: { ...st.ui, focus: 'wizard', wizardScroll: undefined } }));
      return true;
    },
    /** B: the rebalance wizard's form. False when no master is up. */
    openRebalance(): boolean {
      const s = store.getState();
      const masters = clusterMasters(s.nodes, s.order).filter((m) => m.up);
      if (!masters.length) return false;
      store.setState((st) => ({ cluster: newRebalanceView(masters.map(({ up: _, ...m }) => m), Date.now()), ui: { ...st.ui, focus: 'wizard', wizardScroll: undefined } }));
      return true;
    },
    formField(delta: number) {
      editForm((f) => moveField(f, delta));
      editRebalance((f) => moveRebalanceField(f, delta));
    },
    formChange(delta: number) {
      editForm((f, v) => changeField(f, v.masters, delta));
      editRebalance((f) => changeRebalanceField(f, delta));
    },
    formDigits(text: string) {
      editForm((f) => typeDigits(f, text));
    },
    formErase() {
      editForm((f) => eraseDigit(f));
    },
    /** Enter on the form (a reshard's or a rebalance's): what to plan (the pane shows "reading the cluster…"), or the reason under the form. */
    submitReshardForm(): ClusterAsk | undefined {
      const v = store.getState().cluster;
      if (v?.phase !== 'form' || !(v.form || v.rebalanceForm)) return undefined;
      const ask = v.form ? askOf(v.form, v.masters) : rebalanceAskOf(v.rebalanceForm!, v.masters);
      if ('error' in ask) {
        patch({ message: ask.error, balanced: undefined });
        return undefined;
      }
      patch({ phase: 'planning', message: undefined, balanced: undefined });
      return ask;
    },
    typeCluster(text: string) {
      const v = store.getState().cluster;
      if (v?.phase === 'confirm') patch({ typed: (v.typed + text).slice(0, 40) });
    },
    eraseCluster() {
      const v = store.getState().cluster;
      if (v?.phase === 'confirm') patch({ typed: v.typed.slice(0, -1) });
    },
    /** Takes what was typed at the confirmation (the field empties). */
    takeClusterTyped(): string {
      const typed = store.getState().cluster?.typed ?? '';
      patch({ typed: '' });
      return typed;
    },
    /** Tab at the confirmation: a drill alongside the reshard (or rebalance), or not. */
    toggleClusterDrill() {
      const v = store.getState().cluster;
      if (v?.phase === 'confirm') patch({ drill: !v.drill });
    },
    /** Esc on a finished operation, or on the form (nothing was asked of any server yet). */
    closeCluster() {
      store.setState((s) => ({ cluster: undefined, ui: { ...s.ui, wizardScroll: undefined, focus: s.ui.focus === 'wizard' ? 'topology' : s.ui.focus } }));
    },
  };
}

export type ClusterActions = ReturnType<typeof clusterActions>;
