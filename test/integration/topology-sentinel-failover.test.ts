// The topology monitor watching a Sentinel failover on the lab's replication preset: the role change and
// +switch-master, and an old master back as a master after an unplanned one. (cutover's own failover through the
// Sentinels is failover-sentinel.test.ts.)
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, MASTER_NAME, type Lab } from '../../src/lab/lab.js';
import { monitorOn, until } from './helpers.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ preset: 'replication' });
});
afterAll(async () => {
  await lab?.stop();
});

describe('a Sentinel failover', () => {
  it('shows as a role change and a +switch-master event', async () => {
    const { monitor, nodes, log } = monitorOn(lab.sourceEntries(), { labels: lab.labels() });
    try {
      await monitor.start();
      const sentinel = new Redis({ host: '127.0.0.1', port: lab.server('s1').port, lazyConnect: true });
      sentinel.on('error', () => undefined);
      await sentinel.connect();
      await sentinel.call('SENTINEL', 'FAILOVER', MASTER_NAME);
      sentinel.disconnect();
      const r1 = lab.server('r1').address;
      const master = lab.server('master').address;
      await until('+switch-master in the log', () => log.find((e) => e.kind === 'sentinel' && e.message.includes('+switch-master')), 30_000);
      await until('r1 promoted', () => nodes.get(r1)?.role === 'master', 15_000);
      await until('old master demoted', () => nodes.get(master)?.role === 'replica', 15_000);
      expect(log.some((e) => e.kind === 'role-change' && e.node === r1 && /replica → master/.test(e.message))).toBe(true);
      expect(log.find((e) => e.message.includes('+switch-master'))!.message).toContain(String(lab.server('r1').port));
    } finally {
      monitor.stop();
    }
  });

  it('flags an old master that comes back as a master after an unplanned failover', async () => {
    const { monitor, nodes, log } = monitorOn(lab.sourceEntries(), { labels: lab.labels(), intervalMs: 500 });
    try {
      await monitor.start();
      const current = [...nodes.values()].find((n) => n.role === 'master')!;
      const victim = lab.servers.find((s) => s.address === current.id)!;
      await lab.kill(victim.name);
      await until('a new master elected', () => log.find((e) => e.message.includes('+switch-master') && e.at > Date.now() - 30_000 && e.message.includes(`${victim.port} →`)), 30_000);
      await lab.restart(victim.name); // no persistence: it comes back an empty master
      await until('the contradiction flagged', () => nodes.get(victim.address)?.conflict, 15_000);
      expect(log.some((e) => e.node === victim.address && /says it is a master, but the Sentinels' master is/.test(e.message))).toBe(true);
    } finally {
      monitor.stop();
    }
  });
});
