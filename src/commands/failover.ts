// `cutover failover`, headless: discover, draw up the plan, show it, ask for the typed word (or --yes),
// run it step by step with a line per step (or NDJSON events with --json), journal everything, and exit
// 0 only when the new topology is in place and verified. Also the runner `cutover clone` shares.
import { createInterface } from 'node:readline';
import type { FailoverArgs } from '../config/failover-args.js';
import { InputError, type Endpoint } from '../config/endpoint.js';
import { redact } from '../config/redact.js';
import type { TlsFiles } from '../config/tls-files.js';
import { checkEndpoint, DEFAULT_CONNECT, tlsSettings, type ConnectOptions } from '../engine/redis/connect.js';
import { prepareFailover } from '../engine/failover/failover.js';
import { defaultJournalPath, FileJournal, MemoryJournal, type Journal } from '../engine/failover/journal.js';
import { NodePool } from '../engine/failover/pool.js';
import { PROBE_BOUND_MS } from '../engine/failover/probe-all.js';
import { Procedure } from '../engine/failover/procedure.js';
import type { Confirm, Outcome, ProcedureEvent } from '../engine/failover/types.js';
import { onStopSignals } from '../headless/signals.js';
import { confirmPrompt, planText, progressText, stepDoneLine, stepFailedLine, stepSkippedLine, summaryText } from '../render/failover-text.js';

export const EXIT_CODES: Record<Outcome['status'], number> = { done: 0, 'dry-run': 0, failed: 1, cancelled: 130, declined: 2, refused: 2 };

/** Without a terminal to type on and without --yes, nothing may change: one line, exit 2, before anything is touched. */
export function needsConfirmationRefusal(command: string, a: { yes: boolean; dryRun: boolean }): string | undefined {
  if (a.yes || a.dryRun || process.stdin.isTTY) return undefined;
  return `${command} changes roles and asks for a typed confirmation, but stdin is not a terminal: add --yes to run it anyway (see the plan first with --dry-run); nothing was changed`;
}

/** The connection options for a look that must be quick: each node answers within PROBE_BOUND_MS or is reported as not answering. */
export function boundedConnect(conn: ConnectOptions): ConnectOptions {
  return { ...conn, connectTimeoutMs: Math.min(conn.connectTimeoutMs, PROBE_BOUND_MS), commandTimeoutMs: Math.min(conn.commandTimeoutMs, PROBE_BOUND_MS) };
}

export function connectOptionsFor(endpoints: Endpoint[], files: TlsFiles): ConnectOptions {
  return { ...DEFAULT_CONNECT, tls: endpoints.some((e) => e.tls) ? tlsSettings(files) : {} };
}

/** Checks every entry point the way the console does: a wrong one (password, TLS, not Redis) stops here; a down one only if all are. */
export async function checkEntries(entries: Endpoint[], conn: ConnectOptions, sentinels: Endpoint[] = [], masterName?: string): Promise<string[]> {
  const all = [...entries.map((e) => checkEndpoint(e, conn)), ...sentinels.map((s) => checkEndpoint(s, conn, masterName, true))];
  const results = await Promise.allSettled(all);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  const fatal = failures.find((e) => e instanceof InputError || !/connection refused|no answer from|closed the connection before answering/.test(e.message));
  if (fatal) throw fatal;
  if (failures.length && failures.length === results.length) throw failures[0];
  return failures.map((e) => redact(e.message));
}

/** Reads one line from the terminal, after the prompt on stderr (stdout may be NDJSON). */
function ask(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    rl.question(prompt, (answer) => {
      rl.close();
      resolve(answer);
    });
    rl.on('SIGINT', () => {
      rl.close();
      resolve('');
    });
  });
}

export function terminalConfirm(yes: boolean): Confirm {
  return async ({ word }) => {
    if (yes) return true;
    if (!process.stdin.isTTY) return false;
    return (await ask(confirmPrompt(word))).trim() === word;
  };
}

/** Text lines (a bar updating in place on a terminal) or NDJSON events. */
function attachOutput(proc: Procedure, json: boolean): () => void {
  const total = proc.plan.steps.length;
  const tty = !!process.stdout.isTTY && !json;
  let barShown = false;
  let lastProgress = 0;
  const out = (text: string) => {
    if (barShown) process.stdout.write('\r\x1b[K');
    barShown = false;
    process.stdout.write(redact(text));
  };
  const line = (o: object) => process.stdout.write(redact(JSON.stringify(o)) + '\n');
  return proc.events.on((e: ProcedureEvent) => {
    if (json) {
      if (e.type === 'progress') {
        if (Date.now() - lastProgress < 500) return;
        lastProgress = Date.now();
        return line({ event: 'progress', step: e.step.id, index: e.step.index, ...e.progress, at: new Date(e.at).toISOString() });
      }
      if (e.type === 'plan') return line({ event: 'plan', ...e.plan });
      if (e.type === 'summary') return line({ event: 'summary', ...e.outcome });
      const { type, ...rest } = e as { type: string } & Record<string, unknown>;
      return line({ event: type, ...rest, ...('at' in rest ? { at: new Date(rest.at as number).toISOString() } : {}) });
    }
    switch (e.type) {
      case 'plan':
        return out(planText(e.plan));
      case 'confirm':
        return out(e.granted ? `confirmed: ${e.word}\n` : '');
      case 'progress':
        if (!tty) return;
        process.stdout.write(`\r\x1b[K  ${redact(progressText(e.progress))}`);
        barShown = true;
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

export async function failoverCommand(a: FailoverArgs): Promise<number> {
  const refusal = needsConfirmationRefusal('failover', a);
  if (refusal) throw new InputError(refusal);
  const conn = connectOptionsFor([...a.entries, ...a.sentinels], a.tlsFiles);
  const pool = new NodePool(conn);
  let journal: Journal | undefined;
  try {
    // the entry check and the discovery at once, both bounded: a hung master must not cost seconds before the plan
    const [checked, prepared] = await Promise.allSettled([
      checkEntries(a.entries, boundedConnect(conn), a.sentinels, a.masterName),
      prepareFailover(
        {
          entries: a.entries,
          to: a.to,
          sentinels: a.sentinels,
          masterName: a.masterName,
          conn,
          dataAuth: a.dataAuth,
          sentinelAuth: a.sentinelAuth,
          unplanned: a.unplanned,
          via: a.via,
          timeoutMs: a.timeoutMs,
          followTimeoutMs: a.followTimeoutMs,
          fenceWaitMs: a.fenceWaitMs,
          killClients: a.killClients,
          maxLagBytes: a.maxLagBytes,
        },
        pool,
      ),
    ]);
    if (checked.status === 'rejected') throw checked.reason;
    if (!a.unplanned) for (const w of checked.value) process.stderr.write(`cutover: warning: ${w}\n`);
    if (prepared.status === 'rejected') throw prepared.reason;
    const { plan } = prepared.value;
    journal = openJournal(a.journal, a.dryRun, 'failover');
    const proc = new Procedure(plan, { pool, journal, confirm: terminalConfirm(a.yes) });
    return await runHeadless(proc, { json: a.json, dryRun: a.dryRun, command: 'failover' });
  } finally {
    journal?.close();
    pool.close();
  }
}
