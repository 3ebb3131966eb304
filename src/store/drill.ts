// What a screen needs to show a drill, and how the checker's events fold into it (beside the store's other folds). Pure.
import type { DrillEvent, DrillState, DrillSummary, DrillTick, UnavailabilityWindow } from '../engine/drill/types.js';

export interface DrillView {
  state: DrillState;
  /** what the drill writes to, redacted ('' until known) */
  target: string;
  /** when the drill was started (epoch ms) */
  startedAt: number;
  /** the latest per-second figures */
  tick?: DrillTick;
  /** the most recent windows, oldest first, open ones included (at most DRILL_VIEW_WINDOWS) */
  windows: UnavailabilityWindow[];
  summary?: DrillSummary;
  /** why it failed to start */
  message?: string;
}

export const DRILL_VIEW_WINDOWS = 10;

export function newDrillView(target = '', startedAt = Date.now()): DrillView {
  return { state: 'connecting', target, startedAt, windows: [] };
}

/** Folds one checker event into the view (a new object when anything changed; log events change nothing). */
export function foldDrill(view: DrillView, e: DrillEvent): DrillView {
  switch (e.type) {
    case 'tick':
      return { ...view, state: e.tick.state, target: e.tick.target || view.target, tick: e.tick };
    case 'window': {
      const rest = view.windows.filter((w) => w.id !== e.window.id);
      const windows = [...rest, e.window].sort((a, b) => a.id - b.id).slice(-DRILL_VIEW_WINDOWS);
      return { ...view, windows };
    }
    case 'done':
      return {
        ...view,
        state: e.summary.reason === 'failed' ? 'failed' : 'done',
        target: view.target || e.summary.target,
        summary: e.summary,
        windows: e.summary.windowList.slice(-DRILL_VIEW_WINDOWS),
        ...(e.summary.error ? { message: e.summary.error } : {}),
      };
    case 'log':
      return view;
  }
}
