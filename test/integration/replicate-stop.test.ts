// Ctrl-C and SIGTERM end `cutover replicate` and `cutover compare` within a few seconds whatever the target does:
// killed mid-run (writes refused: no retry loop may hold the stop) or hung (SIGSTOP: the grace runs out).
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GRACE_MS } from '../../src/headless/signals.js';
import type { LabServer } from '../../src/lab/server.js';
import { fillStrings, ndjsonEvents, resumeStopped, standaloneServers, startCli, stopServers, until, type CliRun } from './helpers.js';

const KEYS = 60_000;
let servers: LabServer[] = [];
let dir: string | undefined;
let child: ChildProcess | undefined;
const stopped: number[] = [];

beforeAll(async () => {
  ({ servers, dir } = await standaloneServers(['source', 'target'], 'cutover-stop-'));
  await fillStrings(servers[0].port, 'stop:', KEYS);
});
afterEach(async () => {
  resumeStopped(stopped);
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  if (servers[1] && !servers[1].running) await servers[1].start();
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

describe('a stop that no server can hold', () => {
  it('replicate --write-batch 1 with the target killed: SIGINT then SIGTERM end it within seconds, with the summary so far', async () => {
    const target = servers[1];
    const run = start(['replicate', '--source', servers[0].address, '--target', target.address, '--write-batch', '1', '--target-pool', '1', '--read-threads', '1', '--json']);
    await until('the first progress event', () => run.stdout.includes('"event":"progress"'), 20_000);
    await target.kill('SIGKILL');
    // writes now fail and would be retried with backoff, key after key
    await until('keys failing or being retried', () => /"retries":[1-9]/.test(run.stdout) || run.code !== undefined, 10_000);
    const signalledAt = Date.now();
    child!.kill('SIGINT');
    await until('the exit or a second', () => run.code !== undefined || Date.now() - signalledAt > 1000, 5000);
    if (run.code === undefined) child!.kill('SIGTERM');
    await until('cutover to exit', () => run.code !== undefined, 10_000);
    expect(run.exitedAt - signalledAt).toBeLessThan(4000);
    expect(run.code).toBe(130);
    const snap = ndjsonEvents(run.stdout).find((e) => e.event === 'summary' && e.phase === 'snapshot');
    expect(snap).toBeDefined();
    expect(snap.stopped).toBe(true);
    expect(snap.counts.written).toBeGreaterThan(0);
    expect(snap.counts.written).toBeLessThan(KEYS);
  }, 60_000);

  it('compare with the target hung (SIGSTOP): one SIGINT ends it after the grace, with the summary so far', async () => {
    const target = servers[1];
    // something to compare against, so the compare runs for a while before the target hangs
    const run = start(['compare', '--source', servers[0].address, '--target', target.address, '--read-batch', '10', '--read-threads', '1', '--json']);
    await until('the first progress event', () => run.stdout.includes('"event":"progress"'), 20_000);
    process.kill(target.pid!, 'SIGSTOP');
    stopped.push(target.pid!);
    const signalledAt = Date.now();
    child!.kill('SIGINT');
    await until('cutover to exit', () => run.code !== undefined, GRACE_MS + 10_000);
    expect(run.exitedAt - signalledAt).toBeLessThan(GRACE_MS + 3000);
    expect(run.code).toBe(130);
    const cmp = ndjsonEvents(run.stdout).find((e) => e.event === 'summary' && e.phase === 'compare');
    expect(cmp).toBeDefined();
    expect(cmp.stopped).toBe(true);
    expect(cmp.counts.compared).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/still not stopped after \d+s/);
  }, 60_000);
});
