// The failover wizard: the plan's checks and notes, every step as a checklist line (its exact command, then its
// result), the outcome with the nodes and the way back, scrolled with ↑↓ and PgUp/PgDn when focused; under it,
// always in view, the typed confirmation (or the running clock, or the journal and how to close). The live
// topology stays on screen above. The lines come from wizard-view.ts; the App decides the height and the scroll.
import React from 'react';
import { Text } from 'ink';
import type { WizardState } from '../../store/wizard.js';
import { useApp, useConsole } from '../context.js';
import type { Theme } from '../theme.js';
import { Pane } from '../widgets/Pane.js';
import { Line } from '../widgets/Table.js';
import { wizardWindow, type Tone, type ViewLine, type WizardLayout } from '../wizard-view.js';

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

function colour(theme: Theme, tone: Tone | undefined): string | undefined {
  return tone ? theme[tone] : undefined;
}

function Row(props: { line: ViewLine; theme: Theme }) {
  return (
    <Line>
      <Text wrap="truncate" color={colour(props.theme, props.line.tone)} bold={props.line.bold}>
        {props.line.text}
      </Text>
    </Line>
  );
}

export function WizardPane(props: { width: number; height: number; layout: WizardLayout; focused: boolean }) {
  const { theme } = useConsole();
  const phase = useApp((s) => s.wizard?.phase);
  const scroll = useApp((s) => s.ui.wizardScroll);
  if (!phase) return null;
  const { doc, pinned } = props.layout;
  const win = wizardWindow(props.layout, props.height, scroll);
  const inner = Math.max(0, props.height - 2);
  // the pinned lines come first for room: a pane too short for them all keeps their last (the > input line)
  const pins = pinned.slice(Math.max(0, pinned.length - inner));
  const shown = doc.slice(win.top, win.top + win.room);
  const more = doc.length > win.room ? ` · ${win.top + 1}-${win.top + shown.length}/${doc.length} ↑↓` : '';
  return (
    <Pane title={`Failover · ${PHASE[phase]}${more}`} focused={props.focused} width={props.width} height={props.height}>
      {shown.map((l, i) => (
        <Row key={`d${win.top + i}`} line={l} theme={theme} />
      ))}
      {pins.map((l, i) => (
        <Row key={`p${i}`} line={l} theme={theme} />
      ))}
    </Pane>
  );
}
