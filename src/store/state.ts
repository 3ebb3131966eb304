// The store's shape. The engine's events fill the topology part; the UI's intents move the ui part.
import type { DrillRunnerEvent } from '../engine/drill/runner.js';
import type { ClusterOpEvent } from '../engine/cluster/cluster-ops.js';
import type { ClusterOpView } from './cluster-ops.js';
import type { DrillView } from './drill.js';
import type { WizardEvent } from '../engine/failover/wizard.js';
import type { WizardState } from './wizard.js';
import type { LiveStats } from '../engine/live/types.js';
import type { JobEvent, JobKind, JobProgress } from '../engine/replicate/runner.js';
import type { DeploymentInfo, LogEntry, NodeState, TopologyEvent } from '../engine/topology/types.js';

/** Everything the engine tells the store. */
export type AppEvent = TopologyEvent | JobEvent | DrillRunnerEvent | WizardEvent | ClusterOpEvent;

/** The replication job the console started, as its events describe it. */
export interface JobState {
  kind: JobKind;
  source: string;
  target: string;
  state: 'running' | 'done' | 'failed' | 'stopped';
  progress?: JobProgress;
  /** a live replication's meters, once a second */
  live?: LiveStats;
  /** one line per finished phase */
  results: Array<{ phase: 'snapshot' | 'verify' | 'live'; line: string; ok: boolean }>;
  message?: string;
  startedAt: number;
  endedAt?: number;
}

export type PaneId = 'topology' | 'detail' | 'log' | 'wizard';

export interface UiState {
  /** id of the selected node */
  selected?: string;
  focus: PaneId;
  help: boolean;
  /** the detail pane is open (Enter) */
  detail: boolean;
  /** lines scrolled back from the newest log entry */
  logScroll: number;
  /** lines scrolled down in the detail pane */
  detailScroll: number;
  /** the node ids marked as replication source and target (S and T) */
  pair: { source?: string; target?: string };
  /** what has been typed into the failover wizard's confirmation */
  wizardTyped: string;
  /** the first line of the failover wizard's text on screen, where the operator scrolled it (undefined: it follows the running step, then the outcome) */
  wizardScroll?: number;
  /** a typed confirmation under way: what it is for, and what has been typed (a drill: on which node) */
  prompt?: { kind: JobKind | 'drill'; typed: string; node?: string };
  /** a line the footer shows for a few seconds instead of the keys (what a key could not do) */
  toast?: { text: string; at: number };
}

/**
 * The panes on screen, in Tab order: details take the event log's place unless the terminal is wide; an open
 * failover wizard takes the place of both (the event log stays beside it on a wide terminal).
 */
export function visiblePanes(ui: UiState, wide: boolean, wizardOpen = false): PaneId[] {
  if (wizardOpen) return ['topology', 'wizard', ...(wide ? (['log'] as const) : [])];
  return ['topology', ...(ui.detail ? (['detail'] as const) : []), ...(!ui.detail || wide ? (['log'] as const) : [])];
}

/** The focused pane, or the topology when the focused one is no longer on screen. */
export function focusedPane(ui: UiState, wide: boolean, wizardOpen = false): PaneId {
  return visiblePanes(ui, wide, wizardOpen).includes(ui.focus) ? ui.focus : 'topology';
}

export interface AppState {
  deployment?: DeploymentInfo;
  nodes: Record<string, NodeState>;
  /** node ids in the order they were discovered */
  order: string[];
  log: LogEntry[];
  lastPollAt?: number;
  job?: JobState;
  /** the consistency checker the console started (d) */
  drill?: DrillView;
  /** the failover wizard (f) */
  wizard?: WizardState;
  /** the cluster operation on screen: a check (C) or the reshard wizard (R) */
  cluster?: ClusterOpView;
  ui: UiState;
}

export const LOG_CAPACITY = 500;

export function initialState(): AppState {
  return { nodes: {}, order: [], log: [], ui: { focus: 'topology', help: false, detail: false, logScroll: 0, detailScroll: 0, pair: {}, wizardTyped: '' } };
}
