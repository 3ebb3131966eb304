// Issue #9 (8): a target lost in the middle of a compare is told in cutover's words ("target: lost the connection
// to host:port: is Redis still running there?"), never the library's "Connection is closed" or "connect ECONNREFUSED".
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabServer } from '../../src/lab/server.js';
import { parseEndpoint } from '../../src/options/endpoint.js';
import { DEFAULT_CONNECT } from '../../src/engine/redis/connect.js';
import { ReplicationRunner } from '../../src/engine/replicate/runner.js';
import { client } from './failover-helpers.js';
import { CLI, runCli, standaloneServers, stopServers, until } from './helpers.js';

const KEYS = 150_000;
let servers: LabServer[];
let dir: string;
let source: LabServer, target: LabServer, consoleTarget: LabServer;

beforeAll(async () => {
  ({ servers, dir } = await standaloneServers(['source', 'target', 'console-target'], 'cutover-lost-target-'));
  [source, target, consoleTarget] = servers;
  // the same keys on both sides: a compare then reads every key on each, long enough to stop a side midway
  for (const s of servers) {
    const c = await client(s.port);
    for (let from = 0; from < KEYS; from += 10_000) {
      const p = c.pipeline();
      for (let i = from; i < from + 10_000; i++) p.set(`k:${i}`, 'v'.repeat(20));
      await p.exec();
    }
    c.disconnect();
  }
}, 60_000);

afterAll(async () => {
  await stopServers(servers ?? [], dir);
});

describe('a target lost during a job', () => {
  it('compare: the target killed midway is one worded line, exit 1', async () => {
    const child = spawn(process.execPath, [CLI, 'compare', '--source', `127.0.0.1:${source.port}`, '--target', `127.0.0.1:${target.port}`, '--read-batch', '5', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      // under way: some keys compared, not all
      await until('the compare under way', () => /"event":"progress","phase":"compare","db":0,"done":[1-9]/.test(stdout), 20_000);
      expect(stdout).not.toContain('"event":"summary"');
      await target.kill();
      const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
      expect(code, stderr).toBe(1);
      const lines = stderr.trim().split('\n');
      expect(lines, stderr).toHaveLength(1);
      // lost under a command, or refused when a read connects again first: which comes first is the kill's timing
      expect(lines[0]).toMatch(new RegExp(`^cutover: target: (lost the connection to 127\\.0\\.0\\.1:${target.port}: is Redis still running there|connection refused at 127\\.0\\.0\\.1:${target.port}: is Redis running there)\\?$`));
      expect(stderr).not.toMatch(/Connection is closed|ECONNREFUSED|ECONNRESET/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);

  it("the console's compare (c): the job ends with the same worded line", async () => {
    const runner = new ReplicationRunner({ ...DEFAULT_CONNECT, commandTimeoutMs: 2000 });
    const ended: string[] = [];
    runner.events.on((e) => {
      if (e.type === 'job-ended') ended.push(`${e.state}: ${e.message ?? ''}`);
    });
    const admin = await client(consoleTarget.port);
    const served = async () => Number(/total_commands_processed:(\d+)/.exec(await admin.info('stats'))?.[1] ?? 0);
    const before = await served();
    runner.start('compare', parseEndpoint(`127.0.0.1:${source.port}`), parseEndpoint(`127.0.0.1:${consoleTarget.port}`), { type: 'dump', overwrite: true });
    try {
      // under way: the target has served a few thousand of the compare's reads (of 150k keys)
      for (let n = 0; n < 2000 && (await served()) - before < 5000 && !ended.length; n++) await new Promise((r) => setImmediate(r));
      admin.disconnect();
      expect(ended, 'the compare ended before the target could be stopped').toEqual([]);
      await consoleTarget.kill();
      await until('the job to end', () => ended.length > 0, 20_000);
      expect(ended[0]).toBe(`failed: target: lost the connection to 127.0.0.1:${consoleTarget.port}: is Redis still running there?`);
    } finally {
      admin.disconnect();
      runner.stop();
    }
  }, 60_000);

  it('a target that is down from the start: the usual refusal line (unchanged)', async () => {
    const r = await runCli(['compare', '--source', `127.0.0.1:${source.port}`, '--target', `127.0.0.1:${target.port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`cutover: target: connection refused at 127.0.0.1:${target.port}: is Redis running there?`);
  });
});
