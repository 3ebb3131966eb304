// The failover and clone engine, for the headless commands and the console's wizard:
//   const pool = new NodePool(conn);
//   const { plan } = await prepareFailover(request, pool);      // or prepareClone(request, pool)
//   const proc = new Procedure(plan, { pool, journal, confirm }); // confirm: ({ plan, word }) => Promise<boolean>
//   proc.events.on((e) => …);                                    // plan, confirm, step-start, progress, step-done, …
//   const outcome = await proc.run({ dryRun });                 // proc.cancel() stops after the current step
//   pool.close();
// Nothing here knows about terminals; the words are in src/render/failover-text.ts.
export { FAILOVER_DEFAULTS, prepareFailover, type FailoverRequest } from './failover.js';
export { prepareClone, type CloneRequest } from './clone/plan-clone.js';
export { CancelledError, Procedure, type ProcedureDeps } from './procedure.js';
export { NodePool, FAILOVER_CLIENT_NAME } from './pool.js';
export { defaultJournalPath, FileJournal, MemoryJournal, type Journal, type JournalEntry } from './journal.js';
export { planView, stepView } from './view.js';
export { wayBackPlan } from './wayback-plan.js';
export type * from './types.js';
