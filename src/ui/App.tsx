// The console: header, topology, details or event log, footer; keys dispatched from the one key table.
import React, { useMemo } from 'react';
import { Box, useInput } from 'ink';
import { focusedPane } from '../store/state.js';
import { useApp, useConsole } from './context.js';
import { useNow } from './hooks/use-now.js';
import { useSize } from './hooks/use-size.js';
import { actionsFor, confirmActionFor, type ActionId, type FooterMode } from './keys.js';
import { consoleLayout } from './layout.js';
import { DetailPane } from './panes/DetailPane.js';
import { DrillPane, drillPaneHeight } from './panes/DrillPane.js';
import { EventLog } from './panes/EventLog.js';
import { Footer } from './panes/Footer.js';
import { Header } from './panes/Header.js';
import { HelpOverlay } from './panes/HelpOverlay.js';
import { ReplicationPane, replicationPaneHeight } from './panes/ReplicationPane.js';
import { TopologyPane } from './panes/TopologyPane.js';
import { WizardPane } from './panes/WizardPane.js';
import { WIZARD_ENDED, wizardLayout, wizardMinHeight, wizardWindow } from './wizard-view.js';

export interface AppProps {
  onQuit: () => void;
  /** a fixed size for tests; otherwise the terminal's, following resizes */
  size?: { columns: number; rows: number };
  title?: string;
}

/** Side by side from this width on; below it, details take the event log's place. */
const WIDE = 120;

/** The event log's width beside details or the wizard on a wide terminal. */
const sideWidth = (columns: number) => Math.min(48, Math.floor(columns * 0.3));

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
  const pairMarked = useApp((s) => !!(s.ui.pair.source && s.ui.pair.target));
  const jobRunning = useApp((s) => s.job?.state === 'running');
  const wizard = useApp((s) => s.wizard);
  const typed = useApp((s) => s.ui.wizardTyped);
  const wide = columns >= WIDE;
  const wizardWidth = wide ? columns - sideWidth(columns) : columns;
  const wizardView = useMemo(() => (wizard ? wizardLayout(wizard, typed, wizardWidth - 2, now) : undefined), [wizard, typed, wizardWidth, now]);
  // a drill that ended before this wizard opened gives its rows to the wizard (Esc dismisses it otherwise)
  const drillEnded = !!drill && (drill.state === 'done' || drill.state === 'failed');
  const showDrill = !!drill && !(wizard && drillEnded && drill.startedAt < wizard.startedAt);

  const layout = consoleLayout({
    rows,
    nodeCount,
    job: showJob ? replicationPaneHeight(jobBusy) : 0,
    drillWant: showDrill ? drillPaneHeight(drill) : undefined,
    wizardMin: wizardView ? wizardMinHeight(wizardView) : undefined,
  });
  const { height, bottom } = layout;
  const bottomVisible = bottom >= 3;
  const focus = focusedPane(ui, wide, !!wizard);

  const startIfAsked = (asked: { kind: 'snapshot' | 'compare' | 'live' | 'drill'; node?: string } | undefined) => {
    const { pair } = store.getState().ui;
    if (asked?.kind === 'drill') {
      if (asked.node) intents?.startDrill(asked.node);
    } else if (asked && pair.source && pair.target) intents?.startJob(asked.kind, pair.source, pair.target);
  };
  /** Scrolls the wizard's text by `delta` lines from where it is on screen now. */
  const scrollWizard = (delta: number | 'page' | '-page') => {
    if (!wizardView) return;
    const win = wizardWindow(wizardView, bottom, store.getState().ui.wizardScroll);
    const step = delta === 'page' ? Math.max(1, win.room - 1) : delta === '-page' ? -Math.max(1, win.room - 1) : delta;
    actions.scrollWizard(Math.min(win.maxTop, Math.max(0, win.top + step)));
  };
  /** f on a Sentinel: the wizard for the master it watches, when that master is on screen; otherwise, what to select. */
  const failoverTarget = (id: string): string | undefined => {
    const s = store.getState();
    const node = s.nodes[id];
    if (!node || node.role !== 'sentinel') return id;
    const name = node.label ?? node.id;
    const watched = (node.sentinel?.masters ?? []).map((m) => ({ name: m.name, id: `${m.host}:${m.port}` }));
    const onScreen = watched.filter((m) => s.nodes[m.id]);
    if (onScreen.length === 1) {
      const m = s.nodes[onScreen[0].id];
      actions.note('info', `failover of ${onScreen[0].name}'s master ${m.label ? `${m.label} ` : ''}${m.id} (f on Sentinel ${name}; f on a replica picks the one to promote)`);
      return m.id;
    }
    actions.note(
      'warn',
      watched.length === 0
        ? `f on Sentinel ${name}: it watches no master yet; select a master (or the replica to promote), then f`
        : `f on Sentinel ${name}: select the master of ${watched.map((m) => m.name).join(' or ')} (or the replica to promote), then f`,
    );
    return undefined;
  };
  const dispatch = (action: ActionId): void => {
    const ui = store.getState().ui;
    if (action === 'quit') return props.onQuit();
    if (ui.help && action !== 'help' && action !== 'back') return;
    const focused = focusedPane(ui, wide, !!store.getState().wizard);
    const page = Math.max(1, bottom - 3);
    switch (action) {
      case 'up':
        if (focused === 'wizard') return scrollWizard(-1);
        return focused === 'log' ? actions.scrollLog(1) : focused === 'detail' ? actions.scrollDetail(-1) : actions.move(-1);
      case 'down':
        if (focused === 'wizard') return scrollWizard(1);
        return focused === 'log' ? actions.scrollLog(-1) : focused === 'detail' ? actions.scrollDetail(1) : actions.move(1);
      case 'pageUp':
        if (focused === 'wizard') return scrollWizard('-page');
        return focused === 'detail' ? actions.scrollDetail(-page) : actions.scrollLog(page);
      case 'pageDown':
        if (focused === 'wizard') return scrollWizard('page');
        return focused === 'detail' ? actions.scrollDetail(page) : actions.scrollLog(-page);
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
        if (!intents || (w && !WIZARD_ENDED.has(w.phase)) || !ui.selected) return;
        const id = failoverTarget(ui.selected);
        if (!id) return;
        actions.focus('wizard');
        return intents.startFailover(id);
      }
      case 'stopJob': {
        const w = store.getState().wizard;
        if (w?.phase === 'running') return intents?.cancelFailover();
        return intents?.stopJob();
      }
    }
  };
  useInput((input, key) => {
    // the failover wizard's confirmation takes every key until Enter or Esc (arrows and pages scroll its plan)
    const w = store.getState().wizard;
    if (w?.phase === 'confirm') {
      if (key.ctrl && input === 'c') return props.onQuit();
      switch (confirmActionFor(input, key)) {
        case 'drillAlongside':
          return actions.toggleWizardDrill();
        case 'decline':
          actions.takeWizardTyped();
          return intents?.answerFailover('');
        case 'run':
          return intents?.answerFailover(actions.takeWizardTyped());
        case 'up':
          return scrollWizard(-1);
        case 'down':
          return scrollWizard(1);
        case 'pageUp':
          return scrollWizard('-page');
        case 'pageDown':
          return scrollWizard('page');
      }
      if (input.includes('\r')) {
        // "word⏎" typed quickly arrives as one chunk
        actions.typeWizard(input.slice(0, input.indexOf('\r')));
        return intents?.answerFailover(actions.takeWizardTyped());
      }
      if (key.backspace || key.delete) return actions.eraseWizard();
      if (input && !key.ctrl && !key.meta) return actions.typeWizard(input);
      return;
    }
    if (w && WIZARD_ENDED.has(w.phase) && key.escape && !store.getState().ui.help && !store.getState().ui.prompt) return actions.closeWizard();
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

  const footerMode: FooterMode = !wizard || ui.help || ui.prompt ? 'normal' : wizard.phase === 'confirm' ? 'wizard-confirm' : WIZARD_ENDED.has(wizard.phase) ? 'wizard-ended' : 'wizard-running';
  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Header width={columns} now={now} title={props.title} />
      {ui.help ? (
        <HelpOverlay width={columns} height={height - 3} />
      ) : (
        <>
          <TopologyPane width={columns} height={layout.topo} focused={focus === 'topology'} now={now} />
          {showJob && layout.job ? <ReplicationPane width={columns} height={layout.job} now={now} /> : null}
          {showDrill && layout.drill ? <DrillPane width={columns} height={layout.drill} now={now} drill={drill} /> : null}
          {bottomVisible && wizardView ? (
            <Box flexDirection="row" height={bottom}>
              <WizardPane width={wizardWidth} height={bottom} layout={wizardView} focused={focus === 'wizard' || wizard?.phase === 'confirm'} />
              {wide ? <EventLog width={sideWidth(columns)} height={bottom} focused={focus === 'log'} /> : null}
            </Box>
          ) : bottomVisible ? (
            <Box flexDirection="row" height={bottom}>
              {ui.detail ? (
                <DetailPane width={wide ? Math.floor(columns / 2) : columns} height={bottom} focused={focus === 'detail'} now={now} />
              ) : null}
              {!ui.detail || wide ? (
                <EventLog width={ui.detail ? columns - Math.floor(columns / 2) : columns} height={bottom} focused={focus === 'log'} />
              ) : null}
            </Box>
          ) : null}
        </>
      )}
      <Footer
        width={columns}
        mode={footerMode}
        context={{ canAct: !!intents, pair: pairMarked, jobRunning, drillRunning: drill?.state === 'running' || drill?.state === 'connecting' }}
      />
    </Box>
  );
}
