// Mounts the console on the terminal: alternate screen in, and always back out (on quit, on a signal, on a crash).
import React from 'react';
import { render } from 'ink';
import { uiActions } from '../store/actions.js';
import type { AppStore } from '../store/store.js';
import { App } from './App.js';
import { Ctx, type ConsoleIntents } from './context.js';
import { readOnlyIntents } from './read-only-intents.js';
import { themeFor } from './theme.js';

const ENTER_ALT = '\x1b[?1049h\x1b[H';
const LEAVE_ALT = '\x1b[?25h\x1b[?1049l';

/** Resolves when the operator quits. */
export async function runConsole(store: AppStore, opts: { title?: string; intents?: ConsoleIntents; readOnly?: boolean } = {}): Promise<void> {
  const out = process.stdout;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    out.write(LEAVE_ALT);
  };
  out.write(ENTER_ALT);
  process.once('exit', restore);
  let quit!: () => void;
  const done = new Promise<void>((resolve) => (quit = resolve));
  // a signal is a quit like q: the same clean way out, terminal restored
  const signals = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;
  for (const s of signals) process.on(s, quit);
  const ctx = { store, actions: uiActions(store), theme: themeFor(), intents: opts.readOnly && opts.intents ? readOnlyIntents(opts.intents) : opts.intents, readOnly: !!opts.readOnly };
  const instance = render(
    <Ctx.Provider value={ctx}>
      <App onQuit={() => quit()} title={opts.title} />
    </Ctx.Provider>,
    { exitOnCtrlC: false, patchConsole: true, maxFps: 10 },
  );
  try {
    await Promise.race([done, instance.waitUntilExit()]);
  } finally {
    instance.unmount();
    restore();
    process.off('exit', restore);
    for (const s of signals) process.off(s, quit);
  }
}
