// The topology monitor on the lab's cluster preset: masters, replicas and slots, and a master killed shown down,
// FAIL in its peers' view, its replica promoted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { countSlots } from '../../src/engine/topology/parse-cluster-nodes.js';
import { topologyRows } from '../../src/store/topology-rows.js';
import { monitorOn, roles, until } from './helpers.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ preset: 'cluster', keys: 1000 });
});
afterAll(async () => {
  await lab?.stop();
});

describe('cluster preset', () => {
  it.each(['c1', 'c6'])('shows 3 masters, 3 replicas and 16384 slots from %s', async (entry) => {
    const { monitor } = monitorOn([lab.server(entry).address], { subscribe: false });
    try {
      const nodes = await monitor.discover();
      expect(roles(nodes)).toEqual({ master: 3, replica: 3 });
      expect(monitor.deployment().kind).toBe('cluster');
      const masters = nodes.filter((n) => n.role === 'master');
      expect(masters.reduce((sum, m) => sum + countSlots(m.cluster?.self?.slots ?? []), 0)).toBe(16384);
      for (const n of nodes) expect(n.cluster?.state).toBe('ok');
      for (const r of nodes.filter((n) => n.role === 'replica')) {
        expect(masters.map((m) => m.id)).toContain(r.masterId);
        expect(r.cluster?.self?.masterId).toBe(masters.find((m) => m.id === r.masterId)?.cluster?.self?.id);
      }
      expect(nodes.reduce((s, n) => s + (n.role === 'master' ? n.keys ?? 0 : 0), 0)).toBe(1000);
      const rows = topologyRows(Object.fromEntries(nodes.map((n) => [n.id, n])), nodes.map((n) => n.id));
      expect(rows.map((r) => r.depth)).toEqual([0, 1, 0, 1, 0, 1]);
    } finally {
      monitor.stop();
    }
  });
});

describe('a cluster master killed', () => {
  it("shows down, FAIL in its peers' view, and its replica promoted", async () => {
    const { monitor, nodes, log } = monitorOn([lab.server('c2').address], { labels: lab.labels() });
    try {
      await monitor.start();
      const victim = lab.server('c1').address;
      const replica = [...nodes.values()].find((n) => n.role === 'replica' && n.masterId === victim)!;
      expect(replica).toBeDefined();
      await lab.kill('c1');
      await until('c1 down', () => nodes.get(victim)?.status === 'down', 5000);
      await until("c1 FAIL in the cluster's view", () => nodes.get(victim)?.cluster?.peerFailing === 'fail', 20_000);
      await until('its replica promoted', () => nodes.get(replica.id)?.role === 'master', 20_000);
      expect(log.some((e) => e.kind === 'cluster' && e.node === victim && /FAIL/.test(e.message))).toBe(true);
      expect(log.some((e) => e.kind === 'role-change' && e.node === replica.id)).toBe(true);
    } finally {
      monitor.stop();
    }
  });
});
