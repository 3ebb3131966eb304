// Every key the console answers to, declared once. The dispatcher, the footer and the ? help are all built from this table.
import type { Key } from 'ink';

export type ActionId =
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'details'
  | 'focus'
  | 'markSource'
  | 'markTarget'
  | 'snapshot'
  | 'compare'
  | 'live'
  | 'drill'
  | 'failover'
  | 'stopJob'
  | 'help'
  | 'back'
  | 'quit';

export interface KeyBinding {
  action: ActionId;
  /** how the key is written in the footer and the help */
  label: string;
  /** short word for the footer; absent = help only */
  hint?: string;
  help: string;
  match: (input: string, key: Key) => boolean;
}

export const KEY_TABLE: KeyBinding[] = [
  { action: 'up', label: '↑/k', hint: 'move', help: 'select the node above (or scroll the focused pane)', match: (i, k) => k.upArrow || i === 'k' },
  { action: 'down', label: '↓/j', help: 'select the node below (or scroll the focused pane)', match: (i, k) => k.downArrow || i === 'j' },
  { action: 'pageUp', label: 'PgUp', help: 'scroll the event log back', match: (_i, k) => k.pageUp },
  { action: 'pageDown', label: 'PgDn', help: 'scroll the event log forward', match: (_i, k) => k.pageDown },
  { action: 'details', label: 'Enter', hint: 'details', help: "open or close the selected node's details", match: (_i, k) => k.return },
  { action: 'focus', label: 'Tab', help: 'move between the panes on screen', match: (_i, k) => k.tab },
  { action: 'markSource', label: 'S', help: 'mark the selected node as the replication source', match: (i) => i === 'S' },
  { action: 'markTarget', label: 'T', help: 'mark the selected node as the replication target', match: (i) => i === 'T' },
  { action: 'snapshot', label: 's', hint: 'snapshot', help: 'copy source → target (snapshot, then verify); asks you to type yes', match: (i) => i === 's' },
  { action: 'compare', label: 'c', hint: 'compare', help: 'compare source and target key by key (reads only)', match: (i) => i === 'c' },
  { action: 'live', label: 'l', help: 'live replication source → target: its data by PSYNC, then every change, until x; asks you to type yes', match: (i) => i === 'l' },
  { action: 'drill', label: 'd', help: "start a drill on the selected node's deployment (consistency checker: writes cutover:drill:* counters; asks you to type yes), or stop it", match: (i) => i === 'd' },
  { action: 'failover', label: 'f', hint: 'failover', help: 'failover wizard for the selected node: a replica is promoted (a master: the best candidate); preflight checks and every command shown first, you type the candidate to run it; x stops it after the current step', match: (i) => i === 'f' },
  { action: 'stopJob', label: 'x', help: 'stop the running job (a snapshot writes what it read; a live stream applies what it received), or the failover after its current step', match: (i) => i === 'x' },
  { action: 'help', label: '?', hint: 'help', help: 'show or hide this help', match: (i) => i === '?' },
  { action: 'back', label: 'Esc', help: 'close help or details', match: (_i, k) => k.escape },
  { action: 'quit', label: 'q', hint: 'quit', help: 'quit (Ctrl-C too); a lab is torn down', match: (i, k) => i === 'q' || (k.ctrl && i === 'c') },
];

export function actionFor(input: string, key: Key): ActionId | undefined {
  return KEY_TABLE.find((b) => b.match(input, key))?.action;
}

/**
 * The actions in one chunk of input. Ink hands a run of plain keys typed (or sent) quickly as one
 * string ("jj\r"); each character is a keypress of its own.
 */
export function actionsFor(input: string, key: Key): ActionId[] {
  if (input.length <= 1 || key.ctrl || key.meta || input.includes('\x1b')) {
    const one = actionFor(input, key);
    return one ? [one] : [];
  }
  const plain = Object.fromEntries(Object.keys(key).map((k) => [k, false])) as unknown as Key;
  const out: ActionId[] = [];
  for (const ch of input) {
    const a = ch === '\r' || ch === '\n' ? actionFor('', { ...plain, return: true }) : ch === '\t' ? actionFor('', { ...plain, tab: true }) : actionFor(ch, plain);
    if (a) out.push(a);
  }
  return out;
}

/** The footer: "↑↓/jk move  Enter details  s snapshot  c compare  ? help  q quit" (it fits 80 columns). */
export function footerHints(): Array<{ key: string; hint: string }> {
  return KEY_TABLE.filter((b) => b.hint).map((b) => ({ key: b.action === 'up' ? '↑↓/jk' : b.label, hint: b.hint! }));
}
