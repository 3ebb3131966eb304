// Issue #9 (1), as the operator runs it (the built binary): an endpoint typed wrong is refused on one line, exit
// code 2, without its password, whatever its shape; REDISCLI_AUTH is honoured and never shown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabServer } from '../../src/lab/server.js';
import { client } from './failover-helpers.js';
import { runCli, standaloneServers, stopServers } from './helpers.js';

const PW = 'Zx9-typed-secret';
let servers: LabServer[] = [];
let dir: string | undefined;

beforeAll(async () => {
  ({ servers, dir } = await standaloneServers(['m'], 'cutover-masked-input-'));
  const c = await client(servers[0].port);
  await c.call('CONFIG', 'SET', 'requirepass', PW);
  c.disconnect();
});

afterAll(async () => {
  await stopServers(servers, dir);
});

describe('endpoints typed wrong, through the binary', () => {
  it.each([
    ['topology', `alice:${PW}@127.0.0.1:7801`],
    ['topology', `redis//alice:${PW}@127.0.0.1:7801`],
    ['topology', `redis:alice:${PW}@127.0.0.1:7801`],
    ['topology', `rediss:/alice:${PW}@127.0.0.1:7801`],
    ['topology', `redis:/:${PW}@127.0.0.1:7801`],
    ['sentinel', `alice:${PW}@127.0.0.1:26379`],
    ['failover', `redis:/:${PW}@127.0.0.1:7801`],
    ['replicate', `alice:${PW}@127.0.0.1:7801`],
  ])('%s %s: one line, exit 2, no password', async (where, endpoint) => {
    const argv =
      where === 'sentinel'
        ? ['topology', '--sentinel', endpoint, '--master-name', 'm']
        : where === 'failover'
          ? ['failover', '--uri', endpoint, '--dry-run']
          : where === 'replicate'
            ? ['replicate', '--source', '127.0.0.1:1', '--target', endpoint]
            : ['topology', endpoint];
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^cutover: invalid endpoint '[^']*\*\*\*@127\.0\.0\.1:\d+'/);
    expect(r.stderr).not.toContain(PW);
  });

  it('-a PASSWORD (redis-cli style) is refused pointing at REDISCLI_AUTH, the value not repeated', async () => {
    const r = await runCli(['topology', `127.0.0.1:${servers[0].port}`, '-a', PW]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("cutover: cutover takes no -a: give the password in the URI (redis://:PASSWORD@host:port) or, kept out of ps and shell history, in REDISCLI_AUTH");
  });

  it('REDISCLI_AUTH is the password of an endpoint without one, and never shown', async () => {
    const r = await runCli(['topology', '--json', `127.0.0.1:${servers[0].port}`], { REDISCLI_AUTH: PW });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(PW);
    const wrong = await runCli(['topology', `127.0.0.1:${servers[0].port}`], { REDISCLI_AUTH: 'not-it-at-all' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/authentication failed at 127\.0\.0\.1:\d+: wrong user or password \(check the URI or REDISCLI_AUTH\)/);
    expect(wrong.stderr).not.toContain('not-it-at-all');
  });
});
