import { describe, expect, it } from 'vitest';
import type { NodeState } from '../../src/engine/topology/types.js';
import { topologyRows } from '../../src/store/topology-rows.js';
import { detectChanges } from '../../src/engine/topology/changes.js';

const node = (id: string, extra: Partial<NodeState>): NodeState => {
  const [host, port] = id.split(':');
  return { id, host, port: Number(port), role: 'master', status: 'up', ...extra };
};

describe('topologyRows', () => {
  it('nests a replica chain under its master and puts Sentinels after the master they watch', () => {
    const nodes = [
      node('h:3', { role: 'replica', masterId: 'h:2' }),
      node('h:1', {}),
      node('h:9', { role: 'sentinel', sentinel: { masters: [{ name: 'm', host: 'h', port: 1, flags: ['master'], quorum: 2, numReplicas: 1, numOtherSentinels: 2 }] } }),
      node('h:2', { role: 'replica', masterId: 'h:1' }),
      node('h:5', {}),
    ];
    const rows = topologyRows(Object.fromEntries(nodes.map((n) => [n.id, n])), nodes.map((n) => n.id));
    expect(rows.map((r) => `${r.prefix}${r.id}`)).toEqual(['h:1', '└─ h:2', '   └─ h:3', 'h:9', 'h:5']);
  });
  it('orders cluster masters by their first slot', () => {
    const slotted = (id: string, first: number) =>
      node(id, { cluster: { self: { id, host: 'h', port: 1, flags: [], myself: true, role: 'master', pingSent: 0, pongRecv: 0, configEpoch: 1, linkState: 'connected', failing: null, slots: [[first, first + 1]], slotMigrations: [] } } });
    const nodes = [slotted('h:2', 10000), slotted('h:1', 0), node('h:4', { role: 'replica', masterId: 'h:2' })];
    const rows = topologyRows(Object.fromEntries(nodes.map((n) => [n.id, n])), nodes.map((n) => n.id));
    expect(rows.map((r) => r.id)).toEqual(['h:1', 'h:2', 'h:4']);
  });
  it('does not loop on a replication cycle', () => {
    const nodes = [node('h:1', { role: 'replica', masterId: 'h:2' }), node('h:2', { role: 'replica', masterId: 'h:1' })];
    expect(topologyRows(Object.fromEntries(nodes.map((n) => [n.id, n])), ['h:1', 'h:2'])).toHaveLength(2);
  });
});

describe('detectChanges', () => {
  it('reports a node going down and coming back, a role change, a link and a sync', () => {
    const up = node('h:1', { role: 'replica', masterId: 'h:0', linkStatus: 'up' });
    expect(detectChanges(up, { ...up, status: 'down', lastError: 'refused' }, 1)[0]).toMatchObject({ kind: 'node-down', level: 'error' });
    expect(detectChanges({ ...up, status: 'down', downSince: 0 }, up, 5000)[0].message).toMatch(/back after 5s/);
    expect(detectChanges(up, { ...up, role: 'master' }, 1)[0]).toMatchObject({ kind: 'role-change' });
    expect(detectChanges(up, { ...up, linkStatus: 'down' }, 1)[0]).toMatchObject({ kind: 'link-down' });
    expect(detectChanges(up, { ...up, syncInProgress: true }, 1)[0]).toMatchObject({ kind: 'sync-started' });
  });
});

describe('node-down messages', () => {
  it('do not repeat the address', () => {
    const up = node('127.0.0.1:7003', { role: 'replica', label: 'r2' });
    const [e] = detectChanges(up, { ...up, status: 'down', lastError: 'connection refused at 127.0.0.1:7003: is Redis running there?' }, 1);
    expect(e.message).toBe('r2 127.0.0.1:7003 is down: connection refused: is Redis running there?');
    const [t] = detectChanges(up, { ...up, status: 'down', lastError: '127.0.0.1:7003 does not speak the Redis protocol: check the port' }, 1);
    expect(t.message).toBe('r2 127.0.0.1:7003 is down: does not speak the Redis protocol: check the port');
  });
});

describe('sentinelEventText', () => {
  it('says a Sentinel event in few words', async () => {
    const { parseSentinelEvent } = await import('../../src/engine/topology/parse-sentinel.js');
    const { sentinelEventText } = await import('../../src/engine/topology/changes.js');
    expect(sentinelEventText(parseSentinelEvent('+switch-master', 'mymaster 127.0.0.1 6379 127.0.0.1 6380'))).toBe('+switch-master mymaster 127.0.0.1:6379 → 127.0.0.1:6380');
    expect(sentinelEventText(parseSentinelEvent('+sdown', 'slave 127.0.0.1:6381 127.0.0.1 6381 @ mymaster 127.0.0.1 6379'))).toBe('+sdown replica 127.0.0.1:6381 of mymaster');
    expect(sentinelEventText(parseSentinelEvent('+odown', 'master mymaster 127.0.0.1 6379 #quorum 2/2'))).toBe('+odown master 127.0.0.1:6379 (mymaster) #quorum 2/2');
    expect(sentinelEventText(parseSentinelEvent('+new-epoch', '1'))).toBe('+new-epoch 1');
  });
});
