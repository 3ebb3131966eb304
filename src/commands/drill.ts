// `cutover drill`, headless: the consistency checker until --duration or Ctrl-C, a line a second, the windows of
// unavailability and the log as they happen, then the summary. --json: the same as NDJSON.
// Exit codes: 0 no acknowledged write lost; 1 some lost, the end's read-back incomplete, or could not connect;
// 2 bad input. Ctrl-C / SIGTERM is the normal end of an open-ended drill (summary, then 0 or 1); a second one: 130.
import type { DrillArgs } from '../config/drill-args.js';
import { redact } from '../config/redact.js';
import { DEFAULT_CONNECT, tlsSettings } from '../engine/redis/connect.js';
import { ConsistencyChecker } from '../engine/drill/checker.js';
import type { TargetSpec } from '../engine/drill/target.js';
import type { DrillEvent, DrillSummary } from '../engine/drill/types.js';
import { drillLogLine, summaryText, tickLine } from '../render/drill-text.js';
import { clockMs } from '../format/durations.js';
import { EXIT } from '../headless/exit-codes.js';
import { writeNdjson } from '../headless/ndjson.js';
import { GRACE_MS, onStopSignals } from '../headless/signals.js';

/** The end's read-back of every counter takes longer than a job's stop: twice the usual grace. */
const DRILL_GRACE_MS = 2 * GRACE_MS;

export function drillSpecFromArgs(a: DrillArgs): TargetSpec {
  const anyTls = a.tls || !!a.uri?.tls || a.sentinels.some((s) => s.tls);
  return {
    endpoint: a.uri,
    sentinels: a.sentinels,
    masterName: a.masterName,
    dataAuth: { username: a.username, password: a.password },
    db: a.uri?.db ?? 0,
    dataTls: a.tls || !!a.uri?.tls,
    conn: { ...DEFAULT_CONNECT, tls: anyTls ? tlsSettings(a.tlsFiles) : {}, commandTimeoutMs: a.timeoutMs, connectTimeoutMs: Math.max(1000, Math.min(3000, 3 * a.timeoutMs)) },
    reconnectMs: a.reconnectMs,
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

export async function drillCommand(a: DrillArgs): Promise<number> {
  const checker = new ConsistencyChecker(drillSpecFromArgs(a), {
    counters: a.counters,
    prefix: a.prefix,
    rate: a.rate,
    durationMs: a.durationMs,
    reset: a.reset,
    stallMs: a.stallMs,
  });
  const output = a.json ? jsonOutput : textOutput;
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
