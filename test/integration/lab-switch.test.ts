// `cutover lab switch`: the migration lab's endpoint repointed from another process (as a --on-switch hook would),
// through the control port the lab writes into its manifest; refusals are one line, exit 2, nothing changed.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest, type LabManifest } from '../../src/lab/manifest.js';
import { alive } from '../../src/lab/processes.js';
import { CLI, runCli, until } from './helpers.js';

let lab: ChildProcess;
let dir: string;
let stderr = '';
const clients: Redis[] = [];

const manifest = (): LabManifest => readManifest(dir);
const port = (name: string) => manifest().servers.find((s) => s.name === name)!.port;
const runIdAt = async (p: number) => {
  const c = new Redis({ host: '127.0.0.1', port: p, lazyConnect: true });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return /run_id:(\w+)/.exec(await c.info('server'))![1];
  } finally {
    c.disconnect();
  }
};

beforeAll(async () => {
  // stdout piped: the lab's console prints plain text; the lab itself is the same
  lab = spawn(process.execPath, [CLI, 'lab', '--preset', 'migration'], { stdio: ['ignore', 'pipe', 'pipe'] });
  lab.stdout!.resume();
  lab.stderr!.on('data', (d) => (stderr += d));
  const name = await until(
    'the lab manifest with its endpoint',
    () => {
      const d = readdirSync(tmpdir()).find((x) => x.startsWith(`cutover-lab-${lab.pid}-`));
      return d && readManifest(join(tmpdir(), d)).endpoint && d;
    },
    30_000,
  );
  dir = join(tmpdir(), name);
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  const pids = dir ? manifest().servers.map((s) => s.pid!) : [];
  if (lab.exitCode === null) {
    const exited = new Promise((r) => lab.once('exit', r));
    lab.kill('SIGTERM');
    await exited;
  }
  await until('the lab servers gone', () => pids.every((p) => !alive(p)), 5000);
});

describe('cutover lab switch', () => {
  it('the migration lab prints its endpoint, in front of the master', async () => {
    const ep = manifest().endpoint!;
    expect(ep.backend).toEqual({ name: 'master', address: `127.0.0.1:${port('master')}` });
    // the manifest is written before the line is printed
    await until('the endpoint line', () => stderr.includes(`lab: endpoint ${ep.address} → master 127.0.0.1:${port('master')}`), 10_000);
    expect(await runIdAt(Number(ep.address.split(':')[1]))).toBe(await runIdAt(port('master')));
  });

  it('repoints the endpoint from another process: the client is cut and comes back on the target', async () => {
    const ep = manifest().endpoint!;
    const c = new Redis({ host: '127.0.0.1', port: Number(ep.address.split(':')[1]), retryStrategy: () => 20 });
    c.on('error', () => undefined);
    clients.push(c);
    await c.set('lab-switch:before', '1');
    const [master, target] = [await runIdAt(port('master')), await runIdAt(port('target'))];
    expect(/run_id:(\w+)/.exec(await c.info('server'))![1]).toBe(master);

    const r = await runCli(['lab', 'switch', '--to', 'target', '--lab', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(
      `endpoint ${ep.address} now forwards to target 127.0.0.1:${port('target')} (was master 127.0.0.1:${port('master')}); 1 client connection closed to reconnect`,
    );
    expect(/run_id:(\w+)/.exec(await c.info('server'))![1]).toBe(target);
    expect(manifest().endpoint!.backend).toEqual({ name: 'target', address: `127.0.0.1:${port('target')}` });

    // and back, by HOST:PORT, as JSON
    const back = await runCli(['lab', 'switch', '--to', `127.0.0.1:${port('master')}`, '--lab', join(dir, 'lab.json'), '--json']);
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ event: 'endpoint', backend: { name: 'master' }, was: { name: 'target' }, closed: 1 });
    expect(/run_id:(\w+)/.exec(await c.info('server'))![1]).toBe(master);
    expect(back.stdout).not.toContain(manifest().endpoint!.control.token);
  });

  it('refuses a Sentinel, an unknown name, a backend that does not answer, a missing --to, a lab that is not there', async () => {
    const before = manifest().endpoint!.backend;
    const cases: Array<[string[], RegExp]> = [
      [['--to', 's1'], /^cutover: s1 is a Sentinel, not a Redis server: use one of master, r1, r2, target, or HOST:PORT$/],
      [['--to', 'nosuch'], /^cutover: no lab server named 'nosuch': use one of /],
      [['--to', '127.0.0.1:1'], /^cutover: 127\.0\.0\.1:1 does not answer PING: the endpoint still forwards to master /],
      [[], /^cutover: --to is missing: /],
    ];
    for (const [args, line] of cases) {
      const r = await runCli(['lab', 'switch', ...args, '--lab', dir]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(line);
      expect(r.stdout).toBe('');
    }
    const gone = await runCli(['lab', 'switch', '--to', 'target', '--lab', join(tmpdir(), 'cutover-lab-0-none')]);
    expect(gone.code).toBe(2);
    expect(gone.stderr.trim()).toMatch(/^cutover: --lab .*: no such lab folder/);
    expect(manifest().endpoint!.backend).toEqual(before);
  });
});
