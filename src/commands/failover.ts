// `cutover failover`, headless: discover, draw up the plan, show it, ask for the typed word (or --yes),
// run it step by step with a line per step (or NDJSON events with --json), journal everything, and exit
// 0 only when the new topology is in place and verified. The run itself is headless/procedure.ts, shared with `cutover clone`.
import type { FailoverArgs } from '../options/failover-args.js';
import { InputError } from '../options/endpoint.js';
import type { ConnectOptions } from '../engine/redis/connect.js';
import { prepareFailover } from '../engine/failover/failover.js';
import type { Journal } from '../engine/failover/journal.js';
import { NodePool } from '../engine/failover/pool.js';
import { PROBE_BOUND_MS } from '../engine/failover/probe-all.js';
import { Procedure } from '../engine/failover/procedure.js';
import { needsConfirmationRefusal, terminalConfirm } from '../headless/confirm.js';
import { openJournal, runHeadless } from '../headless/procedure.js';
import { checkEntries, connectOptionsFor } from './connection.js';

/** `cutover failover --help` */
export const HELP = `cutover failover --uri URI [--to host:port] [--unplanned] [--sentinel host:port --master-name NAME]
                 [--yes] [--dry-run] [--journal FILE] [--json] [options]

Promotes a replica, as a journaled procedure of steps: each shown with its exact command before it runs,
a typed confirmation for anything that changes a role, and a JSON-lines journal (never a password).
Planned (the default) is loss-free: plain replication by CLIENT PAUSE + REPLICAOF (or --via failover: FAILOVER TO), Sentinel by
CLIENT PAUSE + SENTINEL FAILOVER, Cluster by CLUSTER FAILOVER on the replica; then every other replica
follows the new master, the clients left on the old one are listed, and the new topology is verified.
Unplanned (the master is unreachable): the most advanced replica is promoted (REPLICAOF NO ONE, SENTINEL
FAILOVER, or CLUSTER FAILOVER FORCE|TAKEOVER), the others repointed, the old master fenced if it comes back,
and the missed-write range reported.
  --uri URI            any node of the deployment (repeatable; with the master down, name its replicas)
  --to host:port       the replica to promote (default: the best candidate, shown before you confirm)
  --unplanned          the master is unreachable
  --sentinel HOST:PORT --master-name NAME   the Sentinels watching the master (found by themselves when the master is up)
  --via pause|failover planned, plain replication only (refused with Sentinels, in a cluster, with --unplanned):
                       CLIENT PAUSE … WRITE, wait for the replica, REPLICAOF (default:
                       a pause of milliseconds), or FAILOVER TO (up to about 2 s: it waits for the replica's
                       once-a-second acknowledgement)
  --timeout D          FAILOVER's TIMEOUT and the longest write pause (default 5s; 500ms … 60s)
  --follow-timeout D   how long the other replicas may take to follow the new master (default 60s)
  --fence-wait D       unplanned: watch this long for the old master to come back and make it a replica (default 0)
  --kill-clients       after the switch, disconnect the clients left on the old master (CLIENT KILL)
  --max-lag SIZE       planned: the most a candidate may be behind (default 1MB)
  --yes                no typed confirmation (needed without a terminal)
  --dry-run            show the plan and the checks; change nothing
  --journal FILE       the journal (default ./cutover-failover-<time>.jsonl)
  --json               NDJSON events: plan, step-start, step-done, progress, state, summary
  --user NAME  --tls  --cacert FILE  --cert FILE  --key FILE  --insecure   REDISCLI_AUTH=… for the password
Exit codes: 0 the new topology is in place and verified (or the dry run's plan) · 1 a step failed (each
node's state and the way back are printed) · 2 refused or bad input: nothing was changed · 130 stopped`;

/** The connection options for a look that must be quick: each node answers within PROBE_BOUND_MS or is reported as not answering. */
export function boundedConnect(conn: ConnectOptions): ConnectOptions {
  return { ...conn, connectTimeoutMs: Math.min(conn.connectTimeoutMs, PROBE_BOUND_MS), commandTimeoutMs: Math.min(conn.commandTimeoutMs, PROBE_BOUND_MS) };
}

export async function run(a: FailoverArgs): Promise<number> {
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
