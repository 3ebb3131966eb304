// The cluster pane: a check's report, or the reshard wizard (form, plan and typed word, then the slot bar with
// keys/s, MB/s and ETA, then the outcome), scrolled with ↑↓ and PgUp/PgDn when focused; the pinned lines (the
// form's keys, the typed confirmation, the running clock, the journal) always in view. The lines come from
// cluster-view.ts; the App decides the height and the scroll.
import React from 'react';
import { Text } from 'ink';
import { useApp, useConsole } from '../context.js';
import { clusterPaneTitle } from '../cluster-view.js';
import type { Theme } from '../theme.js';
import { Pane } from '../widgets/Pane.js';
import { Line } from '../widgets/Table.js';
import { wizardWindow, type Tone, type ViewLine, type WizardLayout } from '../wizard-view.js';

function Row(props: { line: ViewLine; theme: Theme }) {
  const tone: Tone | undefined = props.line.tone;
  return (
    <Line>
      <Text wrap="truncate" color={tone ? props.theme[tone] : undefined} bold={props.line.bold}>
        {props.line.text}
      </Text>
    </Line>
  );
}

export function ClusterPane(props: { width: number; height: number; layout: WizardLayout; focused: boolean }) {
  const { theme } = useConsole();
  const view = useApp((s) => s.cluster);
  const scroll = useApp((s) => s.ui.wizardScroll);
  if (!view) return null;
  const { doc, pinned } = props.layout;
  const win = wizardWindow(props.layout, props.height, scroll);
  const inner = Math.max(0, props.height - 2);
  const pins = pinned.slice(Math.max(0, pinned.length - inner));
  const shown = doc.slice(win.top, win.top + win.room);
  const more = doc.length > win.room ? ` · ${win.top + 1}-${win.top + shown.length}/${doc.length} ↑↓` : '';
  return (
    <Pane title={`${clusterPaneTitle(view)}${more}`} focused={props.focused} width={props.width} height={props.height}>
      {shown.map((l, i) => (
        <Row key={`d${win.top + i}`} line={l} theme={theme} />
      ))}
      {pins.map((l, i) => (
        <Row key={`p${i}`} line={l} theme={theme} />
      ))}
    </Pane>
  );
}
