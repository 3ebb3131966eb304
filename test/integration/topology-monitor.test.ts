// The topology monitor on the lab's replication preset (master → r1 → r2, three Sentinels): what it finds, a node
// killed shown down and back up, a slow node timing out without holding the others, offsets, lag and rates.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { monitorOn, roles, until } from './helpers.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ preset: 'replication', keys: 500 });
});
afterAll(async () => {
  await lab?.stop();
});

describe('replication preset', () => {
  it.each(['master', 'r1', 'r2', 's1'])('is discovered whole from %s', async (entry) => {
    const { monitor } = monitorOn([lab.server(entry).address], { subscribe: false });
    try {
      const nodes = await monitor.discover();
      expect(roles(nodes)).toEqual({ master: 1, replica: 2, sentinel: 3 });
      const byId = Object.fromEntries(nodes.map((n) => [n.id, n]));
      expect(byId[lab.server('r1').address].masterId).toBe(lab.server('master').address);
      expect(byId[lab.server('r2').address].masterId).toBe(lab.server('r1').address);
      expect(byId[lab.server('r2').address].linkStatus).toBe('up');
      expect(byId[lab.server('master').address].keys).toBe(500);
      expect(monitor.deployment().kind).toBe('sentinel');
      expect(byId[lab.server('s1').address].sentinel?.masters[0]).toMatchObject({ name: 'mymaster', quorum: 2, port: lab.server('master').port });
    } finally {
      monitor.stop();
    }
  });

  it('shows a killed replica as down within 3 s, and up again when it is restarted', async () => {
    const { monitor, nodes, log } = monitorOn([lab.server('master').address], { labels: lab.labels() });
    try {
      await monitor.start();
      const r2 = lab.server('r2').address;
      expect(nodes.get(r2)?.status).toBe('up');
      await lab.kill('r2');
      const killedAt = Date.now();
      await until('r2 down', () => nodes.get(r2)?.status === 'down', 3000);
      expect(Date.now() - killedAt).toBeLessThanOrEqual(3000);
      expect(nodes.get(r2)?.lastError).toMatch(/refused/);
      expect(log.some((e) => e.kind === 'node-down' && e.node === r2)).toBe(true);
      await lab.restart('r2');
      await until('r2 up with its link up', () => nodes.get(r2)?.status === 'up' && nodes.get(r2)?.linkStatus === 'up', 10_000);
      expect(log.some((e) => e.kind === 'node-up' && e.node === r2)).toBe(true);
    } finally {
      monitor.stop();
    }
  });

  it('lets a slow node time out without holding the others back', async () => {
    const { monitor, nodes } = monitorOn([lab.server('master').address], { intervalMs: 500 });
    const sleeper = new Redis({ host: '127.0.0.1', port: lab.server('r1').port });
    sleeper.on('error', () => undefined);
    try {
      await monitor.start();
      const r1 = lab.server('r1').address;
      const master = lab.server('master').address;
      const sleeping = sleeper.call('DEBUG', 'SLEEP', '3').catch(() => undefined);
      await until('r1 marked down by its poll timeout', () => nodes.get(r1)?.status === 'down', 3000);
      expect(nodes.get(r1)?.lastError).toMatch(/no answer|timed? ?out/i);
      const before = nodes.get(master)!.lastPollAt!;
      await until('the master polled again meanwhile', () => nodes.get(master)!.lastPollAt! > before && nodes.get(r1)?.status === 'down', 2000);
      await sleeping;
      await until('r1 back once it answers', () => nodes.get(r1)?.status === 'up', 5000);
    } finally {
      sleeper.disconnect();
      monitor.stop();
    }
  });

  it('derives offsets, lag and rates for the chain', async () => {
    const { monitor, nodes } = monitorOn([lab.server('r2').address], { intervalMs: 300 });
    try {
      await monitor.start();
      const r2 = lab.server('r2').address;
      await until('r2 lag known', () => nodes.get(r2)?.lagBytes !== undefined, 5000);
      const n = nodes.get(r2)!;
      expect(n.offset).toBeGreaterThan(0);
      // a quiet chain on loopback: behind by less than all of its stream, and by seconds at most
      expect(Number.isInteger(n.lagBytes)).toBe(true);
      expect(n.lagBytes).toBeGreaterThanOrEqual(0);
      expect(n.lagBytes).toBeLessThan(n.offset!);
      expect(n.lagSeconds).toBeGreaterThanOrEqual(0);
      expect(n.lagSeconds).toBeLessThan(10);
      // caught up (between the master's pings): no bytes behind is no seconds behind
      const caughtUp = await until('r2 caught up', () => (nodes.get(r2)?.lagBytes === 0 ? nodes.get(r2) : undefined), 5000);
      expect(caughtUp.lagSeconds).toBe(0);
      await until('an offset rate', () => nodes.get(lab.server('master').address)?.offsetRate !== undefined, 5000);
    } finally {
      monitor.stop();
    }
  });
});
