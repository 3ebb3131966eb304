// A pane of view lines (a wizard's or the cluster pane's): the document scrolled with ↑↓ and PgUp/PgDn when focused,
// its position in the title when it does not fit, and under it, always in view, the pinned lines (the typed
// confirmation, the running clock, the journal). The lines come from the view modules; the App decides the height
// and the scroll.
import React from 'react';
import { Text } from 'ink';
import { useApp, useConsole } from '../context.js';
import type { Theme } from '../theme.js';
import { Pane } from './Pane.js';
import { Line } from './Table.js';
import { wizardWindow, type ViewLine, type WizardLayout } from '../wizard-view.js';

function Row(props: { line: ViewLine; theme: Theme }) {
  const tone = props.line.tone;
  return (
    <Line>
      <Text wrap="truncate" color={tone ? props.theme[tone] : undefined} bold={props.line.bold}>
        {props.line.text}
      </Text>
    </Line>
  );
}

export function DocPane(props: { title: string; width: number; height: number; layout: WizardLayout; focused: boolean }) {
  const { theme } = useConsole();
  const scroll = useApp((s) => s.ui.wizardScroll);
  const { doc, pinned } = props.layout;
  const win = wizardWindow(props.layout, props.height, scroll);
  const inner = Math.max(0, props.height - 2);
  // the pinned lines come first for room: a pane too short for them all keeps their last (the > input line)
  const pins = pinned.slice(Math.max(0, pinned.length - inner));
  const shown = doc.slice(win.top, win.top + win.room);
  const more = doc.length > win.room ? ` · ${win.top + 1}-${win.top + shown.length}/${doc.length} ↑↓` : '';
  return (
    <Pane title={`${props.title}${more}`} focused={props.focused} width={props.width} height={props.height}>
      {shown.map((l, i) => (
        <Row key={`d${win.top + i}`} line={l} theme={theme} />
      ))}
      {pins.map((l, i) => (
        <Row key={`p${i}`} line={l} theme={theme} />
      ))}
    </Pane>
  );
}
