// `cutover failover` and `cutover clone` as an operator runs them (the built binary): exit codes, one-line
// refusals, no change without a confirmation, --json events, the journal file, never a password.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabServer } from '../../src/lab/server.js';
import { client, role } from './failover-helpers.js';
import { runCli, standaloneServers, stopServers } from './helpers.js';

const PW = 'cli-s3cret-pw';
let servers: LabServer[];
let dir: string;
let m: LabServer, r1: LabServer, k: LabServer;
let tmp: string;
const admin: Redis[] = [];
const env = { REDISCLI_AUTH: PW };

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n').filter((l) => !/warning/.test(l));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^cutover: /);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

function noPassword(...texts: string[]): void {
  for (const t of texts) expect(t).not.toContain(PW);
}

beforeAll(async () => {
  ({ servers, dir } = await standaloneServers(['m', 'r1', 'k'], 'cutover-fo-cli-'));
  [m, r1, k] = servers;
  tmp = mkdtempSync(join(tmpdir(), 'cutover-fo-cli-journal-'));
  for (const s of [m, r1]) {
    const c = await client(s.port);
    await c.call('CONFIG', 'SET', 'masterauth', PW);
    await c.call('CONFIG', 'SET', 'requirepass', PW);
    c.disconnect();
  }
  const c = await client(r1.port, PW);
  admin.push(c);
  await c.call('REPLICAOF', '127.0.0.1', String(m.port));
  const end = Date.now() + 15_000;
  while ((await role(r1.port, PW)).link !== 'up' && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
});

afterAll(async () => {
  await stopServers(servers ?? [], dir, admin);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('cutover failover and clone, the binary', () => {
  it('prints help; bad input is one line and exit 2', async () => {
    const help = await runCli(['failover', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--unplanned/);
    expect((await runCli(['clone', '--help'])).stdout).toMatch(/--reconfigure/);
    const missing = await runCli(['failover']);
    expect(missing.code).toBe(2);
    expect(oneLine(missing.stderr)).toMatch(/--uri is missing/);
    const badRole = await runCli(['clone', '--origin', m.address, '--clone', k.address, '--role', 'boss']);
    expect(badRole.code).toBe(2);
    expect(oneLine(badRole.stderr)).toMatch(/--role 'boss' is not one of master, replica/);
    const noTo = await runCli(['failover', '--uri', m.address, '--to', '--dry-run']);
    expect(noTo.code).toBe(2);
    expect(oneLine(noTo.stderr)).toMatch(/^cutover: --to needs host:port/);
    // from a replica, --reconfigure would leave its master a master beside the clone: refused up front
    const recon = await runCli(['clone', '--origin', r1.address, '--clone', k.address, '--reconfigure', '--role', 'replica', '--yes'], env);
    expect(recon.code).toBe(2);
    expect(oneLine(recon.stderr)).toMatch(/^cutover: --reconfigure does not go with --role replica: .*two masters.*nothing was changed/);
    expect((await role(k.port)).role).toBe('master');
    expect((await role(r1.port, PW)).master).toBe(m.address);
  });

  it('without a terminal and without --yes: refused in one line, exit 2, nothing changed', async () => {
    const r = await runCli(['failover', '--uri', m.address], env);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/stdin is not a terminal: add --yes/);
    const c = await runCli(['clone', '--origin', m.address, '--clone', k.address], env);
    expect(c.code).toBe(2);
    expect((await role(m.port, PW)).role).toBe('master');
    expect((await role(k.port)).role).toBe('master');
  });

  it('--dry-run prints the plan with every command, exit 0, nothing changed, no journal file', async () => {
    const before = readdirSync(process.cwd()).filter((f) => f.startsWith('cutover-failover-'));
    const r = await runCli(['failover', '--uri', r1.address, '--dry-run'], { ...env });
    expect(readdirSync(process.cwd()).filter((f) => f.startsWith('cutover-failover-'))).toEqual(before);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/planned failover · replication/);
    expect(r.stdout).toContain(`${m.address}  CLIENT PAUSE 5000 WRITE`);
    expect(r.stdout).toContain(`${r1.address}  REPLICAOF NO ONE   [changes roles]`);
    expect(r.stdout).toMatch(/dry run: nothing changed/);
    expect((await role(m.port, PW)).role).toBe('master');
    noPassword(r.stdout, r.stderr);
  });

  it('--yes --json: NDJSON events, the journal file, exit 0 once verified; never a password', async () => {
    const journal = join(tmp, 'failover.jsonl');
    const r = await runCli(['failover', '--uri', `redis://:${PW}@${m.address}`, '--yes', '--json', '--journal', journal]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const kinds = events.map((e) => e.event);
    expect(kinds[0]).toBe('plan');
    expect(kinds).toEqual(expect.arrayContaining(['confirm', 'step-start', 'step-done', 'state', 'summary']));
    const summary = events.find((e) => e.event === 'summary');
    expect(summary.status).toBe('done');
    // measured, and within --timeout (5 s by default), the longest write pause cutover allows
    const pause = summary.measures.find((x: { label: string }) => x.label.startsWith('write pause'))?.ms;
    expect(pause).toBeGreaterThan(0);
    expect(pause).toBeLessThan(5000);
    expect(events.find((e) => e.event === 'step-done' && e.step.id === 'promote').reply).toBe('OK');
    const lines = readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const commands = lines.filter((l) => l.event === 'command');
    expect(commands.length).toBeGreaterThan(3);
    for (const c of commands) expect(Object.keys(c)).toEqual(expect.arrayContaining(['time', 'node', 'command']));
    noPassword(r.stdout, r.stderr, readFileSync(journal, 'utf8'));
    expect((await role(r1.port, PW)).role).toBe('master');
    expect((await role(m.port, PW)).master).toBe(r1.address);
  });

  it('a candidate whose link is down: refused in one line, exit 2, the checks printed', async () => {
    // m now replicates from r1; give it a wrong password so its link stays down
    const c = await client(m.port, PW);
    admin.push(c);
    await c.call('CONFIG', 'SET', 'masterauth', 'wrong');
    const r1c = await client(r1.port, PW);
    admin.push(r1c);
    await r1c.call('CLIENT', 'KILL', 'TYPE', 'replica');
    const end = Date.now() + 10_000;
    while ((await role(m.port, PW)).link !== 'down' && Date.now() < end) await new Promise((res) => setTimeout(res, 50));
    const r = await runCli(['failover', '--uri', r1.address, '--to', m.address, '--yes'], env);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/failover refused: .*link to the master is down.*nothing was changed/);
    expect(r.stdout).toMatch(/✗ .*link to the master is down/);
    expect((await role(r1.port, PW)).role).toBe('master');
    expect(readdirSync(process.cwd()).filter((f) => f.startsWith('cutover-failover-'))).toEqual([]);
    await c.call('CONFIG', 'SET', 'masterauth', PW);
  });

  it('clone --yes through the binary: exit 0, the journal without a password', async () => {
    const journal = join(tmp, 'clone.jsonl');
    const r = await runCli(['clone', '--origin', r1.address, '--clone', `redis://${k.address}`, '--yes', '--journal', journal, '--timeout', '20'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓ .*wait until .* has synced from/);
    expect(r.stdout).toMatch(/^done: clone /m);
    noPassword(r.stdout, r.stderr, readFileSync(journal, 'utf8'));
    expect((await role(k.port, PW)).master).toBe(r1.address);
  });
});
