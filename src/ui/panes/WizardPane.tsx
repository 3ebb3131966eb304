// The failover wizard: the plan's checks and notes, every step as a checklist line (its exact command, then its
// result), the outcome with the nodes and the way back, scrolled with ↑↓ and PgUp/PgDn when focused; under it,
// always in view, the typed confirmation (or the running clock, or the journal and how to close): widgets/DocPane.tsx.
// The live topology stays on screen above. The lines come from wizard-view.ts.
import React from 'react';
import type { WizardState } from '../../store/wizard.js';
import { useApp } from '../context.js';
import { DocPane } from '../widgets/DocPane.js';
import type { WizardLayout } from '../wizard-view.js';

const PHASE: Record<WizardState['phase'], string> = {
  preparing: 'preparing',
  confirm: 'waiting for you',
  running: 'running',
  done: 'done',
  failed: 'FAILED',
  cancelled: 'STOPPED',
  declined: 'not confirmed: nothing changed',
  'dry-run': 'dry run',
  refused: 'REFUSED: nothing changed',
  error: 'could not prepare',
};

export function WizardPane(props: { width: number; height: number; layout: WizardLayout; focused: boolean }) {
  const phase = useApp((s) => s.wizard?.phase);
  if (!phase) return null;
  return <DocPane title={`Failover · ${PHASE[phase]}`} {...props} />;
}
