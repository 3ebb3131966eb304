// The step runner: shows the plan, asks once for a typed confirmation, runs each step in order, journals
// every command with its reply and time, and emits typed events. A failure stops the procedure: the
// steps marked `always` still run (CLIENT UNPAUSE), then every node is inspected and the way back given.
// Knows nothing about terminals: confirmation is an injected function, output is events.
import { Emitter } from '../emitter.js';
import { inspectNodes } from './inspect.js';
import type { Journal } from './journal.js';
import { ServerReplyError, type NodePool } from './pool.js';
import { redactArgv, redactReply } from './redact-command.js';
import type { Confirm, Mark, NodeId, NodeReport, Outcome, Plan, ProcedureEvent, Progress, Step, StepContext, StepView } from './types.js';
import { measuresFrom, planChangesAnything, planView, stepView } from './view.js';

export interface ProcedureDeps {
  pool: NodePool;
  journal: Journal;
  /** asked once, before the first step; not asked on a dry run */
  confirm: Confirm;
}

export class CancelledError extends Error {
  constructor() {
    super('stopped by the operator');
  }
}

/** Rejects after ms unless p settles first. */
function deadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what}: no result within ${Math.round(ms / 1000)} s`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

function message(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}

export class Procedure {
  readonly events = new Emitter<ProcedureEvent>();
  private readonly abort = new AbortController();
  private running = false;

  constructor(
    readonly plan: Plan,
    private readonly deps: ProcedureDeps,
  ) {}

  /** Stops after the current step (waits stop at once); `always` steps still run. */
  cancel(): void {
    this.abort.abort();
  }

  get cancelled(): boolean {
    return this.abort.signal.aborted;
  }

  async run(opts: { dryRun?: boolean } = {}): Promise<Outcome> {
    if (this.running) throw new Error('internal: a procedure runs once');
    this.running = true;
    const { plan } = this;
    const { journal } = this.deps;
    const started = Date.now();
    const view = planView(plan);
    const marks: Partial<Record<Mark, number>> = {};
    const notes: string[] = [];
    const results: Outcome['results'] = [];
    const paused = new Set<NodeId>();
    const facts: Record<string, unknown> = { ...(plan.facts ?? {}) };
    const finish = (o: Omit<Outcome, 'results' | 'measures' | 'marks' | 'notes' | 'elapsedMs' | 'journal'>): Outcome => {
      const outcome: Outcome = {
        ...o,
        results,
        measures: measuresFrom(plan, marks),
        marks,
        notes,
        // from the confirmation: the time spent reading the plan is the operator's, not the procedure's
        elapsedMs: Date.now() - (marks.confirmed ?? started),
      };
      journal.write({ event: 'end', procedure: plan.procedure, status: outcome.status, measures: outcome.measures, ...(o.failed ? { error: o.failed.error, step: o.failed.step.id } : {}), ...(o.nodes ? { nodes: o.nodes } : {}) });
      if (journal.path && journal.written !== false) outcome.journal = journal.path;
      this.events.emit({ type: 'summary', outcome });
      return outcome;
    };

    journal.write({ event: 'start', procedure: plan.procedure, title: plan.title, mode: plan.mode, dryRun: !!opts.dryRun });
    journal.write({ event: 'plan', procedure: plan.procedure, steps: view.steps, checks: plan.checks, notes: plan.notes, nodes: plan.nodes });
    this.events.emit({ type: 'plan', plan: view });

    if (plan.checks.some((c) => !c.ok && !c.warn)) return finish({ status: 'refused' });
    if (opts.dryRun) return finish({ status: 'dry-run', nodes: plan.nodes });

    if (planChangesAnything(plan)) {
      const granted = await this.deps.confirm({ plan: view, word: plan.confirmWord }).catch(() => false);
      journal.write({ event: 'confirm', procedure: plan.procedure, granted });
      this.events.emit({ type: 'confirm', word: plan.confirmWord, granted });
      if (!granted) return finish({ status: 'declined' });
    }
    marks.confirmed = Date.now();

    let current: StepView | undefined;
    const ctx: StepContext = {
      call: async (node, argv) => {
        const t0 = Date.now();
        const command = redactArgv(argv);
        try {
          const reply = await this.deps.pool.call(node, argv);
          journal.write({ event: 'command', procedure: plan.procedure, step: current?.id, node, command, reply: redactReply(argv, reply), ms: Date.now() - t0 });
          return reply;
        } catch (err) {
          journal.write({ event: 'command', procedure: plan.procedure, step: current?.id, node, command, error: message(err), ms: Date.now() - t0 });
          throw err;
        }
      },
      info: (node, section) => this.deps.pool.info(node, section),
      read: (node, argv) => this.deps.pool.call(node, argv),
      progress: (p: Progress) => {
        if (current) this.events.emit({ type: 'progress', step: current, progress: p, at: Date.now() });
      },
      mark: (name, at = Date.now()) => {
        marks[name] ??= at;
      },
      marks,
      facts,
      sleep: (ms) =>
        new Promise<void>((resolve, reject) => {
          if (this.abort.signal.aborted) return reject(new CancelledError());
          const onAbort = () => {
            clearTimeout(t);
            reject(new CancelledError());
          };
          const t = setTimeout(() => {
            this.abort.signal.removeEventListener('abort', onAbort);
            resolve();
          }, ms);
          this.abort.signal.addEventListener('abort', onAbort, { once: true });
        }),
      signal: this.abort.signal,
      note: (text) => {
        notes.push(text);
        journal.write({ event: 'note', procedure: plan.procedure, step: current?.id, text });
        this.events.emit({ type: 'note', text, at: Date.now() });
      },
    };

    let failed: Outcome['failed'];
    let interrupted: Outcome['failed'];
    for (const [index, step] of plan.steps.entries()) {
      const sv = view.steps[index];
      current = sv;
      if ((failed || this.abort.signal.aborted) && !step.always) {
        results.push({ step: sv, status: 'skipped', ms: 0 });
        continue;
      }
      const t0 = Date.now();
      try {
        if (step.when && !(await step.when(ctx))) {
          const reason = step.condition ? `not needed (only if ${step.condition})` : 'not needed';
          results.push({ step: sv, status: 'skipped', ms: 0 });
          journal.write({ event: 'skip', procedure: plan.procedure, step: step.id, node: step.node, reason });
          this.events.emit({ type: 'step-skipped', step: sv, at: Date.now(), reason });
          continue;
        }
        this.events.emit({ type: 'step-start', step: sv, at: t0 });
        const done = await this.runStep(step, ctx, paused);
        results.push({ step: sv, status: 'done', ms: Date.now() - t0, ...done });
        this.events.emit({ type: 'step-done', step: sv, at: Date.now(), ms: Date.now() - t0, ...done });
      } catch (err) {
        const error = message(err);
        if (step.optional && !(err instanceof CancelledError)) {
          results.push({ step: sv, status: 'tolerated', ms: Date.now() - t0, error });
          this.events.emit({ type: 'step-done', step: sv, at: Date.now(), ms: Date.now() - t0, tolerated: error });
          continue;
        }
        results.push({ step: sv, status: 'failed', ms: Date.now() - t0, error });
        this.events.emit({ type: 'step-failed', step: sv, at: Date.now(), ms: Date.now() - t0, error });
        if (err instanceof CancelledError) interrupted ??= { step: sv, error };
        else failed ??= { step: sv, error };
      }
    }
    current = undefined;

    const nodes = await this.inspect();
    this.events.emit({ type: 'state', nodes, at: Date.now() });
    journal.write({ event: 'state', procedure: plan.procedure, nodes });
    if (failed || interrupted || this.abort.signal.aborted) {
      const wayBack = plan.wayBack(nodes, { paused: [...paused], facts });
      const stoppedAt = results.findIndex((r) => r.status === 'failed');
      const remaining = results
        .slice(stoppedAt < 0 ? results.length : stoppedAt)
        .filter((r) => r.status === 'failed' || r.status === 'skipped')
        .map((r) => r.step); // every step not run, waits included, in order: finishing by hand means each of them
      return finish({ status: failed ? 'failed' : 'cancelled', failed: failed ?? interrupted, nodes, wayBack, remaining });
    }
    return finish({ status: 'done', nodes });
  }

  private async runStep(step: Step, ctx: StepContext, paused: Set<NodeId>): Promise<{ reply?: unknown; result?: string }> {
    if (step.kind === 'command') {
      for (const m of step.marksSent ?? []) ctx.mark(m);
      const argv = step.resolve?.(ctx) ?? step.argv;
      let reply: unknown;
      try {
        reply = await ctx.call(step.node, argv);
      } catch (err) {
        const accept = step.acceptErrors;
        if (!accept || !(err instanceof ServerReplyError) || !accept.pattern.test(err.message)) throw err;
        ctx.note(`${step.node}: ${err.message}: ${accept.meaning}`);
        for (const m of step.marksDone ?? []) ctx.mark(m);
        return { reply: `(error) ${err.message}` };
      }
      const verb = argv.slice(0, 2).map((a) => a.toUpperCase()).join(' ');
      if (verb === 'CLIENT PAUSE') paused.add(step.node);
      if (verb === 'CLIENT UNPAUSE') paused.delete(step.node);
      const wrong = step.check?.(reply);
      if (wrong) throw new Error(wrong);
      for (const m of step.marksDone ?? []) ctx.mark(m);
      await step.after?.(reply, ctx);
      return { reply: redactReply(argv, reply, 300) };
    }
    const t0 = Date.now();
    try {
      // the wait keeps its own deadline; this one is a guard against a wait that forgets it
      const result = await deadline(step.run(ctx), step.timeoutMs + 5000, step.what);
      this.deps.journal.write({ event: 'wait', procedure: this.plan.procedure, step: step.id, node: step.node, what: step.what, result, ms: Date.now() - t0 });
      return { result };
    } catch (err) {
      this.deps.journal.write({ event: 'wait', procedure: this.plan.procedure, step: step.id, node: step.node, what: step.what, error: message(err), ms: Date.now() - t0 });
      throw err;
    }
  }

  private inspect(): Promise<NodeReport[]> {
    const targets = this.plan.nodes.map((n) => ({ id: n.id, label: n.label, sentinel: n.role === 'sentinel' }));
    return inspectNodes(this.deps.pool, targets, this.plan.masterName);
  }
}
