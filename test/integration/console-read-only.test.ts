// `cutover console --read-only` on a real server, in a real terminal (script(1) gives it a pty): the header says
// READ-ONLY, d (a drill writes counters) is refused with one line, "yes" typed after it starts nothing, and the
// server holds exactly what it held before.
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { LabServer } from '../../src/lab/server.js';
import { CLI, standaloneServers, stopServers, until } from './helpers.js';

// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\x1b\[[?0-9;]*[a-zA-Z]/g, '');

let servers: LabServer[] = [];
let dir: string | undefined;
let client: Redis | undefined;
afterEach(async () => {
  await stopServers(servers, dir, [client]);
  servers = [];
  dir = undefined;
});

describe('cutover console --read-only', () => {
  it('refuses a dangerous key with one line and changes nothing on the server', async () => {
    ({ servers, dir } = await standaloneServers(['a'], 'cutover-ro-'));
    const address = servers[0].address;
    client = new Redis(`redis://${address}`, { lazyConnect: true });
    client.on('error', () => undefined);
    await client.connect();
    await client.set('k', 'v');
    const cmd = `stty cols 100 rows 30; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} console ${address} --read-only`;
    // without CI in its environment: Ink draws nothing but the last frame when it believes it runs in CI
    const env = { ...process.env };
    delete env.CI;
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    try {
      await until('the console, READ-ONLY', () => plain(out).includes('READ-ONLY') && plain(out).includes('Topology'), 20_000);
      child.stdin.write('d');
      await until('the refusal', () => plain(out).includes('read-only: drill (d) is disabled (started with --read-only)'));
      child.stdin.write('yes\r');
      child.stdin.write('q');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    expect(plain(out)).not.toContain('type yes');
    expect(await client.dbsize()).toBe(1);
    expect(await client.keys('cutover:*')).toEqual([]);
  }, 40_000);
});
