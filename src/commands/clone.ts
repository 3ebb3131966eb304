// `cutover clone`, headless: read both nodes, draw up the plan (settings applied and skipped, the sync,
// the promotion and its pause), ask for the typed word (or --yes), run it with a progress bar for the
// sync, journal every command. Shares its runner with `cutover failover`.
import type { CloneArgs } from '../config/failover-args.js';
import { InputError } from '../config/endpoint.js';
import { prepareClone } from '../engine/failover/clone/plan-clone.js';
import type { Journal } from '../engine/failover/journal.js';
import { NodePool } from '../engine/failover/pool.js';
import { Procedure } from '../engine/failover/procedure.js';
import { needsConfirmationRefusal, terminalConfirm } from '../headless/confirm.js';
import { openJournal, runHeadless } from '../headless/procedure.js';
import { checkEntries, connectOptionsFor } from './failover.js';

export async function cloneCommand(a: CloneArgs): Promise<number> {
  const refusal = needsConfirmationRefusal('clone', a);
  if (refusal) throw new InputError(refusal);
  const conn = connectOptionsFor([a.origin, a.clone], a.tlsFiles);
  const down = await checkEntries([a.origin, a.clone], conn);
  if (down.length) throw new Error(down[0]);
  const pool = new NodePool(conn);
  let journal: Journal | undefined;
  try {
    const { plan } = await prepareClone(
      {
        origin: a.origin,
        clone: a.clone,
        promote: a.promote,
        reconfigure: a.reconfigure,
        role: a.role,
        timeoutMs: a.timeoutMs,
        pauseMs: a.pauseMs,
        noConfig: a.noConfig,
        noPause: a.noPause,
        via: a.via,
        followTimeoutMs: a.followTimeoutMs,
      },
      pool,
    );
    journal = openJournal(a.journal, a.dryRun, 'clone');
    const proc = new Procedure(plan, { pool, journal, confirm: terminalConfirm(a.yes) });
    return await runHeadless(proc, { json: a.json, dryRun: a.dryRun, command: 'clone' });
  } finally {
    journal?.close();
    pool.close();
  }
}
