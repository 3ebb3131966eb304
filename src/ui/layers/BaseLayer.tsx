// The console's base layer: the panes on screen (topology, failover wizard, details, event log) and the keys of the
// key table, each to the focused pane. A dangerous key with --read-only does nothing and says so in one line.
import { focusedPane } from '../../store/state.js';
import { useConsole } from '../context.js';
import type { WizardScroll } from '../hooks/use-wizard-scroll.js';
import { actionsFor, bindingOf, readOnlyRefusal, type ActionId } from '../keys.js';
import { CLUSTER_OP_ENDED } from '../../store/cluster-ops.js';
import { WIZARD_ENDED } from '../wizard-view.js';
import { topLayer, useLayerInput } from './layer-input.js';

export interface BaseLayerProps {
  isActive: boolean;
  onQuit: () => void;
  /** side by side panes (details beside the event log) */
  wide: boolean;
  /** the bottom pane's rows: a page of details or event log */
  bottom: number;
  scrollWizard: WizardScroll;
}

export function BaseLayer(props: BaseLayerProps) {
  const { store, actions, intents, readOnly } = useConsole();
  const { wide, scrollWizard } = props;

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
    if (action === 'quit') return props.onQuit();
    const binding = bindingOf(action);
    if (readOnly && binding.dangerous) return actions.refuse(readOnlyRefusal(binding));
    const { ui, wizard, cluster } = store.getState();
    const focused = focusedPane(ui, wide, !!wizard || !!cluster);
    const clusterBusy = !!cluster && !CLUSTER_OP_ENDED.has(cluster.phase);
    const wizardBusy = !!wizard && !WIZARD_ENDED.has(wizard.phase);
    const page = Math.max(1, props.bottom - 3);
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
        // a finished failover wizard or cluster operation closes first, then the details, then a finished drill's pane
        if (wizard && WIZARD_ENDED.has(wizard.phase)) return actions.closeWizard();
        if (cluster && !clusterBusy) return actions.closeCluster();
        return actions.back();
      case 'markSource':
        return actions.markSource();
      case 'markTarget':
        return actions.markTarget();
      case 'snapshot':
      case 'compare':
      case 'live': {
        // a snapshot and a live replication open the typed confirmation; a compare only reads, so it starts now
        if (!intents || !actions.askJob(action)) return;
        const { pair } = store.getState().ui;
        if (pair.source && pair.target) intents.startJob(action, pair.source, pair.target);
        return;
      }
      case 'drill': {
        if (!intents) return;
        const d = store.getState().drill;
        if (d && (d.state === 'running' || d.state === 'connecting')) return intents.stopDrill();
        return actions.askDrill();
      }
      case 'failover': {
        if (!intents || wizardBusy || !ui.selected) return;
        if (clusterBusy) return actions.note('warn', `f: the ${cluster!.kind === 'check' ? 'cluster check' : cluster!.kind} is under way; f once it is over (x stops a ${cluster!.kind === 'check' ? 'reshard' : cluster!.kind})`);
        const id = failoverTarget(ui.selected);
        if (!id) return;
        if (cluster) actions.closeCluster();
        actions.focus('wizard');
        return intents.startFailover(id);
      }
      case 'clusterCheck':
      case 'reshard':
      case 'rebalance': {
        if (!intents) return;
        const word = action === 'reshard' ? 'R: the reshard wizard' : action === 'rebalance' ? 'B: the rebalance wizard' : 'C: the cluster check';
        if (store.getState().deployment?.kind !== 'cluster') return actions.note('warn', `${word} is for a Redis Cluster; this console watches a ${store.getState().deployment?.kind ?? 'deployment not yet discovered'}`);
        if (wizardBusy) return actions.note('warn', `${word} waits for the failover to be over`);
        if (clusterBusy) return actions.note('warn', `${word} waits for the ${cluster!.kind === 'check' ? 'cluster check' : cluster!.kind} under way${cluster!.kind !== 'check' ? ' (x stops it after the slots in hand)' : ''}`);
        if (wizard) actions.closeWizard();
        if (action === 'clusterCheck') {
          actions.focus('wizard');
          return intents.checkCluster(ui.selected ?? '');
        }
        if (action === 'rebalance') {
          if (!actions.openRebalance()) return actions.note('warn', 'B: no cluster master is up to rebalance; wait for the topology to show the masters');
          return;
        }
        if (!actions.openReshard()) return actions.note('warn', 'R: no cluster master is up to move slots to; wait for the topology to show the masters');
        return;
      }
      case 'stopJob':
        if (wizard?.phase === 'running') return intents?.cancelFailover();
        if (cluster?.phase === 'running' || cluster?.phase === 'starting') return intents?.stopReshard();
        return intents?.stopJob();
    }
  };

  useLayerInput(
    'base',
    (input, key) => {
      // keys sent together arrive as one chunk; a key that opens another layer (help, a typed confirmation) ends it
      for (const action of actionsFor(input, key)) {
        dispatch(action);
        if (topLayer(store.getState()) !== 'base') return;
      }
    },
    props.isActive,
  );
  return null;
}
