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
});
