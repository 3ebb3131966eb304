// Failover and clone procedures as words: the plan, each step as it runs, node states, the summary with
// the measured pause and, after a failure, the way back. Pure; shared by the headless commands and the
// console's wizard. Commands arrive redacted from the engine (StepView), and stay so.
import type { Check, NodeReport, Outcome, PlanView, Progress, StepView, WayBack } from '../engine/failover/types.js';
import { pad } from './format.js';
import { ms } from '../format/durations.js';
import { bytes } from '../format/units.js';

/** A command as the operator would type it. */
export function commandLine(argv: readonly string[]): string {
  return argv.map((a) => (a === '' ? '""' : /[\s"]/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

export function nodeLine(n: NodeReport, mark = ''): string {
  const name = n.label ? `${n.label} ${n.id}` : n.id;
  let what: string;
  if (!n.reachable) what = `${n.error && /^authentication failed|requires a password/.test(n.error.replace(/^\S+: /, '')) ? 'NOAUTH' : 'DOWN'}${n.error ? ` (${n.error})` : ''}`;
  else if (n.role === 'replica') what = `replica of ${n.masterId ?? '?'} · link ${n.link ?? '?'}`;
  else if (n.role === 'sentinel') what = `sentinel${n.note ? ` · ${n.note}` : ''}`;
  else what = n.role ?? '?';
  const offset = n.offset !== undefined && n.role !== 'sentinel' ? ` · offset ${n.offset}` : '';
  const note = n.note && n.role !== 'sentinel' ? ` · ${n.note}` : '';
  return `${pad(name, 24)} ${what}${offset}${note}${mark}`;
}

export function nodesText(nodes: NodeReport[], marks: Record<string, string> = {}, indent = '  '): string {
  return nodes.map((n) => indent + nodeLine(n, marks[n.id] ? `   ← ${marks[n.id]}` : '')).join('\n');
}

export function checkLine(c: Check): string {
  return `${c.ok ? (c.warn ? '!' : '✓') : '✗'} ${c.text}`;
}

/** "127.0.0.1:6379  FAILOVER TO 127.0.0.1 6380 TIMEOUT 5000" or "wait until …". */
export function stepTitle(s: StepView): string {
  if (s.kind === 'command') return `${s.node}  ${commandLine(s.command ?? [])}`;
  return s.what ?? s.id;
}

function stepTags(s: StepView): string {
  const tags = [s.changesRole ? 'changes roles' : '', s.optional ? 'optional' : '', s.always ? 'also after a failure' : ''].filter(Boolean);
  return tags.length ? `   [${tags.join(', ')}]` : '';
}

export function planText(p: PlanView): string {
  const lines = [p.title, `mode: ${p.mode}`, 'nodes:'];
  const candidate = p.confirmWord;
  lines.push(nodesText(p.nodes, { [candidate]: p.procedure === 'failover' ? 'to be promoted' : 'the clone' }));
  if (p.checks.length) {
    lines.push('checks:');
    for (const c of p.checks) lines.push(`  ${checkLine(c)}`);
  }
  if (p.notes.length) {
    lines.push('notes:');
    for (const n of p.notes) lines.push(`  · ${n}`);
  }
  lines.push('steps:');
  for (const s of p.steps) {
    lines.push(`  ${String(s.index + 1).padStart(2)}. ${s.kind === 'wait' ? 'wait: ' : ''}${stepTitle(s)}${stepTags(s)}`);
    const extra = [s.why, s.condition ? `only if ${s.condition}` : ''].filter(Boolean).join('; ');
    if (extra) lines.push(`      ${extra}`);
    for (const c of s.commands ?? []) lines.push(`      may send: ${c.node}  ${commandLine(c.command)} (${c.why})`);
  }
  if (p.estimate) lines.push(`write pause: ${p.estimate}`);
  return lines.join('\n') + '\n';
}

export function confirmPrompt(word: string): string {
  return `type ${word} to go ahead (anything else stops here, nothing changed): `;
}

function replyText(reply: unknown): string {
  if (reply === undefined || reply === null) return '';
  const text = typeof reply === 'string' ? reply : JSON.stringify(reply);
  return text.length > 80 ? text.slice(0, 79) + '…' : text;
}

export function stepNumber(s: StepView, total: number): string {
  return `${s.index + 1}/${total}`;
}

export function stepDoneLine(s: StepView, total: number, e: { ms: number; reply?: unknown; result?: string; tolerated?: string }): string {
  const what = s.kind === 'command' ? stepTitle(s) : `wait ${stepTitle(s).replace(/^until /, 'until ')}`;
  if (e.tolerated) return `! ${stepNumber(s, total)} ${what} → ${e.tolerated} (optional: going on)`;
  const outcome = e.result ?? replyText(e.reply);
  return `✓ ${stepNumber(s, total)} ${what} → ${outcome || 'done'} (${ms(e.ms, 1000)})`;
}

export function stepFailedLine(s: StepView, total: number, error: string, took: number): string {
  return `✗ ${stepNumber(s, total)} ${s.kind === 'command' ? stepTitle(s) : `wait ${stepTitle(s)}`} → ${error} (${ms(took, 1000)})`;
}

export function stepSkippedLine(s: StepView, total: number, reason: string): string {
  return `- ${stepNumber(s, total)} ${s.kind === 'command' ? stepTitle(s) : `wait ${stepTitle(s)}`} (${reason})`;
}

/** A bar for a wait that knows how far it is: "[██████░░░░] 61% 1.2 MB of 2.0 MB". */
export function progressText(p: Progress, width = 24): string {
  if (p.done === undefined || !p.total || p.total <= 0) return p.text;
  const frac = Math.max(0, Math.min(1, p.done / p.total));
  const full = Math.round(frac * width);
  const amount = p.unit === 'bytes' ? `${bytes(p.done)} of ${bytes(p.total)}` : '';
  return `[${'█'.repeat(full)}${'░'.repeat(width - full)}] ${Math.floor(frac * 100)}% ${amount ? amount + ' · ' : ''}${p.text}`;
}

export function wayBackText(w: WayBack): string {
  const lines = [`state: ${w.summary}`];
  if (w.commands.length) {
    lines.push('the way back (cutover has not run these):');
    for (const c of w.commands) lines.push(`  ${c.node}  ${commandLine(c.argv)}    # ${c.why}`);
  }
  return lines.join('\n');
}

const STATUS: Record<Outcome['status'], string> = {
  done: 'done',
  failed: 'FAILED',
  cancelled: 'STOPPED',
  declined: 'not confirmed: nothing changed',
  'dry-run': 'dry run: nothing changed',
  refused: 'refused: nothing changed',
};

export function summaryText(o: Outcome, title: string): string {
  const lines = [`${STATUS[o.status]}: ${title}${o.status === 'done' || o.status === 'failed' || o.status === 'cancelled' ? ` (${ms(o.elapsedMs, 1000)})` : ''}`];
  if (o.failed) lines.push(`${o.status === 'cancelled' ? 'stopped' : 'failed'} at step ${o.failed.step.index + 1} (${stepTitle(o.failed.step)}): ${o.failed.error}`);
  for (const m of o.measures) lines.push(`  ${m.label}: ${ms(m.ms, 1000)}`);
  for (const n of o.notes) lines.push(`  · ${n}`);
  if (o.nodes && (o.status === 'done' || o.status === 'failed' || o.status === 'cancelled')) {
    lines.push('nodes now:');
    lines.push(nodesText(o.nodes));
  }
  if (o.wayBack) lines.push(wayBackText(o.wayBack));
  const remaining = o.remaining ?? [];
  if (remaining.length && o.status !== 'done') {
    lines.push('or, to finish it instead, the steps not run:');
    for (const s of remaining) lines.push(`  ${s.kind === 'wait' ? 'wait: ' : ''}${stepTitle(s)}${s.condition ? `   (only if ${s.condition})` : ''}`);
  }
  if (o.journal) lines.push(`journal: ${o.journal}`);
  return lines.join('\n') + '\n';
}
