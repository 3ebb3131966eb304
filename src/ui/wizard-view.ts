// The failover wizard as lines to draw: a document that scrolls (the plan's checks and notes, every step, the
// outcome with the nodes, the way back and what is left to do) and the lines pinned under it that must always
// show (the typed confirmation, the running clock, the journal and how to close). Every line that carries a
// reason, an error or a command is wrapped to the pane's width, never cut. Pure: the pane draws it, the App
// scrolls it.
import { checkLine, stepTitle } from '../render/failover-text.js';
import { wrapText } from '../render/format.js';
import { seconds } from '../format/durations.js';
import type { WizardState, WizardStep } from '../store/wizard.js';
import { confirmField } from './typed-confirm.js';

export type Tone = 'ok' | 'warn' | 'error' | 'muted';

export interface ViewLine {
  text: string;
  tone?: Tone;
  bold?: boolean;
}

export interface WizardLayout {
  /** the scrolling part */
  doc: ViewLine[];
  /** where the view starts when the operator has not scrolled: the top, the running step, or the outcome */
  anchor: number;
  /** always on screen, under the document */
  pinned: ViewLine[];
}

/** What the document shows at least, besides its pinned lines, when the layout is short of rows. */
export const WIZARD_MIN_DOC = 3;

const MARK: Record<WizardStep['status'], string> = { pending: '·', running: '▸', done: '✓', failed: '✗', skipped: '-' };

/** The phases after which Esc closes the wizard (and f may open another). */
export const WIZARD_ENDED: ReadonlySet<WizardState['phase']> = new Set(['done', 'failed', 'cancelled', 'declined', 'dry-run', 'refused', 'error']);

function push(out: ViewLine[], text: string, width: number, style: Omit<ViewLine, 'text'> = {}, indent = '  '): void {
  for (const t of wrapText(text, width, indent)) out.push({ text: t, ...style });
}

/** `inner` is the pane's width inside its borders. */
export function wizardLayout(w: WizardState, typed: string, inner: number, now: number): WizardLayout {
  const width = Math.max(10, inner);
  const doc: ViewLine[] = [];
  const pinned: ViewLine[] = [];
  let anchor = 0;
  const p = w.plan;
  push(doc, p ? p.title : `${w.unplanned ? 'unplanned' : 'planned'} failover around ${w.node}: discovering the deployment, reading offsets, choosing the candidate…`, width, { bold: true });
  if (p) {
    // the checks that failed first: they are the reasons it will not run
    const failed = p.checks.filter((c) => !c.ok && !c.warn);
    for (const c of [...failed, ...p.checks.filter((c) => c.ok || c.warn)]) {
      push(doc, checkLine(c), width, { tone: !c.ok && !c.warn ? 'error' : c.warn ? 'warn' : undefined });
    }
    for (const n of [...(p.estimate ? [`write pause: ${p.estimate}`] : []), ...p.notes]) push(doc, `· ${n}`, width, { tone: 'muted' });
  }
  const total = w.steps.length;
  w.steps.forEach((s) => {
    const running = s.status === 'running';
    const text = running
      ? `▸ ${s.view.index + 1}/${total} ${s.view.kind === 'wait' ? 'wait ' : ''}${stepTitle(s.view)}${w.progress ? `  ${w.progress}` : ''}`
      : (s.line ?? `${MARK[s.status]} ${s.view.index + 1}/${total} ${s.view.kind === 'wait' ? 'wait ' : ''}${stepTitle(s.view)}${s.view.changesRole ? '   [changes roles]' : ''}`);
    if (running) anchor = Math.max(0, doc.length - 2);
    push(doc, text, width, { tone: s.status === 'failed' ? 'error' : s.status === 'pending' || s.status === 'skipped' ? 'muted' : undefined, bold: running });
  });
  if (w.phase === 'error') {
    anchor = doc.length;
    push(doc, `✗ ${w.message ?? 'could not prepare the failover'}`, width, { tone: 'error', bold: true });
  } else if (w.summary) {
    const lines = w.summary.trimEnd().split('\n').filter((l) => !l.startsWith('journal: '));
    const ok = w.phase === 'done';
    // the outcome first on screen once it is over; a refusal's reasons are the failed checks at the top
    if (w.phase === 'done' || w.phase === 'failed' || w.phase === 'cancelled') anchor = doc.length;
    lines.forEach((l, i) => {
      const bad = /^(failed|stopped) at step /.test(l) || /^\s*✗/.test(l);
      push(doc, l, width, { tone: i === 0 ? (ok ? 'ok' : 'error') : bad ? 'error' : undefined, bold: i === 0 || bad }, l.startsWith('  ') ? '    ' : '  ');
    });
  }
  if (w.phase === 'confirm' && p) {
    push(pinned, `type ${p.confirmWord} and Enter to run it · Esc: nothing changes · Tab: drill alongside [${w.drill ? 'on' : 'off'}]`, width, { tone: 'warn', bold: true });
    // the typed word, its end in view when it is longer than the line
    pinned.push({ text: confirmField(typed, width) });
  } else if (w.phase === 'running') {
    pinned.push({ text: `running ${seconds((now - w.startedAt) / 1000)} · x stops after the current step (then the way back is shown)`, tone: 'muted' });
  } else if (WIZARD_ENDED.has(w.phase)) {
    push(pinned, `${w.outcome?.journal ? `journal ${w.outcome.journal} · ` : ''}Esc closes`, width, { tone: 'muted' });
  }
  return { doc, anchor, pinned };
}

/** The rows the wizard pane needs at least: its borders, the pinned lines, and a few of the document. */
export function wizardMinHeight(layout: WizardLayout): number {
  return 2 + layout.pinned.length + Math.min(WIZARD_MIN_DOC, layout.doc.length);
}

export interface WizardWindow {
  /** the first document line shown */
  top: number;
  /** document lines that fit */
  room: number;
  /** the largest `top` */
  maxTop: number;
}

/** Which part of the document a pane `height` rows tall shows; `scroll` is where the operator scrolled to (undefined: follow the anchor). */
export function wizardWindow(layout: WizardLayout, height: number, scroll: number | undefined): WizardWindow {
  const room = Math.max(0, height - 2 - layout.pinned.length);
  const maxTop = Math.max(0, layout.doc.length - room);
  const top = Math.max(0, Math.min(maxTop, scroll ?? layout.anchor));
  return { top, room, maxTop };
}
