// The real binary, as an operator runs it: exit codes, one-line errors, no stack traces, no passwords.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { freePort } from '../../src/lab/ports.js';
import { findRedis } from '../../src/lab/redis-binaries.js';
import { LabServer } from '../../src/lab/server.js';
import { CLI, runCli } from './helpers.js';


const cutover = runCli;

function oneClearLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(lines[0]).toMatch(/^cutover: /);
  return lines[0];
}

let lab: Lab;
let auth: LabServer;
let authDir: string;
let notRedis: Server;
let notRedisPort: number;

beforeAll(async () => {
  lab = await startLab({ preset: 'replication', keys: 100 });
  authDir = mkdtempSync(join(tmpdir(), 'cutover-auth-'));
  auth = new LabServer(findRedis(), authDir, { name: 'auth', kind: 'redis', port: await freePort(), config: ['requirepass s3cretpass'] });
  await auth.start();
  notRedis = createServer((sock) => sock.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
  notRedisPort = await freePort();
  await new Promise<void>((r) => notRedis.listen(notRedisPort, '127.0.0.1', () => r()));
});
afterAll(async () => {
  await lab?.stop();
  await auth?.kill();
  rmSync(authDir, { recursive: true, force: true });
  notRedis?.close();
});

describe('cutover binary', () => {
  it('prints its version and help', async () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
    expect(await cutover(['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const help = await cutover(['--help']);
    expect(help.code).toBe(0);
    for (const word of ['console', 'topology', 'lab', '--sentinel', '--interval', 'REDISCLI_AUTH']) expect(help.stdout).toContain(word);
  });

  it('prints the topology as a tree and as JSON', async () => {
    const text = await cutover(['topology', lab.server('r2').address]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/deployment: sentinel/);
    expect(text.stdout).toMatch(new RegExp(`└─ 127\\.0\\.0\\.1:${lab.server('r2').port}\\s+replica\\s+up`));
    const json = JSON.parse((await cutover(['topology', '--json', lab.server('master').address])).stdout);
    expect(json.deployment.kind).toBe('sentinel');
    expect(json.nodes).toHaveLength(6);
  });

  it('enters through a Sentinel with --sentinel and --master-name', async () => {
    const r = await cutover(['topology', '--sentinel', lab.server('s2').address, '--master-name', 'mymaster']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`127.0.0.1:${lab.server('master').port}`);
    const wrong = await cutover(['topology', '--sentinel', lab.server('s2').address, '--master-name', 'nosuch']);
    expect(wrong.code).toBe(2);
    expect(oneClearLine(wrong.stderr)).toMatch(/monitors no master named 'nosuch'/);
    const notSentinel = await cutover(['topology', '--sentinel', lab.server('r1').address, '--master-name', 'mymaster']);
    expect(notSentinel.code).toBe(2);
    expect(oneClearLine(notSentinel.stderr)).toMatch(/is not a Sentinel \(redis_mode standalone\)/);
  });

  it('refuses a malformed URI with exit 2', async () => {
    const r = await cutover(['topology', 'redis://u:hunter22@127.0.0.1:port']);
    expect(r.code).toBe(2);
    expect(oneClearLine(r.stderr)).toMatch(/port 'port' is not a number/);
    expect(r.stderr).not.toContain('hunter22');
  });

  it('refuses a database the server does not have', async () => {
    const r = await cutover(['topology', `redis://${lab.server('master').address}/99`]);
    expect(r.code).toBe(2);
    expect(oneClearLine(r.stderr)).toMatch(/database 99 does not exist/);
  });

  it('says a refused port is refused', async () => {
    const r = await cutover(['topology', `127.0.0.1:${await freePort()}`]);
    expect(r.code).toBe(1);
    expect(oneClearLine(r.stderr)).toMatch(/connection refused at 127\.0\.0\.1:\d+/);
  });

  it('goes on when one of several entry points is down, and shows it down', async () => {
    const dead = await freePort();
    const r = await cutover(['topology', lab.server('master').address, `127.0.0.1:${dead}`]);
    expect(r.code).toBe(1); // not every node answered
    expect(r.stderr).toMatch(new RegExp(`warning: connection refused at 127\\.0\\.0\\.1:${dead}.*shown as down`));
    expect(r.stdout).toMatch(new RegExp(`127\\.0\\.0\\.1:${dead}\\s+DOWN`));
    expect(r.stdout).toMatch(/sentinel/);
  });

  it('says a port that is not Redis is not Redis', async () => {
    const r = await cutover(['topology', `127.0.0.1:${notRedisPort}`]);
    expect(r.code).toBe(1);
    expect(oneClearLine(r.stderr)).toMatch(/does not speak the Redis protocol|closed the connection before answering/);
  });

  it('says a wrong password is wrong, without showing it', async () => {
    const r = await cutover(['topology', `redis://:wrongpass99@127.0.0.1:${auth.port}`]);
    expect(r.code).toBe(1);
    expect(oneClearLine(r.stderr)).toMatch(/authentication failed/);
    expect(r.stderr + r.stdout).not.toContain('wrongpass99');
    const missing = await cutover(['topology', `127.0.0.1:${auth.port}`]);
    expect(oneClearLine(missing.stderr)).toMatch(/requires a password/);
    const ok = await cutover(['topology', `127.0.0.1:${auth.port}`], { REDISCLI_AUTH: 's3cretpass' });
    expect(ok.code).toBe(0);
    expect(ok.stdout + ok.stderr).not.toContain('s3cretpass');
  });

  it('says a TLS mismatch is a TLS mismatch', async () => {
    const r = await cutover(['topology', `rediss://127.0.0.1:${lab.server('master').port}`, '--timeout', '2s']);
    expect(r.code).toBe(1);
    expect(oneClearLine(r.stderr)).toMatch(/TLS/);
  });

  it('prints plain text, not a drawing, when stdout is not a terminal', async () => {
    const child = spawn(process.execPath, [CLI, 'console', lab.server('master').address], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const end = Date.now() + 15_000;
    while (!out.includes('sentinel') && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('exit', (c) => r(c)));
    expect(out).toMatch(/deployment: sentinel/);
    expect(out).not.toContain('\x1b[');
    expect(code).toBe(0);
  });
});
