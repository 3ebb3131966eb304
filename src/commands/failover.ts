// `cutover failover`, headless: discover, draw up the plan, show it, ask for the typed word (or --yes),
// run it step by step with a line per step (or NDJSON events with --json), journal everything, and exit
// 0 only when the new topology is in place and verified. The run itself is headless/procedure.ts, shared with `cutover clone`.
import type { FailoverArgs } from '../config/failover-args.js';
import { InputError, type Endpoint } from '../config/endpoint.js';
import { redact } from '../config/redact.js';
import type { TlsFiles } from '../config/tls-files.js';
import { checkEndpoint, DEFAULT_CONNECT, tlsSettings, type ConnectOptions } from '../engine/redis/connect.js';
import { prepareFailover } from '../engine/failover/failover.js';
import type { Journal } from '../engine/failover/journal.js';
import { NodePool } from '../engine/failover/pool.js';
import { PROBE_BOUND_MS } from '../engine/failover/probe-all.js';
import { Procedure } from '../engine/failover/procedure.js';
import { needsConfirmationRefusal, terminalConfirm } from '../headless/confirm.js';
import { openJournal, runHeadless } from '../headless/procedure.js';

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
