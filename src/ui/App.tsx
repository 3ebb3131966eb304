// The console: header, topology, details or event log, footer; keys dispatched from the one key table.
import React from 'react';
import { Box, useInput } from 'ink';
import { useApp, useConsole } from './context.js';
import { useNow } from './hooks/use-now.js';
import { useSize } from './hooks/use-size.js';
import { actionsFor, type ActionId } from './keys.js';
import { DetailPane } from './panes/DetailPane.js';
import { EventLog } from './panes/EventLog.js';
import { Footer } from './panes/Footer.js';
import { Header } from './panes/Header.js';
import { HelpOverlay } from './panes/HelpOverlay.js';
import { TopologyPane } from './panes/TopologyPane.js';

export interface AppProps {
  onQuit: () => void;
  /** a fixed size for tests; otherwise the terminal's, following resizes */
  size?: { columns: number; rows: number };
  title?: string;
}

/** Side by side from this width on; below it, details take the event log's place. */
const WIDE = 120;

export function App(props: AppProps) {
  const { actions, store } = useConsole();
  const { columns, rows } = useSize(props.size);
  const now = useNow();
  const ui = useApp((s) => s.ui);
  const nodeCount = useApp((s) => s.order.length);

  // Keep the live region below the terminal's height, or ink redraws the whole screen each frame.
  const height = Math.max(10, rows - 1);
  const body = height - 3;
  const topoHeight = Math.min(nodeCount + 3, Math.max(6, Math.floor(body * 0.6)));
  const bottom = body - topoHeight;
  const wide = columns >= WIDE;
  const bottomVisible = bottom >= 3;

  const dispatch = (action: ActionId): void => {
    const ui = store.getState().ui;
    if (action === 'quit') return props.onQuit();
    if (ui.help && action !== 'help' && action !== 'back') return;
    const page = Math.max(1, bottom - 2);
    switch (action) {
      case 'up':
        return ui.focus === 'log' ? actions.scrollLog(1) : ui.focus === 'detail' ? actions.scrollDetail(-1) : actions.move(-1);
      case 'down':
        return ui.focus === 'log' ? actions.scrollLog(-1) : ui.focus === 'detail' ? actions.scrollDetail(1) : actions.move(1);
      case 'pageUp':
        return actions.scrollLog(page);
      case 'pageDown':
        return actions.scrollLog(-page);
      case 'details':
        return actions.toggleDetail();
      case 'focus':
        return actions.cycleFocus(wide);
      case 'help':
        return actions.toggleHelp();
      case 'back':
        return actions.back();
    }
  };
  useInput((input, key) => {
    for (const action of actionsFor(input, key)) dispatch(action);
  });

  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Header width={columns} now={now} title={props.title} />
      {ui.help ? (
        <HelpOverlay width={columns} height={body} />
      ) : (
        <>
          <TopologyPane width={columns} height={topoHeight} focused={ui.focus === 'topology'} now={now} />
          {bottomVisible ? (
            <Box flexDirection="row" height={bottom}>
              {ui.detail ? (
                <DetailPane width={wide ? Math.floor(columns / 2) : columns} height={bottom} focused={ui.focus === 'detail'} now={now} />
              ) : null}
              {!ui.detail || wide ? (
                <EventLog width={ui.detail ? columns - Math.floor(columns / 2) : columns} height={bottom} focused={ui.focus === 'log'} />
              ) : null}
            </Box>
          ) : null}
        </>
      )}
      <Footer width={columns} />
    </Box>
  );
}
