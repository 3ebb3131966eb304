// A side that goes away midway and stays away ends `cutover replicate` / `cutover compare` by itself, within
// --timeout and a few seconds: one line naming the side and node, the summary so far, exit 1. Killed (connections
// refused) or hung (SIGSTOP: no reply), target or source; --type dump and struct; never a retry loop for minutes.
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LabServer } from '../../src/lab/server.js';
import { fillStrings, ndjsonEvents, resumeStopped, standaloneServers, startCli, stopServers, until, type CliRun } from './helpers.js';

const KEYS = 60_000;
/** --timeout: the bound a side may be unreachable for; short, so the tests are */
const BOUND_MS = 3000;
/** what ending "within the bound" may take beyond it: retries in flight, closing, a loaded machine */
const SLACK_MS = 4000;

let servers: LabServer[] = [];
let dir: string | undefined;
let child: ChildProcess | undefined;
const paused: number[] = [];

beforeAll(async () => {
  ({ servers, dir } = await standaloneServers(['source', 'target'], 'cutover-side-lost-'));
  await fillStrings(servers[0].port, 'lost:', KEYS);
}, 60_000);
afterEach(async () => {
  resumeStopped(paused);
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  for (const s of servers) if (!s.running) await s.start();
  const t = new Redis({ host: '127.0.0.1', port: servers[1].port });
  await t.flushall();
  t.disconnect();
});
afterAll(async () => {
  await stopServers(servers, dir);
});

/** The binary with its output collected as it comes; `child` for afterEach to kill. */
function start(args: string[]): CliRun {
  const run = startCli(args);
  child = run.child;
  return run;
}

const summaryOf = (stdout: string, phase: 'snapshot' | 'compare') =>
  ndjsonEvents(stdout).find((e) => e.event === 'summary' && e.phase === phase);

/** A snapshot under way (some keys written, far from all): the first progress event. */
function snapshot(extra: string[] = []) {
  const [source, target] = servers;
  return start(['replicate', '--source', source.address, '--target', target.address, '--write-batch', '1', '--target-pool', '1', '--read-threads', '1', '--timeout', `${BOUND_MS}ms`, '--json', ...extra]);
}

async function endsWithin(run: ReturnType<typeof start>, from: number): Promise<void> {
  await until('cutover to end by itself', () => run.code !== undefined, BOUND_MS + SLACK_MS + 5000);
  expect(run.exitedAt - from, run.stderr).toBeLessThan(BOUND_MS + SLACK_MS);
  expect(run.code, run.stderr).toBe(1);
}

describe('a side lost midway ends the job by itself', () => {
  it.each(['dump', 'struct'] as const)('snapshot --type %s, the target killed: one line, the summary so far, exit 1', async (type) => {
    const target = servers[1];
    const run = snapshot(['--type', type]);
    await until('the snapshot under way', () => run.stdout.includes('"event":"progress"'), 20_000);
    await target.kill('SIGKILL');
    const killedAt = Date.now();
    await endsWithin(run, killedAt);
    expect(run.stderr.trim()).toBe(`cutover: target: lost the connection to ${target.address} and could not get it back for 3s: is Redis still running there?`);
    const s = summaryOf(run.stdout, 'snapshot');
    expect(s, run.stdout.slice(-2000)).toBeDefined();
    expect(s.lostSide).toBe('target');
    expect(s.counts.written).toBeGreaterThan(0);
    expect(s.notAttempted).toBeGreaterThan(0);
    expect(s.counts.written + s.counts.failed + s.notAttempted).toBe(KEYS);
    // no compare against a target that is gone
    expect(summaryOf(run.stdout, 'compare')).toBeUndefined();
  }, 60_000);

  it('snapshot, the target hung (SIGSTOP): no reply for --timeout ends it', async () => {
    const target = servers[1];
    const run = snapshot();
    await until('the snapshot under way', () => run.stdout.includes('"event":"progress"'), 20_000);
    process.kill(target.pid!, 'SIGSTOP');
    paused.push(target.pid!);
    const stoppedAt = Date.now();
    await endsWithin(run, stoppedAt);
    expect(run.stderr.trim()).toBe(`cutover: target: no reply from ${target.address} for 3s: is Redis still running there (not stopped or hung)?`);
    const s = summaryOf(run.stdout, 'snapshot');
    expect(s).toBeDefined();
    expect(s.lostSide).toBe('target');
    expect(s.notAttempted).toBeGreaterThan(0);
  }, 60_000);

  it('compare, the target killed: the summary so far, then the worded line, exit 1', async () => {
    const [source, target] = servers;
    const run = start(['compare', '--source', source.address, '--target', target.address, '--read-batch', '5', '--read-threads', '1', '--timeout', `${BOUND_MS}ms`, '--json']);
    await until('the compare under way', () => /"event":"progress","phase":"compare","db":0,"done":[1-9]/.test(run.stdout), 20_000);
    await target.kill('SIGKILL');
    await endsWithin(run, Date.now());
    // lost under a command, or refused when a read connects again first: which comes first is the kill's timing
    const at = target.address.replace(/\./g, '\\.');
    expect(run.stderr.trim()).toMatch(new RegExp(`^cutover: target: (lost the connection to ${at}: is Redis still running there|connection refused at ${at}: is Redis running there)\\?$`));
    const s = summaryOf(run.stdout, 'compare');
    expect(s).toBeDefined();
    expect(s.counts.compared).toBeGreaterThan(0);
    expect(s.counts.compared).toBeLessThan(KEYS);
  }, 60_000);

  it('compare, the target hung (SIGSTOP): ends after --timeout with the summary so far', async () => {
    const [source, target] = servers;
    const run = start(['compare', '--source', source.address, '--target', target.address, '--read-batch', '5', '--read-threads', '1', '--timeout', `${BOUND_MS}ms`, '--json']);
    await until('the compare under way', () => /"event":"progress","phase":"compare","db":0,"done":[1-9]/.test(run.stdout), 20_000);
    process.kill(target.pid!, 'SIGSTOP');
    paused.push(target.pid!);
    await endsWithin(run, Date.now());
    expect(run.stderr.trim()).toBe(`cutover: target: no reply from ${target.address} for 3s: is Redis still running there (not stopped or hung)?`);
    expect(summaryOf(run.stdout, 'compare')).toBeDefined();
  }, 60_000);

  // last: the source comes back empty (no persistence), and is filled again after
  it('snapshot, the source killed: one line naming the source, the summary so far, exit 1', async () => {
    const source = servers[0];
    const run = snapshot();
    await until('the snapshot under way', () => run.stdout.includes('"event":"progress"'), 20_000);
    await source.kill('SIGKILL');
    await endsWithin(run, Date.now());
    expect(run.stderr.trim()).toBe(`cutover: source: lost the connection to ${source.address} and could not get it back for 3s: is Redis still running there?`);
    const s = summaryOf(run.stdout, 'snapshot');
    expect(s).toBeDefined();
    expect(s.lostSide).toBe('source');
    expect(s.counts.written).toBeGreaterThan(0);
    expect(s.notAttempted).toBeGreaterThan(0);
  }, 60_000);
});
