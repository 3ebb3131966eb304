// `cutover cluster fix` as text: the plan (per open slot: what redis-cli's case it is, then node, command, why),
// one line per step as it runs, and the end. Passwords never reach here (commands arrive redacted).
import type { FixEvent, FixSummary } from '../engine/cluster/fix/run-fix.js';
import type { FixStep, SlotFix } from '../engine/cluster/fix/fix-plan.js';
import { redactArgv } from '../engine/failover/redact-command.js';

function stepText(s: FixStep): string {
  return s.kind === 'keys' ? `MIGRATE the slot's keys (${s.keys}) to ${s.to}` : redactArgv(s.argv).join(' ');
}

export function fixPlanText(fixes: SlotFix[]): string {
  const lines = [`${fixes.length} slot problem${fixes.length === 1 ? '' : 's'} to fix:`];
  for (const f of fixes) {
    lines.push(`  ${f.diagnosis}`);
    if (f.refused) lines.push(`    left as it is: ${f.refused}`);
    f.steps.forEach((s, i) => lines.push(`    ${i + 1}. ${s.node}  ${stepText(s)}  — ${s.why}`));
  }
  return lines.join('\n') + '\n';
}

export function fixStepLine(e: Extract<FixEvent, { type: 'step' }>): string {
  const s = e.step;
  if (e.error) return `  ✗ slot ${s.slot} ${s.node}  ${stepText(s)}: ${e.error}\n`;
  if (s.kind === 'keys') return `  ✓ slot ${s.slot} ${s.node}  ${e.keysMoved ?? 0} key${e.keysMoved === 1 ? '' : 's'} moved to ${s.to} (${e.ms} ms)\n`;
  return `  ✓ slot ${s.slot} ${s.node}  ${stepText(s)} → ${String(e.reply)} (${e.ms} ms)\n`;
}

export function fixSummaryText(s: FixSummary, journal: string | undefined, stillOpen: Array<number | string>): string {
  const lines: string[] = [];
  if (s.status === 'failed') lines.push(`fix stopped: ${s.error}`);
  lines.push(`${s.fixed.length} slot${s.fixed.length === 1 ? '' : 's'} fixed, ${s.keys} key${s.keys === 1 ? '' : 's'} moved${s.refused.length ? `; left as they are: ${s.refused.join(', ')}` : ''}`);
  lines.push(stillOpen.length ? `still open: ${stillOpen.join(', ')} (cutover cluster check shows them)` : 'no slot is open or uncovered now');
  if (journal) lines.push(`journal: ${journal}`);
  return lines.join('\n') + '\n';
}
