// The console's failover wizard, engine side: prepares a failover for a deployment, waits for the operator's
// typed word (given through answer()), runs the procedure and forwards its events. One at a time; journaled to
// a file like the headless command. Knows nothing about Ink.
import { Emitter } from '../emitter.js';
import { redact } from '../../options/redact.js';
import { prepareFailover, type FailoverRequest } from './failover.js';
import { defaultJournalPath, FileJournal, type Journal } from './journal.js';
import { NodePool } from './pool.js';
import { Procedure } from './procedure.js';
import type { Outcome, ProcedureEvent } from './types.js';

export type WizardEvent =
  | { type: 'wizard-started'; node: string; unplanned: boolean; at: number }
  /** the plan could not be drawn up (discovery, no candidate …): one line */
  | { type: 'wizard-error'; message: string; at: number }
  | { type: 'wizard'; event: ProcedureEvent }
  | { type: 'wizard-closed' };

export class FailoverWizard {
  readonly events = new Emitter<WizardEvent>();
  private proc?: Procedure;
  private answering?: (typed: string) => void;
  private busy = false;

  get running(): boolean {
    return this.busy;
  }

  /**
   * Prepares and runs a failover; `before` runs once the operator confirmed and before the first step (a drill
   * to start), `after` when the procedure ended (the drill to stop). Every outcome arrives as events.
   */
  start(req: FailoverRequest, node: string, hooks: { before?: () => Promise<void>; after?: (o: Outcome) => void; journalPath?: string } = {}): void {
    if (this.busy) return;
    this.busy = true;
    this.events.emit({ type: 'wizard-started', node, unplanned: req.unplanned, at: Date.now() });
    void this.run(req, hooks).finally(() => {
      this.busy = false;
      this.proc = undefined;
      this.answering = undefined;
    });
  }

  private async run(req: FailoverRequest, hooks: { before?: () => Promise<void>; after?: (o: Outcome) => void; journalPath?: string }): Promise<void> {
    const pool = new NodePool(req.conn);
    let journal: Journal | undefined;
    try {
      const { plan } = await prepareFailover(req, pool);
      journal = new FileJournal(hooks.journalPath ?? defaultJournalPath('failover'));
      const proc = new Procedure(plan, {
        pool,
        journal,
        confirm: async () => {
          const typed = await new Promise<string>((resolve) => (this.answering = resolve));
          this.answering = undefined;
          const granted = typed.trim() === plan.confirmWord;
          if (granted && hooks.before) await hooks.before();
          return granted;
        },
      });
      this.proc = proc;
      proc.events.on((event) => this.events.emit({ type: 'wizard', event }));
      const outcome = await proc.run();
      hooks.after?.(outcome);
    } catch (err) {
      this.events.emit({ type: 'wizard-error', message: redact(String((err as Error)?.message ?? err).split('\n')[0]), at: Date.now() });
    } finally {
      journal?.close();
      pool.close();
    }
  }

  /** The operator's typed word (empty: declined). */
  answer(typed: string): void {
    this.answering?.(typed);
  }

  /** Stops after the current step (the way back is then shown); declines a pending confirmation. */
  cancel(): void {
    if (this.answering) this.answer('');
    else this.proc?.cancel();
  }
}
