// `cutover clone`, headless: read both nodes, draw up the plan (settings applied and skipped, the sync,
// the promotion and its pause), ask for the typed word (or --yes), run it with a progress bar for the
// sync, journal every command. The run is headless/procedure.ts, shared with `cutover failover`.
import type { CloneArgs } from '../options/failover-args.js';
import { InputError } from '../options/endpoint.js';
import { prepareClone } from '../engine/failover/clone/plan-clone.js';
import type { Journal } from '../engine/failover/journal.js';
import { NodePool } from '../engine/failover/pool.js';
import { Procedure } from '../engine/failover/procedure.js';
import { needsConfirmationRefusal, terminalConfirm } from '../headless/confirm.js';
import { openJournal, runHeadless } from '../headless/procedure.js';
import { checkEntries, connectOptionsFor } from './connection.js';

/** `cutover clone --help` */
export const HELP = `cutover clone --origin URI --clone URI [--promote] [--reconfigure] [--role master|replica]
              [--timeout S] [--no-config] [--yes] [--dry-run] [--journal FILE] [--json]

Makes CLONE a copy of ORIGIN: checks ORIGIN's role, copies its settings (CONFIG GET *, minus node-local
ones; requirepass and masterauth carried so the clone can replicate and be used the same way), makes the
clone its replica and waits for the sync with a progress bar; optionally promotes the clone.
Promotion is loss-free by default: writes paused on the origin (CLIENT PAUSE … WRITE), the clone's offset
equal to the origin's, then the clone promoted, then writes unpaused.
  --role master|replica  what ORIGIN must be (default master)
  --promote            promote the clone once synced (the origin keeps its role)
  --reconfigure        implies --promote: the origin's replicas, and the origin itself, follow the clone
                       (a master origin only: refused with --role replica, which would leave two masters)
  --via pause|failover with --reconfigure on a master origin: CLIENT PAUSE + REPLICAOF (default) or FAILOVER TO
  --no-pause           promote without pausing writes (writes in flight may be missing on the clone)
  --pause-timeout D    the longest write pause (default 5s)
  --timeout S          the sync must finish within S seconds (default 600)
  --follow-timeout D   with --reconfigure: how long the repointed nodes may take to follow the clone (default 60s)
  --no-config          copy no settings (the clone still gets masterauth when the origin has a password)
  --yes  --dry-run  --journal FILE  --json   as for failover
  --user NAME  --tls  --cacert FILE  --cert FILE  --key FILE  --insecure   REDISCLI_AUTH=… for the password
Exit codes: 0 done and verified · 1 a step failed (state and the way back printed) · 2 refused or bad input · 130 stopped`;

export async function run(a: CloneArgs): Promise<number> {
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
