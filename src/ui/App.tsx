// The console: header, topology, details or event log, footer; keys dispatched from the one key table.
import React from 'react';
import { Box, useInput } from 'ink';
import { useApp, useConsole } from './context.js';
import { useNow } from './hooks/use-now.js';
import { useSize } from './hooks/use-size.js';
import { actionsFor, type ActionId } from './keys.js';
import { DetailPane } from './panes/DetailPane.js';
import { DrillPane, drillPaneHeight } from './panes/DrillPane.js';
import { EventLog } from './panes/EventLog.js';
import { Footer } from './panes/Footer.js';
import { Header } from './panes/Header.js';
import { HelpOverlay } from './panes/HelpOverlay.js';
import { ReplicationPane, replicationPaneHeight } from './panes/ReplicationPane.js';
import { TopologyPane } from './panes/TopologyPane.js';
import { WizardPane } from './panes/WizardPane.js';

export interface AppProps {
  onQuit: () => void;
  /** a fixed size for tests; otherwise the terminal's, following resizes */
  size?: { columns: number; rows: number };
  title?: string;
}

/** Wizard phases after which Esc closes it and f may open another. */
const ENDED = new Set(['done', 'failed', 'cancelled', 'declined', 'dry-run', 'refused', 'error']);

/** Side by side from this width on; below it, details take the event log's place. */
const WIDE = 120;

export function App(props: AppProps) {
  const { actions, store, intents } = useConsole();
  const { columns, rows } = useSize(props.size);
  const now = useNow();
  const ui = useApp((s) => s.ui);
  const nodeCount = useApp((s) => s.order.length);
  // the replication pane shows once there is something to show: a pair being marked, a prompt, a job
  const showJob = useApp((s) => !!(s.job || s.ui.prompt || s.ui.pair.source || s.ui.pair.target)) && !!intents;
  const jobBusy = useApp((s) => !!(s.job || s.ui.prompt));
  const drill = useApp((s) => s.drill);
  const wizardOpen = useApp((s) => !!s.wizard);

  // Keep the live region below the terminal's height, or ink redraws the whole screen each frame.
  const height = Math.max(10, rows - 1);
  const body = height - 3;
  const jobHeight = showJob ? replicationPaneHeight(jobBusy) : 0;
  const drillHeight = drill ? drillPaneHeight(drill) : 0;
  // the topology first (all of it when it fits), the event log or details get at least 5 lines
  const topoHeight = Math.min(nodeCount + 3, Math.max(6, body - jobHeight - drillHeight - 5));
  const bottom = body - topoHeight - jobHeight - drillHeight;
  const wide = columns >= WIDE;
  const bottomVisible = bottom >= 3;

  const startIfAsked = (asked: { kind: 'snapshot' | 'compare' | 'live' | 'drill'; node?: string } | undefined) => {
    const { pair } = store.getState().ui;
    if (asked?.kind === 'drill') {
      if (asked.node) intents?.startDrill(asked.node);
    } else if (asked && pair.source && pair.target) intents?.startJob(asked.kind, pair.source, pair.target);
  };
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
      case 'markSource':
        return actions.markSource();
      case 'markTarget':
        return actions.markTarget();
      case 'snapshot':
      case 'compare':
      case 'live':
        if (intents && actions.askJob(action)) startIfAsked({ kind: action });
        return;
      case 'drill': {
        if (!intents) return;
        const d = store.getState().drill;
        if (d && (d.state === 'running' || d.state === 'connecting')) return intents.stopDrill();
        return actions.askDrill();
      }
      case 'failover': {
        const w = store.getState().wizard;
        if (!intents || (w && !ENDED.has(w.phase)) || !ui.selected) return;
        return intents.startFailover(ui.selected);
      }
      case 'stopJob': {
        const w = store.getState().wizard;
        if (w?.phase === 'running') return intents?.cancelFailover();
        return intents?.stopJob();
      }
    }
  };
  useInput((input, key) => {
    // the failover wizard's confirmation takes every key until Enter or Esc
    const w = store.getState().wizard;
    if (w?.phase === 'confirm') {
      if (key.ctrl && input === 'c') return props.onQuit();
      if (key.tab) return actions.toggleWizardDrill();
      if (key.escape) {
        actions.takeWizardTyped();
        return intents?.answerFailover('');
      }
      if (key.return || input.includes('\r')) {
        if (input.includes('\r')) actions.typeWizard(input.slice(0, input.indexOf('\r')));
        return intents?.answerFailover(actions.takeWizardTyped());
      }
      if (key.backspace || key.delete) return actions.eraseWizard();
      if (input && !key.ctrl && !key.meta) return actions.typeWizard(input);
      return;
    }
    if (w && ENDED.has(w.phase) && key.escape && !store.getState().ui.help && !store.getState().ui.prompt) return actions.closeWizard();
    // a typed confirmation takes every key until Enter or Esc
    if (store.getState().ui.prompt) {
      if (key.return) return startIfAsked(actions.submitPrompt());
      if (input.includes('\r')) {
        // "yes⏎" typed quickly arrives as one chunk
        actions.typePrompt(input.slice(0, input.indexOf('\r')));
        return startIfAsked(actions.submitPrompt());
      }
      if (key.escape) return actions.back();
      if (key.backspace || key.delete) return actions.erasePrompt();
      if (key.ctrl && input === 'c') return props.onQuit();
      if (input && !key.ctrl && !key.meta) return actions.typePrompt(input);
      return;
    }
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
          {showJob ? <ReplicationPane width={columns} height={jobHeight} now={now} /> : null}
          {drill ? <DrillPane width={columns} height={drillHeight} now={now} drill={drill} /> : null}
          {bottomVisible && wizardOpen ? (
            <Box flexDirection="row" height={bottom}>
              <WizardPane width={wide ? columns - Math.min(48, Math.floor(columns * 0.3)) : columns} height={bottom} now={now} />
              {wide ? <EventLog width={Math.min(48, Math.floor(columns * 0.3))} height={bottom} focused={ui.focus === 'log'} /> : null}
            </Box>
          ) : bottomVisible ? (
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
