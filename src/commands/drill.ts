// `cutover drill`, headless: the consistency checker until --duration or Ctrl-C, a line a second, the windows of
// unavailability and the log as they happen, then the summary. --json: the same as NDJSON.
// Exit codes: 0 no acknowledged write lost; 1 some lost, the end's read-back incomplete, or could not connect;
// 2 bad input. Ctrl-C / SIGTERM is the normal end of an open-ended drill (summary, then 0 or 1); a second one: 130.
import type { DrillArgs } from '../options/drill-args.js';
import { redact } from '../options/redact.js';
import { ConsistencyChecker } from '../engine/drill/checker.js';
import type { TargetSpec } from '../engine/drill/target.js';
import type { DrillEvent, DrillSummary } from '../engine/drill/types.js';
import { drillLogLine, summaryText, tickLine } from '../render/drill-text.js';
import { clockMs } from '../format/durations.js';
import { EXIT } from '../headless/exit-codes.js';
import { writeNdjson } from '../headless/ndjson.js';
import { GRACE_MS, onStopSignals } from '../headless/signals.js';
import { connectOptionsFor } from './connection.js';
import { serveMetrics } from '../metrics/server.js';
import { drillMetrics } from '../metrics/drill.js';
import type { Registry } from 'prom-client';
import { nodeLabel } from '../metrics/labels.js';

/** `cutover drill --help` */
export const HELP = `cutover drill --uri URI [--counters 1000] [--rate N] [--duration D] [options]
cutover drill --sentinel HOST:PORT --master-name NAME [options]

A consistency checker, after redis-rb-cluster's consistency-test: INCRs random counters, reads each back before
writing it again, remembers every acknowledged write, and follows the master through a failover (Sentinel,
cluster MOVED/ASK, or a plain master demoted: READONLY). Run it during a failover; it ends with the
write-unavailability windows (first failed write to first accepted one, in ms) and the lost acknowledged writes.
  --uri URI            a master, a replica (its master is written), a cluster node, or a Sentinel (with --master-name)
  --sentinel HOST:PORT --master-name NAME   through Sentinel (repeatable --sentinel)
  --counters N         counters (keys) written (1000)
  --rate N|max         writes a second, 1 to 1000000 (1000); max: as fast as 16 in flight allow
  --duration D         stop after D (30s, 5m, 1h); default: until Ctrl-C
  --prefix P           key prefix (cutover:drill:); keys P0 … P(N-1)
  --reset              delete the counters first (default: start from their current values)
  --stall D            a write acknowledged later than this counts as unavailable time (100ms)
  --timeout D          a write with no reply this long has failed (1s)
  --reconnect D        reconnect and look for the master this often (50ms)
  --no-follow          write to --uri only, never to a master found through ROLE: for an address that is itself
                       switched (a proxy, a DNS name, the lab's endpoint), as the applications behind it see a switch
  --json               NDJSON: a tick a second, windows, log lines, a summary
  --metrics HOST:PORT  serve Prometheus metrics on http://HOST:PORT/metrics while it runs (writes, errors, lost
                       writes, the current unavailability; see the README's Metrics)
  --user NAME, REDISCLI_AUTH=…   credentials for data nodes without any in the URI (never shown)
  --tls  --cacert FILE  --cert FILE  --key FILE  --insecure
Every second: R reads (E err) | W writes (E err) | lost N | unacked N
Exit codes: 0 no acknowledged write lost · 1 writes lost, counters not all read back at the end, or could not
connect · 2 bad input. Ctrl-C (or SIGTERM) ends the drill normally: summary, then 0 or 1; a second Ctrl-C: 130.`;

/** The end's read-back of every counter takes longer than a job's stop: twice the usual grace. */
const DRILL_GRACE_MS = 2 * GRACE_MS;

export function drillSpecFromArgs(a: DrillArgs): TargetSpec {
  return {
    endpoint: a.uri,
    sentinels: a.sentinels,
    masterName: a.masterName,
    dataAuth: { username: a.username, password: a.password },
    db: a.uri?.db ?? 0,
    dataTls: a.tls || !!a.uri?.tls,
    conn: connectOptionsFor([...(a.uri ? [a.uri] : []), ...a.sentinels], a.tlsFiles, {
      tls: a.tls,
      commandTimeoutMs: a.timeoutMs,
      connectTimeoutMs: Math.max(1000, Math.min(3000, 3 * a.timeoutMs)),
    }),
    reconnectMs: a.reconnectMs,
    ...(a.noFollow ? { follow: false } : {}),
  };
}

/** Text: the log as it happens (windows opening and closing, master switches, losses), a line a second, the summary. */
function textOutput(e: DrillEvent): void {
  const out = (line: string) => process.stdout.write(redact(line) + '\n');
  if (e.type === 'tick') out(`${clockMs(e.tick.at).slice(0, 8)} ${tickLine(e.tick)}`);
  else if (e.type === 'log') out(drillLogLine(e.entry));
  else if (e.type === 'done') process.stdout.write(redact(summaryText(e.summary)));
}

/** Fractions of a millisecond to one decimal: times and durations stay precise, lines stay short. */
const tenth = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 10) / 10 : v);

function jsonOutput(e: DrillEvent): void {
  const line = (o: object) => writeNdjson(o, tenth);
  if (e.type === 'tick') line({ event: 'tick', ...e.tick, at: new Date(e.tick.at).toISOString() });
  else if (e.type === 'window') line({ event: 'window', phase: e.phase, ...e.window });
  else if (e.type === 'log') line({ event: 'log', at: new Date(e.entry.at).toISOString(), level: e.entry.level, message: e.entry.message });
  else if (e.type === 'done') line({ event: 'summary', ...e.summary, ok: e.summary.lost === 0 && e.summary.finalCheck.unchecked === 0 });
}

export function exitCodeOf(s: DrillSummary): number {
  return s.reason === 'failed' || s.lost > 0 || s.finalCheck.unchecked > 0 ? EXIT.failed : EXIT.ok;
}

/** The drill's `target` label: the address it was pointed at, or the master name the Sentinels know. */
export function drillTargetLabel(a: DrillArgs): string {
  return a.uri ? nodeLabel(a.uri) : (a.masterName ?? '');
}

export async function run(a: DrillArgs): Promise<number> {
  // --metrics: listening there is checked before the drill connects (a port in use: one line, exit 2)
  const metrics = a.metrics ? await serveMetrics(a.metrics) : undefined;
  try {
    return await drill(a, metrics?.registry);
  } finally {
    await metrics?.close();
  }
}

async function drill(a: DrillArgs, registry: Registry | undefined): Promise<number> {
  const checker = new ConsistencyChecker(drillSpecFromArgs(a), {
    counters: a.counters,
    prefix: a.prefix,
    rate: a.rate,
    durationMs: a.durationMs,
    reset: a.reset,
    stallMs: a.stallMs,
  });
  const output = a.json ? jsonOutput : textOutput;
  if (registry) {
    const figures = drillMetrics(registry);
    const target = drillTargetLabel(a);
    checker.events.on((e) => figures.on(target, e));
  }
  // a failed start is one line from the CLI, not a summary
  checker.events.on((e) => {
    if (checker.state === 'failed' && (e.type === 'done' || (e.type === 'log' && e.entry.level === 'error'))) return;
    output(e);
  });
  // the first signal ends the drill normally (summary, 0 or 1); past the grace, or at a second signal: 130
  const signals = onStopSignals({
    stop: () => void checker.stop(),
    notice: a.json ? undefined : '\ncutover: stopping the drill: waiting for the writes in flight, then reading every counter back (Ctrl-C again to quit now)',
    graceMs: DRILL_GRACE_MS,
  });
  try {
    await checker.start();
    return exitCodeOf(await checker.done);
  } finally {
    signals.dispose();
  }
}
