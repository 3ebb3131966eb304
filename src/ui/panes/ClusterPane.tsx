// The cluster pane: a check's report, or the reshard or rebalance wizard (form, plan and typed word, then the slot bar
// with keys/s, MB/s and ETA, then the outcome), scrolled when focused, the pinned lines (the form's keys, the typed
// confirmation, the running clock, the journal) always in view (widgets/DocPane.tsx). The lines come from
// cluster-view.ts.
import React from 'react';
import { useApp } from '../context.js';
import { clusterPaneTitle } from '../cluster-view.js';
import { DocPane } from '../widgets/DocPane.js';
import type { WizardLayout } from '../wizard-view.js';

export function ClusterPane(props: { width: number; height: number; layout: WizardLayout; focused: boolean }) {
  const view = useApp((s) => s.cluster);
  if (!view) return null;
  return <DocPane title={clusterPaneTitle(view)} {...props} />;
}
