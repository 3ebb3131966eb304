// Issue #9 (6): a replica that refuses the operator's credentials (a requirepass of its own) answers: it is shown
// as "authentication failed", never as down, hung or not answering, by topology, the console's monitor and failover.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../src/options/endpoint.js';
import { DEFAULT_CONNECT } from '../../src/engine/redis/connect.js';
import { TopologyMonitor } from '../../src/engine/topology/monitor.js';
import type { LogEntry, NodeState } from '../../src/engine/topology/types.js';
import type { LabServer } from '../../src/lab/server.js';
import { client } from './failover-helpers.js';
import { runCli, standaloneServers, stopServers, until } from './helpers.js';

const PW = 'master-pw-9';
const OTHER = 'replica-own-pw-9';
let servers: LabServer[];
let dir: string;
let m: LabServer, bad: LabServer, good: LabServer;
const admin: Redis[] = [];
const env = { REDISCLI_AUTH: PW };
const HUNG = /not answering|sent no reply|hung|does not answer|connection lost/;

beforeAll(async () => {
  ({ servers, dir } = await standaloneServers(['m', 'bad', 'good'], 'cutover-auth-refused-'));
  [m, bad, good] = servers;
  // the master and `good` take the operator's password; `bad` follows the master (masterauth) but asks for its own
  for (const [s, own] of [[m, PW], [good, PW], [bad, OTHER]] as const) {
    const c = await client(s.port);
    await c.call('CONFIG', 'SET', 'masterauth', PW);
    await c.call('CONFIG', 'SET', 'requirepass', own);
    c.disconnect();
  }
  for (const [s, own] of [[bad, OTHER], [good, PW]] as const) {
    const c = await client(s.port, own);
    admin.push(c);
    await c.call('REPLICAOF', '127.0.0.1', String(m.port));
  }
  const mc = await client(m.port, PW);
  admin.push(mc);
  await until('both replicas linked to the master', async () => /connected_slaves:2/.test(await mc.info('replication')), 15_000);
  await until('both links up', async () => {
    const infos = await Promise.all(admin.slice(0, 2).map((c) => c.info('replication')));
    return infos.every((i) => /master_link_status:up/.test(i));
  }, 15_000);
}, 30_000);

afterAll(async () => {
  await stopServers(servers ?? [], dir, admin);
});

describe('a replica that refuses the operator credentials', () => {
  it('topology names it NOAUTH, "authentication failed", not down or not answering', async () => {
    const r = await runCli(['topology', `127.0.0.1:${m.port}`], env);
    const row = r.stdout.split('\n').find((l) => l.includes(`:${bad.port}`));
    expect(row, r.stdout + r.stderr).toBeDefined();
    expect(row).toMatch(/NOAUTH/);
    expect(row).toMatch(/authentication failed/);
    expect(row).not.toMatch(/DOWN|not answering/);
    expect(r.stdout + r.stderr).not.toContain(PW);
    expect(r.stdout + r.stderr).not.toContain(OTHER);
  });

  it('topology --json marks it authFailed with the authentication error', async () => {
    const r = await runCli(['topology', '--json', `127.0.0.1:${m.port}`], env);
    const nodes = (JSON.parse(r.stdout).nodes ?? JSON.parse(r.stdout)) as NodeState[];
    const node = (Array.isArray(nodes) ? nodes : []).find((n) => n.port === bad.port);
    expect(node, r.stdout).toBeDefined();
    expect(node!.authFailed).toBe(true);
    expect(node!.lastError).toMatch(/^authentication failed at 127\.0\.0\.1:\d+/);
    expect(node!.lastError).not.toMatch(HUNG);
  });

  it('the console monitor keeps saying so poll after poll (not "connection lost" once ioredis reconnects)', async () => {
    const monitor = new TopologyMonitor({
      entries: [parseEndpoint(`redis://:${PW}@127.0.0.1:${m.port}`)],
      conn: { ...DEFAULT_CONNECT, commandTimeoutMs: 1000, connectTimeoutMs: 1000 },
      intervalMs: 200,
      dataAuth: { password: PW },
      subscribe: false,
    });
    const seen: NodeState[] = [];
    const log: LogEntry[] = [];
    monitor.events.on((e) => {
      if (e.type === 'node' && e.node.port === bad.port && e.node.status !== 'pending') seen.push(e.node);
      if (e.type === 'log') log.push(e.entry);
    });
    try {
      await monitor.start();
      await until('five polls of the refusing replica', () => seen.length >= 5, 10_000);
      for (const n of seen) {
        expect(n.authFailed, n.lastError).toBe(true);
        expect(n.lastError).toMatch(/authentication failed/);
      }
      expect(log.map((l) => l.message).join('\n')).not.toMatch(new RegExp(`${bad.port}.*(${HUNG.source})`));
    } finally {
      monitor.stop();
    }
  });

  it('failover --dry-run says authentication failed for it, never hung, and promotes the other replica', async () => {
    const r = await runCli(['failover', '--uri', `127.0.0.1:${m.port}`, '--dry-run'], env);
    const out = r.stdout + r.stderr;
    expect(r.code, out).toBe(0);
    const about = out.split('\n').filter((l) => l.includes(`:${bad.port}`));
    expect(about.length, out).toBeGreaterThan(0);
    expect(about.join('\n')).toMatch(/authentication failed/);
    expect(about.join('\n')).not.toMatch(HUNG);
    expect(out).toMatch(new RegExp(`127\\.0\\.0\\.1:${good.port}.*to be promoted`));
    expect(out).not.toContain(PW);
  });

  it('failover --dry-run --to it: refused with "authentication failed", exit 2', async () => {
    const r = await runCli(['failover', '--uri', `127.0.0.1:${m.port}`, '--to', `127.0.0.1:${bad.port}`, '--dry-run'], env);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/authentication failed/);
    expect(r.stderr).not.toMatch(HUNG);
  });
});
