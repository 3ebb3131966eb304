// The whole console (App) mounted at 80×24 on a store fed with topology events, for the cluster pane's screen tests:
// the frame as text, keys typed, events fed, the intents recorded; and two checks of a frame (it fits the terminal,
// its text with the pane borders and wrapping undone).
import React from 'react';
import { expect } from 'vitest';
import { render as inkRender } from 'ink';
import { App } from '../../src/ui/App.js';
import { Ctx } from '../../src/ui/context.js';
import { themeFor } from '../../src/ui/theme.js';
import { readOnlyIntents } from '../../src/ui/read-only-intents.js';
import { uiActions } from '../../src/store/actions.js';
import { applyEvents } from '../../src/store/reduce.js';
import { initialState, type AppEvent } from '../../src/store/state.js';
import { createAppStore } from '../../src/store/store.js';
import type { TopologyEvent } from '../../src/engine/topology/types.js';
import { fakeTerminal, recordingIntents, strip } from './helpers.js';

export const SIZE = { columns: 80, rows: 24 };

export function mountConsole(events: TopologyEvent[], o: { readOnly?: boolean } = {}) {
  const { frames, stdout, stdin, type } = fakeTerminal(SIZE.columns, SIZE.rows);
  const store = createAppStore(applyEvents(initialState(), events));
  const { asked, intents } = recordingIntents();
  const ctx = { store, actions: uiActions(store), theme: themeFor({ NO_COLOR: '1' }), intents: o.readOnly ? readOnlyIntents(intents) : intents, readOnly: o.readOnly };
  const inst = inkRender(
    <Ctx.Provider value={ctx}>
      <App size={SIZE} onQuit={() => undefined} />
    </Ctx.Provider>,
    { stdout, stdin, debug: true, patchConsole: false, exitOnCtrlC: false },
  );
  const frame = () => strip(frames.at(-1));
  const feed = (e: AppEvent[]) => store.setState(applyEvents(store.getState(), e));
  return { store, asked, type, frame, feed, unmount: () => inst.unmount() };
}

export function fits(frame: string) {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThanOrEqual(SIZE.rows - 1);
  for (const l of lines) expect(l.length).toBeLessThanOrEqual(SIZE.columns);
}

/** The frame's text with the pane borders and the wrapping undone. */
export function readable(frame: string): string {
  return frame
    .split('\n')
    .map((l) => l.replace(/^[│┌└]|[│┐┘]$/g, '').trim())
    .join(' ')
    .replace(/\s+/g, ' ');
}
