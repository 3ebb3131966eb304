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
  | 'clusterCheck'
  | 'reshard'
  | 'rebalance'
  | 'stopJob'
  | 'help'
  | 'back'
  | 'quit';

/**
 * What the footer is about: the console, a failover wizard (or a cluster operation) running or over, a typed
 * confirmation (the failover's, the reshard's or the rebalance's), the reshard or rebalance wizard's form, a reshard
 * or rebalance running.
 */
export type FooterMode = 'normal' | 'wizard-running' | 'wizard-ended' | 'wizard-confirm' | 'reshard-form' | 'rebalance-form' | 'cluster-running';

/** What the console's footer depends on: which keys would do something now. */
export interface FooterContext {
  /** the console can start jobs, drills and failovers (the engine's intents are there) */
  canAct: boolean;
  /** both a source and a target are marked (S and T) */
  pair: boolean;
  /** a replication job is running (x stops it) */
  jobRunning: boolean;
  /** a drill is running (d stops it) */
  drillRunning: boolean;
  /** started with --read-only: the dangerous keys are not offered */
  readOnly?: boolean;
  /** the deployment is a Redis Cluster (C, R and B) */
  cluster?: boolean;
}

/** A key in the console's footer: its word, and its rank when the width runs short (0 is kept first). */
export interface FooterHint {
  hint: string;
  priority: number;
}

const IDLE: FooterContext = { canAct: true, pair: false, jobRunning: false, drillRunning: false };

export interface KeyBinding<A extends string = ActionId> {
  action: A;
  /** how the key is written in the help */
  label: string;
  /** how it is written in the footer, when not as in the help */
  footerKey?: string;
  /** the console's footer: its word and rank in this context; absent, or undefined now: help only */
  footer?: (c: FooterContext) => FooterHint | undefined;
  /** short words for the footer while a failover wizard is on screen */
  wizardHint?: Partial<Record<Exclude<FooterMode, 'normal'>, string>>;
  help: string;
  /**
   * the key writes to a server, changes a role or stops what does: it asks for a typed confirmation first (or stops
   * what one started), and with --read-only it is hidden from the footer and the help and refused with one line
   */
  dangerous?: boolean;
  /** what the key does, in the line that refuses it with --read-only */
  name?: string;
  /** the keys that do it: a character as typed, or a named key */
  keys: KeyName[];
  /** on a Redis Cluster only: left out of the help elsewhere */
  cluster?: boolean;
}

/** A character as typed ('k', 'S', '?'), or a key by its name. */
export type KeyName = 'up' | 'down' | 'left' | 'right' | 'pageUp' | 'pageDown' | 'return' | 'tab' | 'escape' | 'ctrl+c' | (string & {});

/** Whether the key pressed is `name`: a plain character never matches with Ctrl or Meta held (Ctrl-C is not c). */
export function keyIs(name: KeyName, input: string, key: Key): boolean {
  switch (name) {
    case 'up':
      return key.upArrow;
    case 'down':
      return key.downArrow;
    case 'left':
      return key.leftArrow;
    case 'right':
      return key.rightArrow;
    case 'pageUp':
      return key.pageUp;
    case 'pageDown':
      return key.pageDown;
    case 'return':
      return key.return;
    case 'tab':
      return key.tab;
    case 'escape':
      return key.escape;
    case 'ctrl+c':
      return key.ctrl && input === 'c';
    default:
      return input === name && !key.ctrl && !key.meta;
  }
}

const matches = (b: { keys: KeyName[] }, input: string, key: Key) => b.keys.some((k) => keyIs(k, input, key));

/** s, c and l: a pair is marked and no job runs (otherwise they do nothing). */
const pairJob = (c: FooterContext) => c.canAct && c.pair && !c.jobRunning;

/** C, R and B: on a Redis Cluster only. */
const onCluster = (c: FooterContext) => c.canAct && !!c.cluster;

export const KEY_TABLE: KeyBinding[] = [
  {
    action: 'up', label: '↑/k', footerKey: '↑↓/jk', footer: () => ({ hint: 'move', priority: 3 }), wizardHint: { 'wizard-running': 'scroll', 'wizard-ended': 'scroll', 'cluster-running': 'scroll' },
    help: 'select the node above; with the failover wizard, the details or the event log focused: scroll it', keys: ['up', 'k'],
  },
  { action: 'down', label: '↓/j', help: 'select the node below; with the failover wizard, the details or the event log focused: scroll it', keys: ['down', 'j'] },
  {
    action: 'pageUp', label: 'PgUp', footerKey: 'PgUp/PgDn', wizardHint: { 'wizard-running': 'page', 'wizard-ended': 'page', 'cluster-running': 'page' },
    help: 'scroll the focused pane (failover wizard, details, event log) a page back; with the topology focused, the event log', keys: ['pageUp'],
  },
  { action: 'pageDown', label: 'PgDn', help: 'scroll the focused pane a page forward; with the topology focused, the event log', keys: ['pageDown'] },
  { action: 'details', label: 'Enter', footer: () => ({ hint: 'details', priority: 6 }), help: "open or close the selected node's details", keys: ['return'] },
  { action: 'focus', label: 'Tab', wizardHint: { 'wizard-running': 'pane', 'wizard-ended': 'pane', 'cluster-running': 'pane' }, help: 'move between the panes on screen (topology, failover wizard, details, event log)', keys: ['tab'] },
  { action: 'markSource', label: 'S', footerKey: 'S/T', footer: (c) => ({ hint: 'source/target', priority: c.pair ? 8 : 4 }), help: 'mark the selected node as the replication source', keys: ['S'] },
  { action: 'markTarget', label: 'T', help: 'mark the selected node as the replication target', keys: ['T'] },
  { action: 'snapshot', label: 's', footer: (c) => (pairJob(c) ? { hint: 'snapshot', priority: 4 } : undefined), help: 'copy source → target (snapshot, then verify); asks you to type yes', dangerous: true, name: 'snapshot', keys: ['s'] },
  { action: 'compare', label: 'c', footer: (c) => (pairJob(c) ? { hint: 'compare', priority: 4 } : undefined), help: 'compare source and target key by key (reads only)', keys: ['c'] },
  { action: 'live', label: 'l', footer: (c) => (pairJob(c) ? { hint: 'live', priority: 4 } : undefined), help: 'live replication source → target: its data by PSYNC, then every change, until x; asks you to type yes', dangerous: true, name: 'live replication', keys: ['l'] },
  { action: 'drill', label: 'd', footer: (c) => (!c.canAct ? undefined : c.drillRunning ? { hint: 'stop drill', priority: 2 } : { hint: 'drill', priority: 7 }), help: "start a drill on the selected node's deployment (consistency checker: writes cutover:drill:* counters; asks you to type yes), or stop it", dangerous: true, name: 'drill', keys: ['d'] },
  { action: 'failover', label: 'f', footer: (c) => (c.canAct ? { hint: 'failover', priority: 5 } : undefined), help: "failover wizard for the selected node: a replica is promoted (a master, or a Sentinel's master: the best candidate); preflight checks and every command shown first, you type the candidate to run it; x stops it after the current step", dangerous: true, name: 'failover', keys: ['f'] },
  {
    action: 'clusterCheck', label: 'C', footer: (c) => (onCluster(c) ? { hint: 'check', priority: 5 } : undefined),
    help: 'cluster check (as cutover cluster check): slot coverage, open slots, agreement, nodes failing, each master\'s slots, keys and deviation; reads only', keys: ['C'], cluster: true,
  },
  {
    action: 'reshard', label: 'R', footer: (c) => (onCluster(c) ? { hint: 'reshard', priority: 5 } : undefined),
    help: 'reshard wizard: the target master (the selected one first), the sources and how many slots with the arrow keys and digits, then the plan, then you type reshard; x stops it after the slots in hand',
    dangerous: true, name: 'reshard', keys: ['R'], cluster: true,
  },
  {
    action: 'rebalance', label: 'B', footer: (c) => (onCluster(c) ? { hint: 'rebalance', priority: 6 } : undefined),
    help: 'rebalance wizard (as cutover cluster rebalance): use empty masters yes/no and the threshold with the arrow keys, then the plan (per master: slots now and after, keys and bytes out and in), then you type rebalance; x stops it after the slots in hand',
    dangerous: true, name: 'rebalance', keys: ['B'], cluster: true,
  },
  { action: 'stopJob', label: 'x', footer: (c) => (c.jobRunning ? { hint: 'stop', priority: 2 } : undefined), wizardHint: { 'wizard-running': 'stop after this step', 'cluster-running': 'stop after the slots in hand' }, help: 'stop the running job (a snapshot writes what it read; a live stream applies what it received), or the failover after its current step, or a reshard or rebalance after the slots in hand', keys: ['x'] },
  { action: 'help', label: '?', footer: () => ({ hint: 'help', priority: 0 }), wizardHint: { 'wizard-running': 'help', 'wizard-ended': 'help', 'cluster-running': 'help' }, help: 'show or hide this help', keys: ['?'] },
  { action: 'back', label: 'Esc', wizardHint: { 'wizard-ended': 'close' }, help: "close the help, the details, a finished failover wizard or cluster operation, then a finished drill's pane", keys: ['escape'] },
  { action: 'quit', label: 'q', footer: () => ({ hint: 'quit', priority: 1 }), wizardHint: { 'wizard-running': 'quit', 'wizard-ended': 'quit', 'cluster-running': 'quit' }, help: 'quit (Ctrl-C too); a lab is torn down', keys: ['q', 'ctrl+c'] },
];

export type ConfirmActionId = 'run' | 'decline' | 'drillAlongside' | 'up' | 'down' | 'pageUp' | 'pageDown';

/** The failover wizard's typed confirmation: every other key types into it. */
export const CONFIRM_KEYS: KeyBinding<ConfirmActionId>[] = [
  { action: 'run', label: 'Enter', wizardHint: { 'wizard-confirm': 'run' }, help: 'run it, once the candidate is typed', keys: ['return'] },
  { action: 'decline', label: 'Esc', wizardHint: { 'wizard-confirm': 'nothing changes' }, help: 'nothing changes', keys: ['escape'] },
  { action: 'drillAlongside', label: 'Tab', wizardHint: { 'wizard-confirm': 'drill' }, help: 'a drill alongside, or not', keys: ['tab'] },
  { action: 'up', label: '↑', footerKey: '↑↓', wizardHint: { 'wizard-confirm': 'scroll' }, help: 'scroll the plan', keys: ['up'] },
  { action: 'down', label: '↓', help: 'scroll the plan', keys: ['down'] },
  { action: 'pageUp', label: 'PgUp', footerKey: 'PgUp/PgDn', wizardHint: { 'wizard-confirm': 'page' }, help: 'scroll it a page', keys: ['pageUp'] },
  { action: 'pageDown', label: 'PgDn', help: 'scroll it a page', keys: ['pageDown'] },
];

export type FormActionId = 'fieldUp' | 'fieldDown' | 'less' | 'more' | 'less100' | 'more100' | 'plan' | 'cancel';

/**
 * The reshard wizard's form: it takes every key (digits type the slot count) until Enter or Esc. The rebalance
 * wizard's form takes the same keys (↑↓ the line, ←→ yes/no or ±1 %; PgUp/PgDn and digits do nothing there).
 */
export const RESHARD_FORM_KEYS: KeyBinding<FormActionId>[] = [
  { action: 'fieldUp', label: '↑', footerKey: '↑↓', wizardHint: { 'reshard-form': 'line', 'rebalance-form': 'line' }, help: 'the line above (to, from, slots)', keys: ['up'] },
  { action: 'fieldDown', label: '↓', help: 'the line below', keys: ['down'] },
  { action: 'less', label: '←', footerKey: '←→', wizardHint: { 'reshard-form': 'change', 'rebalance-form': 'change' }, help: 'the previous master, or one slot less', keys: ['left'] },
  { action: 'more', label: '→', help: 'the next master, or one slot more', keys: ['right'] },
  { action: 'less100', label: 'PgDn', footerKey: 'PgUp/PgDn', wizardHint: { 'reshard-form': '±100' }, help: '100 slots less', keys: ['pageDown'] },
  { action: 'more100', label: 'PgUp', help: '100 slots more', keys: ['pageUp'] },
  { action: 'plan', label: 'Enter', wizardHint: { 'reshard-form': 'plan (reads only)', 'rebalance-form': 'plan (reads only)' }, help: 'read the cluster and show the plan: per source its slots and keys; nothing changes yet', keys: ['return'] },
  { action: 'cancel', label: 'Esc', wizardHint: { 'reshard-form': 'nothing changes', 'rebalance-form': 'nothing changes' }, help: 'close the wizard; nothing changes', keys: ['escape'] },
];

export function formActionFor(input: string, key: Key): FormActionId | undefined {
  return RESHARD_FORM_KEYS.find((b) => matches(b, input, key))?.action;
}

/** One line for the help: the reshard and rebalance forms' keys. */
export function formHelp(): string {
  return `in the reshard wizard's form: ↑↓ the line (to, from, slots) · ←→ the master, or ±1 slot · PgUp/PgDn ±100 slots · digits type the count · Backspace erases one · Enter the plan (reads only) · Esc nothing changes; then type ${'reshard'} (Tab: a drill alongside). In the rebalance wizard's: ↑↓ the line (use empty masters, threshold) · ←→ yes/no, or ±1 % · Enter the plan; then type ${'rebalance'}`;
}

export function confirmActionFor(input: string, key: Key): ConfirmActionId | undefined {
  return CONFIRM_KEYS.find((b) => matches(b, input, key))?.action;
}

/** One line for the help: the confirmation's keys. */
export function confirmHelp(): string {
  const keys = CONFIRM_KEYS.filter((b) => b.wizardHint?.['wizard-confirm']).map((b) => `${b.label === '↑' ? '↑↓' : b.label === 'PgUp' ? 'PgUp/PgDn' : b.label} ${b.help}`);
  return `at the failover wizard's typed confirmation: type the candidate · ${keys.join(' · ')}`;
}

/** The binding of an action. */
export function bindingOf(action: ActionId): KeyBinding {
  return KEY_TABLE.find((b) => b.action === action)!;
}

/** The keys the console offers: all of them, or with --read-only those that change nothing. */
export function offeredKeys(readOnly = false): KeyBinding[] {
  return readOnly ? KEY_TABLE.filter((b) => !b.dangerous) : KEY_TABLE;
}

/** The one line a dangerous key gets with --read-only. */
export function readOnlyRefusal(b: KeyBinding): string {
  return `read-only: ${b.name ?? b.action} (${b.label}) is disabled (started with --read-only)`;
}

/** The help's line about --read-only: which keys it turned off. */
export function readOnlyHelp(cluster = false): string {
  const off = KEY_TABLE.filter((b) => b.dangerous && (cluster || !b.cluster)).map((b) => `${b.label} ${b.name ?? b.action}`);
  return `READ-ONLY (started with --read-only): ${off.slice(0, -1).join(', ')} and ${off.at(-1)} are disabled; nothing on any server can be changed from this console`;
}

export function actionFor(input: string, key: Key): ActionId | undefined {
  return KEY_TABLE.find((b) => matches(b, input, key))?.action;
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

const SEP = 2;

/**
 * The footer: the keys that do something now, as many as fit `width` (by rank; "? help" first), in the table's
 * order: "↑↓/jk move  Enter details  S/T source/target  s snapshot  c compare  l live  d drill  f failover  ? help  q quit".
 */
export function footerHints(mode: FooterMode = 'normal', ctx: FooterContext = IDLE, width = Infinity): Array<{ key: string; hint: string }> {
  const table: KeyBinding<string>[] = mode === 'wizard-confirm' ? CONFIRM_KEYS : mode === 'reshard-form' || mode === 'rebalance-form' ? RESHARD_FORM_KEYS : KEY_TABLE;
  const all = table.flatMap((b, i) => {
    const key = b.footerKey ?? b.label;
    if (ctx.readOnly && b.dangerous) return [];
    if (mode === 'normal') {
      const f = b.footer?.(ctx);
      return f ? [{ key, hint: f.hint, priority: f.priority, i }] : [];
    }
    const hint = b.wizardHint?.[mode];
    // the wizard's keys: help and quit first (and x while a reshard runs), then in the table's order
    const first = b.action === 'help' ? 0 : b.action === 'quit' ? 1 : mode === 'cluster-running' && b.action === 'stopJob' ? 1.5 : 2 + i;
    return hint ? [{ key, hint, priority: first, i }] : [];
  });
  const kept = new Set<number>();
  let used = 0;
  for (const h of [...all].sort((a, b) => a.priority - b.priority || a.i - b.i)) {
    const len = (kept.size ? SEP : 0) + h.key.length + 1 + h.hint.length;
    if (used + len > width) continue;
    kept.add(h.i);
    used += len;
  }
  return all.filter((h) => kept.has(h.i)).map(({ key, hint }) => ({ key, hint }));
}
