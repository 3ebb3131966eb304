// Folds a batch of engine events into the state. Pure: one new state object per batch.
import { foldClusterOp } from './cluster-ops.js';
import { foldDrill, newDrillView } from './drill.js';
import { foldWizard } from './wizard.js';
import { LOG_CAPACITY, type AppEvent, type AppState, type JobState } from './state.js';

export function applyEvents(state: AppState, events: AppEvent[]): AppState {
  if (events.length === 0) return state;
  let nodes = state.nodes;
  let order = state.order;
  let log = state.log;
  let { deployment, lastPollAt, job, drill, wizard, cluster } = state;
  for (const e of events) {
    switch (e.type) {
      case 'job-started':
        job = { kind: e.kind, source: e.source, target: e.target, state: 'running', results: [], startedAt: e.at };
        break;
      case 'job-progress':
        if (job) job = { ...job, progress: e.progress };
        break;
      case 'wizard-started':
      case 'wizard-error':
      case 'wizard':
      case 'wizard-closed':
        wizard = foldWizard(wizard, e);
        break;
      case 'cluster-check-started':
      case 'cluster-check-done':
      case 'cluster-check-failed':
      case 'reshard-plan':
      case 'rebalance-plan':
      case 'rebalance-balanced':
      case 'reshard-refused':
      case 'reshard-declined':
      case 'reshard-confirmed':
      case 'reshard-started':
      case 'reshard':
      case 'reshard-error':
        cluster = foldClusterOp(cluster, e);
        break;
      case 'drill-started':
        drill = newDrillView(e.target, e.at);
        break;
      case 'drill':
        if (e.event.type === 'log') {
          if (log === state.log) log = [...log];
          log.push(e.event.entry);
        } else if (drill) drill = foldDrill(drill, e.event);
        break;
      case 'job-live':
        if (job) job = { ...job, live: e.stats };
        break;
      case 'job-log':
        if (log === state.log) log = [...log];
        log.push({ at: e.at, level: e.level, kind: 'info', message: e.message });
        break;
      case 'job-phase-done':
        if (job) job = { ...job, results: [...job.results, { phase: e.phase, line: e.line, ok: e.ok }] };
        break;
      case 'job-ended':
        if (job) job = { ...job, state: e.state, message: e.message, endedAt: e.at } satisfies JobState;
        break;
      case 'node':
        if (nodes === state.nodes) nodes = { ...nodes };
        if (!nodes[e.node.id]) order = [...order, e.node.id];
        nodes[e.node.id] = e.node;
        break;
      case 'node-removed':
        if (nodes === state.nodes) nodes = { ...nodes };
        delete nodes[e.id];
        order = order.filter((id) => id !== e.id);
        break;
      case 'log':
        if (log === state.log) log = [...log];
        log.push(e.entry);
        break;
      case 'poll':
        lastPollAt = e.at;
        break;
      case 'deployment':
        deployment = e.info;
        break;
    }
  }
  if (log.length > LOG_CAPACITY) log = log.slice(log.length - LOG_CAPACITY);
  const lost = state.ui.selected === undefined || !nodes[state.ui.selected];
  let ui = lost && order.length > 0 ? { ...state.ui, selected: order[0] } : state.ui;
  // a wizard that moves on (plan, running, outcome) shows its new part: the operator's scroll was for the old one
  if (ui.wizardScroll !== undefined && (wizard?.phase !== state.wizard?.phase || wizard?.startedAt !== state.wizard?.startedAt)) ui = { ...ui, wizardScroll: undefined };
  if (ui.wizardScroll !== undefined && !wizard && (cluster?.phase !== state.cluster?.phase || cluster?.startedAt !== state.cluster?.startedAt)) ui = { ...ui, wizardScroll: undefined };
  return { ...state, nodes, order, log, deployment, lastPollAt, job, drill, wizard, cluster, ui };
}
