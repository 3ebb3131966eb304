// bench:failover's measuring: cutover run as operators run it (the binary, --yes --json, a journal in the bench's
// folder; its NDJSON summary carries the procedure's marks: confirmed, writes-stopped, writes-back …), and one run
// of a scenario under the consistency checker (dist/engine/drill): the checker writes for a second, the action
// (a failover, a clone, a kill) runs, the checker writes a second more, stops and reads every counter back.
// From its summary: acknowledged writes lost, unavailability windows, the slowest write; after a kill, from its own
// writes (recorded as they go): the first INCR sent after the kill and acknowledged, the moment writes were accepted
// again. BENCH_TRACE=1 prints the checker's log and cutover's steps as they happen.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { sleep } from './failover-deploy.mjs';

/** Each NDJSON event of a child's output as it arrives (lines that are not JSON are left out). */
export function onNdjson(stream, fn) {
  let rest = '';
  stream.on('data', (d) => {
    rest += d;
    let nl;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      let e;
      try {
        e = JSON.parse(line);
      } catch {
        continue; // not a line of JSON
      }
      fn(e);
    }
  });
}

/** BENCH_TRACE=1: the checker's log and cutover's steps as they happen */
const TRACE = !!process.env.BENCH_TRACE;

export async function measureKit(dist, dir, { rate, stallMs }) {
  const cli = join(dist, 'cli.js');
  const { ConsistencyChecker } = await import(join(dist, 'engine', 'drill', 'checker.js'));
  const { drillSpec } = await import(join(dist, 'engine', 'drill', 'spec.js'));
  const { preciseNow } = await import(join(dist, 'engine', 'drill', 'stats.js'));
  const { track } = await import(join(dist, 'lab', 'processes.js'));
  let journals = 0;

  /**
   * `cutover ARGS --yes --json --journal FILE`. Resolves with its exit code, its summary event (status, marks,
   * measures, notes, failed), the moment it was started and the moment it exited (epoch ms).
   */
  function cutover(args, { timeoutMs = 120_000 } = {}) {
    return new Promise((resolve) => {
      const startedAt = preciseNow();
      const journal = join(dir, `journal-${++journals}.jsonl`);
      const child = spawn(process.execPath, [cli, ...args, '--yes', '--json', '--journal', journal], { stdio: ['ignore', 'pipe', 'pipe'] });
      track(child);
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      if (TRACE) {
        onNdjson(child.stdout, (e) => {
          if (e.event !== 'plan' && e.event !== 'summary') console.log(`\n  [cutover ${String(e.at ?? new Date().toISOString()).slice(11, 23)}] ${e.event} ${e.step?.id ?? ''} ${e.error ?? e.result ?? e.text ?? e.tolerated ?? e.reason ?? ''}`);
        });
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        const events = out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => {
            try {
              return JSON.parse(l);
            } catch {
              return undefined;
            }
          })
          .filter(Boolean);
        const summary = events.find((e) => e.event === 'summary');
        resolve({ args, code: code ?? (signal ? `killed (${signal})` : 'none'), summary, events, stderr: err.trim(), startedAt, exitedAt: preciseNow(), journal });
      });
    });
  }

  /**
   * One run: the checker on `conn` (drillSpec: { uri } or { sentinels, masterName }), `warmMs` of writes, then
   * action() (resolves with what it did: { cut, killAt, killed }), `coolMs` more, then the checker's summary.
   */
  async function measure(conn, action, { warmMs = 1000, coolMs = 1000 } = {}) {
    const checker = new ConsistencyChecker(drillSpec(conn), { rate, reset: true, stallMs, prefix: 'bench:failover:' });
    const logs = [];
    checker.events.on((e) => {
      if (e.type === 'log' && e.entry.level === 'error') logs.push(e.entry.message);
      if (e.type === 'log' && TRACE) console.log(`\n  [checker ${new Date(e.entry.at).toISOString().slice(11, 23)}] ${e.entry.level}: ${e.entry.message}`);
    });
    await checker.start();
    const writes = recordWrites(checker);
    const revived = reviveSentinelClient(checker);
    await sleep(warmMs);
    let act = {};
    let error;
    try {
      act = (await action(checker)) ?? {};
    } catch (err) {
      error = err.message;
    }
    await sleep(coolMs);
    const s = await checker.stop();
    const r = judge(s, act, error, logs, writes);
    if (revived()) r.notes.push(`the checker's Sentinel client ended (ioredis status 'end') after +switch-master ${revived()} time${revived() > 1 ? 's' : ''}: the bench reconnected it (a drill bug, see the report)`);
    return r;
  }

  /**
   * The checker's Sentinel client drops its connection on each Sentinel's +switch-master; when that comes while
   * ioredis is still resolving the master (the old one is dead, it is reconnecting), ioredis ends the client for good
   * ("Connection is closed.", status 'end') and the checker never writes again. Until the drill handles it, the bench
   * connects it again, and says so in the run's notes. Returns how many times it had to.
   */
  function reviveSentinelClient(checker) {
    const target = checker.target;
    const client = target?.mode === 'sentinel' ? target.client : undefined;
    if (!client) return () => 0;
    let closing = false;
    let count = 0;
    const close = target.close.bind(target);
    target.close = () => {
      closing = true;
      close();
    };
    client.on('end', () => {
      if (closing) return;
      count++;
      client.connect().catch(() => undefined);
    });
    return () => count;
  }

  /**
   * Every INCR the checker sends: its group, when it was sent, when it was acknowledged. The checker's windows
   * open only when a write fails or stalls; on a cluster, ioredis holds a GET to a dead master until the slots
   * move, so the INCR after it is sent late and goes through: no window, although writes were not accepted. The
   * first INCR sent after a kill and acknowledged is when writes were accepted again. (Wraps the checker's target,
   * a field the checker does not export: a bench's liberty.)
   */
  function recordWrites(checker) {
    const list = [];
    const target = checker.target;
    if (!target) return list;
    const incr = target.incr.bind(target);
    target.incr = async (key) => {
      const sentAt = preciseNow();
      const v = await incr(key);
      list.push({ group: target.groupOf(key), sentAt, ackAt: preciseNow() });
      return v;
    };
    return list;
  }

  /** Resolves once a window opened after `at` has closed (writes accepted again), or after timeoutMs. */
  function writesBack(checker, at, timeoutMs) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(undefined);
      }, timeoutMs);
      const off = checker.events.on((e) => {
        if (e.type === 'window' && e.phase === 'closed' && e.window.endedAt > at) {
          clearTimeout(timer);
          off();
          resolve(e.window.endedAt);
        }
      });
    });
  }

  return { cutover, measure, writesBack, now: preciseNow };
}

/** A run's figures from the checker's summary, its writes, and what the action did. */
function judge(s, act, error, logs, writes) {
  const cut = act.cut;
  const r = {
    writesPerSec: s.durationMs > 0 ? s.counts.writes / (s.durationMs / 1000) : 0,
    acked: s.counts.writes,
    lost: s.lost,
    unacked: s.counts.unacked,
    windows: s.windows.count,
    longestMs: s.windows.longestMs,
    totalMs: s.windows.totalMs,
    slowestMs: s.slowestWriteMs,
    unchecked: s.finalCheck.unchecked,
    notes: [],
    error,
  };
  // the longest time a write waited or writes were refused: a pause shorter than the stall limit opens no window
  r.unavailableMs = Math.max(r.longestMs, r.slowestMs);
  if (cut) {
    r.exit = cut.code;
    r.status = cut.summary?.status;
    r.measures = cut.summary?.measures ?? [];
    const marks = cut.summary?.marks ?? {};
    r.confirmedAt = marks.confirmed;
    r.startToConfirmMs = marks.confirmed ? marks.confirmed - cut.startedAt : undefined;
    r.procedureMs = cut.exitedAt - cut.startedAt;
    if (cut.code !== 0) r.notes.push(`cutover exited ${cut.code}${cut.summary?.failed ? `: step ${cut.summary.failed.step.id}: ${cut.summary.failed.error}` : ''}${cut.stderr ? ` · ${cut.stderr.split('\n').slice(-2).join(' | ')}` : ''}`);
  }
  if (act.killAt !== undefined) {
    r.killAt = act.killAt;
    // writes accepted again: the first INCR sent after the kill and acknowledged, on the killed master's group
    // ('master', or on a cluster the shard it held when the checker started)
    const group = s.mode === 'cluster' ? `shard ${act.killed}` : 'master';
    let back;
    for (const w of writes) if (w.group === group && w.sentAt >= act.killAt && (back === undefined || w.ackAt < back)) back = w.ackAt;
    if (back !== undefined) {
      r.backAt = back;
      r.killToBackMs = back - act.killAt;
      if (r.confirmedAt) r.confirmToBackMs = back - r.confirmedAt;
    } else r.notes.push('no write to the killed master\'s keys was accepted after the kill before the checker stopped');
    // and what the checker's windows say of it
    const outage = s.windowList.filter((w) => (w.endedAt ?? Infinity) > act.killAt && w.group === group).sort((a, b) => a.startedAt - b.startedAt)[0];
    if (!outage) r.notes.push('the checker opened no window for the kill (its reads were held, not its writes)');
  }
  if (r.unchecked) r.notes.push(`${r.unchecked} counters could not be read back: losses on them not counted`);
  if (r.unacked) r.notes.push(`${r.unacked} writes applied whose reply never came (in flight at the kill or the switch)`);
  for (const l of logs.slice(0, 3)) r.notes.push(`checker: ${l}`);
  if (error) r.notes.push(`action failed: ${error}`);
  return r;
}
