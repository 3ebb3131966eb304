// The console: header, topology, details or event log, footer. Keys go to the top layer only (Ink's useInput with
// isActive): the ? help over everything, then a typed confirmation, then the base layer of panes.
import React, { useMemo } from 'react';
import { Box } from 'ink';
import { clusterMasters } from '../store/cluster-masters.js';
import { CLUSTER_OP_ENDED } from '../store/cluster-ops.js';
import { focusedPane } from '../store/state.js';
import { clusterLayout, clusterMinHeight } from './cluster-view.js';
import { useApp, useConsole } from './context.js';
import { useConfirmation } from './hooks/use-confirmation.js';
import { useNow } from './hooks/use-now.js';
import { useSize } from './hooks/use-size.js';
import { useWizardScroll } from './hooks/use-wizard-scroll.js';
import type { FooterMode } from './keys.js';
import { BaseLayer } from './layers/BaseLayer.js';
import { ClusterPane } from './panes/ClusterPane.js';
import { SlotMapPane, slotMapHeight } from './panes/SlotMapPane.js';
import { ConfirmLayer } from './layers/ConfirmLayer.js';
import { HelpLayer } from './layers/HelpLayer.js';
import { LayerHandlers, topLayer, type InputHandler, type LayerId } from './layers/layer-input.js';
import { consoleLayout } from './layout.js';
import { DetailPane } from './panes/DetailPane.js';
import { DrillPane, drillPaneHeight } from './panes/DrillPane.js';
import { EventLog } from './panes/EventLog.js';
import { Footer } from './panes/Footer.js';
import { Header } from './panes/Header.js';
import { ReplicationPane, replicationPaneHeight } from './panes/ReplicationPane.js';
import { TopologyPane } from './panes/TopologyPane.js';
import { WizardPane } from './panes/WizardPane.js';
import { WIZARD_ENDED, wizardLayout, wizardMinHeight } from './wizard-view.js';

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
  const { intents, readOnly } = useConsole();
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
  const cluster = useApp((s) => s.cluster);
  const isCluster = useApp((s) => s.deployment?.kind === 'cluster');
  const masterCount = useApp((s) => (s.deployment?.kind === 'cluster' ? clusterMasters(s.nodes, s.order).length : 0));
  // the bottom's operation: the failover wizard, or else the cluster pane (a check, the reshard wizard)
  const wizardView = useMemo(
    () => (wizard ? wizardLayout(wizard, typed, wizardWidth - 2, now) : cluster ? clusterLayout(cluster, wizardWidth - 2, now) : undefined),
    [wizard, cluster, typed, wizardWidth, now],
  );
  // a drill that ended before this wizard (or cluster operation) opened gives its rows to it (Esc dismisses it otherwise)
  const drillEnded = !!drill && (drill.state === 'done' || drill.state === 'failed');
  const opStarted = wizard?.startedAt ?? cluster?.startedAt;
  const showDrill = !!drill && !(opStarted !== undefined && drillEnded && drill.startedAt < opStarted);

  const layout = consoleLayout({
    rows,
    nodeCount,
    job: showJob ? replicationPaneHeight(jobBusy) : 0,
    slotMap: slotMapHeight(masterCount),
    drillWant: showDrill ? drillPaneHeight(drill) : undefined,
    // a cluster operation's report or progress is what the operator is looking at: it takes rows from the topology
    wizardMin: wizardView ? (wizard ? wizardMinHeight(wizardView) : clusterMinHeight(wizardView)) : undefined,
  });
  const { height, bottom } = layout;
  const bottomVisible = bottom >= 3;
  const focus = focusedPane(ui, wide, !!wizardView);
  const scrollWizard = useWizardScroll(wizardView, bottom);
  const pendingConfirmation = useConfirmation(scrollWizard);
  // the one layer that takes keys now
  const top = useApp(topLayer);
  const handlers = useMemo(() => new Map<LayerId, InputHandler>(), []);

  const footerMode: FooterMode =
    ui.help || ui.prompt
      ? 'normal'
      : wizard
        ? wizard.phase === 'confirm' ? 'wizard-confirm' : WIZARD_ENDED.has(wizard.phase) ? 'wizard-ended' : 'wizard-running'
        : cluster
          ? cluster.phase === 'form' ? (cluster.kind === 'rebalance' ? 'rebalance-form' : 'reshard-form') : cluster.phase === 'confirm' ? 'wizard-confirm' : CLUSTER_OP_ENDED.has(cluster.phase) ? 'wizard-ended' : 'cluster-running'
          : 'normal';
  return (
    <LayerHandlers.Provider value={handlers}>
      <Box flexDirection="column" width={columns} height={height}>
        <Header width={columns} now={now} title={props.title} />
        <BaseLayer isActive={top === 'base'} onQuit={props.onQuit} wide={wide} bottom={bottom} scrollWizard={scrollWizard} />
        <ConfirmLayer isActive={top === 'confirm'} pending={pendingConfirmation} onQuit={props.onQuit} />
        {ui.help ? (
          <HelpLayer isActive={top === 'help'} width={columns} height={height - 3} onQuit={props.onQuit} />
        ) : (
          <>
            <TopologyPane width={columns} height={layout.topo} focused={focus === 'topology'} now={now} />
            {isCluster && layout.slotMap ? <SlotMapPane width={columns} height={layout.slotMap} /> : null}
            {showJob && layout.job ? <ReplicationPane width={columns} height={layout.job} now={now} /> : null}
            {showDrill && layout.drill ? <DrillPane width={columns} height={layout.drill} now={now} drill={drill} /> : null}
            {bottomVisible && wizardView ? (
              <Box flexDirection="row" height={bottom}>
                {wizard ? (
                  <WizardPane width={wizardWidth} height={bottom} layout={wizardView} focused={focus === 'wizard' || wizard.phase === 'confirm'} />
                ) : (
                  <ClusterPane width={wizardWidth} height={bottom} layout={wizardView} focused={focus === 'wizard' || cluster?.phase === 'form' || cluster?.phase === 'confirm'} />
                )}
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
          now={now}
          mode={footerMode}
          context={{ canAct: !!intents, pair: pairMarked, jobRunning, drillRunning: drill?.state === 'running' || drill?.state === 'connecting', readOnly, cluster: isCluster }}
        />
      </Box>
    </LayerHandlers.Provider>
  );
}
