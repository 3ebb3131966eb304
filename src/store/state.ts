// The store's shape. The engine's events fill the topology part; the UI's intents move the ui part.
import type { DeploymentInfo, LogEntry, NodeState } from '../engine/topology/types.js';

export type PaneId = 'topology' | 'detail' | 'log';

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
}

/** The panes on screen: details take the event log's place unless the terminal is wide. */
export function visiblePanes(ui: UiState, wide: boolean): PaneId[] {
  return ['topology', ...(ui.detail ? (['detail'] as const) : []), ...(!ui.detail || wide ? (['log'] as const) : [])];
}

export interface AppState {
  deployment?: DeploymentInfo;
  nodes: Record<string, NodeState>;
  /** node ids in the order they were discovered */
  order: string[];
  log: LogEntry[];
  lastPollAt?: number;
  ui: UiState;
}

export const LOG_CAPACITY = 500;

export function initialState(): AppState {
  return { nodes: {}, order: [], log: [], ui: { focus: 'topology', help: false, detail: false, logScroll: 0, detailScroll: 0 } };
}
