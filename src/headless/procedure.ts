// A prepared procedure (failover, clone) run headless: its plan, a line per step (a bar updating in place on a
// terminal for a long step) or NDJSON events, Ctrl-C after the current step, and its outcome as an exit code.
import { redact } from '../options/redact.js';
import { defaultJournalPath, FileJournal, MemoryJournal, type Journal } from '../engine/failover/journal.js';
import type { Procedure } from '../engine/failover/procedure.js';
import type { Outcome, ProcedureEvent } from '../engine/failover/types.js';
import { planText, progressText, stepDoneLine, stepFailedLine, stepSkippedLine, summaryText } from '../render/failover-text.js';
import { EXIT } from './exit-codes.js';
import { writeNdjson } from './ndjson.js';
import { onStopSignals } from './signals.js';
import { TtyLine } from './tty-line.js';

export const EXIT_CODES: Record<Outcome['status'], number> = {
  done: EXIT.ok,
  'dry-run': EXIT.ok,
  failed: EXIT.failed,
  cancelled: EXIT.stopped,
  declined: EXIT.badInput,
  refused: EXIT.badInput,
};

/** Text lines (a bar updating in place on a terminal) or NDJSON events. */
function attachOutput(proc: Procedure, json: boolean): () => void {
  const total = proc.plan.steps.length;
  const tty = !!process.stdout.isTTY && !json;
  const bar = new TtyLine();
  let lastProgress = 0;
  const out = (text: string) => bar.replace(redact(text));
  return proc.events.on((e: ProcedureEvent) => {
    if (json) {
      if (e.type === 'progress') {
        if (Date.now() - lastProgress < 500) return;
        lastProgress = Date.now();
        return writeNdjson({ event: 'progress', step: e.step.id, index: e.step.index, ...e.progress, at: new Date(e.at).toISOString() });
      }
      if (e.type === 'plan') return writeNdjson({ event: 'plan', ...e.plan });
      if (e.type === 'summary') return writeNdjson({ event: 'summary', ...e.outcome });
      const { type, ...rest } = e as { type: string } & Record<string, unknown>;
      return writeNdjson({ event: type, ...rest, ...('at' in rest ? { at: new Date(rest.at as number).toISOString() } : {}) });
    }
    switch (e.type) {
      case 'plan':
        return out(planText(e.plan));
      case 'confirm':
        return out(e.granted ? `confirmed: ${e.word}\n` : '');
      case 'progress':
        if (tty) bar.draw(`  ${redact(progressText(e.progress))}`);
        return;
      case 'step-done':
        return out(stepDoneLine(e.step, total, e) + '\n');
      case 'step-failed':
        return out(stepFailedLine(e.step, total, e.error, e.ms) + '\n');
      case 'step-skipped':
        return out(stepSkippedLine(e.step, total, e.reason) + '\n');
      case 'note':
        return out(`  · ${e.text}\n`);
      case 'summary':
        return out(summaryText(e.outcome, proc.plan.title));
      default:
        return;
    }
  });
}

/** Runs a prepared procedure headless; returns the exit code. Ctrl-C stops it after the current step. */
export async function runHeadless(proc: Procedure, o: { json: boolean; dryRun: boolean; command: string }): Promise<number> {
  const detach = attachOutput(proc, o.json);
  // Ctrl-C / SIGTERM: no step after the current one; past the grace (a step waiting on a server that hangs), or at
  // a second signal, cutover exits 130 and says where the procedure stood (the journal has every command)
  const signals = onStopSignals({
    stop: () => proc.cancel(),
    force: () => process.stderr.write(`cutover: ${o.command} stopped during a step that did not end: check the nodes' roles before going on\n`),
    notice: o.json ? undefined : `cutover: stopping ${o.command} after the current step (Ctrl-C again to quit now)`,
  });
  try {
    const outcome = await proc.run({ dryRun: o.dryRun });
    if (outcome.status === 'refused') {
      const why = proc.plan.checks.filter((c) => !c.ok && !c.warn).map((c) => c.text);
      process.stderr.write(`cutover: ${o.command} refused: ${redact(why.join('; '))}; nothing was changed\n`);
    }
    if (outcome.status === 'declined') process.stderr.write(`cutover: not confirmed; nothing was changed\n`);
    return EXIT_CODES[outcome.status];
  } finally {
    signals.dispose();
    detach();
  }
}

export function openJournal(path: string | undefined, dryRun: boolean, procedure: string): Journal {
  if (dryRun && !path) return new MemoryJournal();
  return new FileJournal(path ?? defaultJournalPath(procedure));
}
