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

/** What the footer is about: the console, a failover wizard running or over, or its typed confirmation. */
export type FooterMode = 'normal' | 'wizard-running' | 'wizard-ended' | 'wizard-confirm';

export interface KeyBinding<A extends string = ActionId> {
  action: A;
  /** how the key is written in the help */
  label: string;
  /** how it is written in the footer, when not as in the help */
  footerKey?: string;
  /** short word for the footer (the console's own); absent = help only */
  hint?: string;
  /** short words for the footer while a failover wizard is on screen */
  wizardHint?: Partial<Record<Exclude<FooterMode, 'normal'>, string>>;
  help: string;
  match: (input: string, key: Key) => boolean;
}

export const KEY_TABLE: KeyBinding[] = [
  {
    action: 'up', label: '↑/k', footerKey: '↑↓/jk', hint: 'move', wizardHint: { 'wizard-running': 'scroll', 'wizard-ended': 'scroll' },
    help: 'select the node above; with the failover wizard, the details or the event log focused: scroll it', match: (i, k) => k.upArrow || i === 'k',
  },
  { action: 'down', label: '↓/j', help: 'select the node below; with the failover wizard, the details or the event log focused: scroll it', match: (i, k) => k.downArrow || i === 'j' },
  {
    action: 'pageUp', label: 'PgUp', footerKey: 'PgUp/PgDn', wizardHint: { 'wizard-running': 'page', 'wizard-ended': 'page' },
    help: 'scroll the focused pane (failover wizard, details, event log) a page back; with the topology focused, the event log', match: (_i, k) => k.pageUp,
  },
  { action: 'pageDown', label: 'PgDn', help: 'scroll the focused pane a page forward; with the topology focused, the event log', match: (_i, k) => k.pageDown },
  { action: 'details', label: 'Enter', hint: 'details', help: "open or close the selected node's details", match: (_i, k) => k.return },
  { action: 'focus', label: 'Tab', wizardHint: { 'wizard-running': 'pane', 'wizard-ended': 'pane' }, help: 'move between the panes on screen (topology, failover wizard, details, event log)', match: (_i, k) => k.tab },
  { action: 'markSource', label: 'S', help: 'mark the selected node as the replication source', match: (i) => i === 'S' },
  { action: 'markTarget', label: 'T', help: 'mark the selected node as the replication target', match: (i) => i === 'T' },
  { action: 'snapshot', label: 's', hint: 'snapshot', help: 'copy source → target (snapshot, then verify); asks you to type yes', match: (i) => i === 's' },
  { action: 'compare', label: 'c', hint: 'compare', help: 'compare source and target key by key (reads only)', match: (i) => i === 'c' },
  { action: 'live', label: 'l', help: 'live replication source → target: its data by PSYNC, then every change, until x; asks you to type yes', match: (i) => i === 'l' },
  { action: 'drill', label: 'd', help: "start a drill on the selected node's deployment (consistency checker: writes cutover:drill:* counters; asks you to type yes), or stop it", match: (i) => i === 'd' },
  { action: 'failover', label: 'f', hint: 'failover', help: "failover wizard for the selected node: a replica is promoted (a master, or a Sentinel's master: the best candidate); preflight checks and every command shown first, you type the candidate to run it; x stops it after the current step", match: (i) => i === 'f' },
  { action: 'stopJob', label: 'x', wizardHint: { 'wizard-running': 'stop after this step' }, help: 'stop the running job (a snapshot writes what it read; a live stream applies what it received), or the failover after its current step', match: (i) => i === 'x' },
  { action: 'help', label: '?', hint: 'help', wizardHint: { 'wizard-running': 'help', 'wizard-ended': 'help' }, help: 'show or hide this help', match: (i) => i === '?' },
  { action: 'back', label: 'Esc', wizardHint: { 'wizard-ended': 'close' }, help: "close the help, the details, a finished failover wizard, then a finished drill's pane", match: (_i, k) => k.escape },
  { action: 'quit', label: 'q', hint: 'quit', wizardHint: { 'wizard-running': 'quit', 'wizard-ended': 'quit' }, help: 'quit (Ctrl-C too); a lab is torn down', match: (i, k) => i === 'q' || (k.ctrl && i === 'c') },
];

export type ConfirmActionId = 'run' | 'decline' | 'drillAlongside' | 'up' | 'down' | 'pageUp' | 'pageDown';

/** The failover wizard's typed confirmation: every other key types into it. */
export const CONFIRM_KEYS: KeyBinding<ConfirmActionId>[] = [
  { action: 'run', label: 'Enter', wizardHint: { 'wizard-confirm': 'run' }, help: 'run it, once the candidate is typed', match: (_i, k) => k.return },
  { action: 'decline', label: 'Esc', wizardHint: { 'wizard-confirm': 'nothing changes' }, help: 'nothing changes', match: (_i, k) => k.escape },
  { action: 'drillAlongside', label: 'Tab', wizardHint: { 'wizard-confirm': 'drill' }, help: 'a drill alongside, or not', match: (_i, k) => k.tab },
  { action: 'up', label: '↑', footerKey: '↑↓', wizardHint: { 'wizard-confirm': 'scroll' }, help: 'scroll the plan', match: (_i, k) => k.upArrow },
  { action: 'down', label: '↓', help: 'scroll the plan', match: (_i, k) => k.downArrow },
  { action: 'pageUp', label: 'PgUp', footerKey: 'PgUp/PgDn', wizardHint: { 'wizard-confirm': 'page' }, help: 'scroll it a page', match: (_i, k) => k.pageUp },
  { action: 'pageDown', label: 'PgDn', help: 'scroll it a page', match: (_i, k) => k.pageDown },
];

export function confirmActionFor(input: string, key: Key): ConfirmActionId | undefined {
  return CONFIRM_KEYS.find((b) => b.match(input, key))?.action;
}

/** One line for the help: the confirmation's keys. */
export function confirmHelp(): string {
  const keys = CONFIRM_KEYS.filter((b) => b.wizardHint?.['wizard-confirm']).map((b) => `${b.label === '↑' ? '↑↓' : b.label === 'PgUp' ? 'PgUp/PgDn' : b.label} ${b.help}`);
  return `at the failover wizard's typed confirmation: type the candidate · ${keys.join(' · ')}`;
}

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

/** The footer: "↑↓/jk move  Enter details  s snapshot  c compare  f failover  ? help  q quit" (each mode fits 80 columns). */
export function footerHints(mode: FooterMode = 'normal'): Array<{ key: string; hint: string }> {
  const table: KeyBinding<string>[] = mode === 'wizard-confirm' ? CONFIRM_KEYS : KEY_TABLE;
  const hintOf = (b: KeyBinding<string>) => (mode === 'normal' ? b.hint : b.wizardHint?.[mode]);
  return table.filter(hintOf).map((b) => ({ key: b.footerKey ?? b.label, hint: hintOf(b)! }));
}
