// Node states as the engine would publish them for a small Sentinel deployment, one replica down.
import type { NodeState, TopologyEvent } from '../../src/engine/topology/types.js';

const now = Date.now();

export const NODES: NodeState[] = [
  {
    id: '127.0.0.1:7001', host: '127.0.0.1', port: 7001, role: 'master', status: 'up', label: 'master', offset: 5000, offsetRate: 120, keys: 1000,
    server: { redisVersion: '7.0.15', redisMode: 'standalone', uptimeSeconds: 60, connectedClients: 5 },
    replication: { role: 'master', connectedReplicas: 1, replicas: [{ host: '127.0.0.1', port: 7002, state: 'online', offset: 5000, lag: 0 }], masterReplOffset: 5000, masterReplId: 'abc' },
  },
  {
    id: '127.0.0.1:7002', host: '127.0.0.1', port: 7002, role: 'replica', status: 'up', label: 'r1', masterId: '127.0.0.1:7001', linkStatus: 'up', offset: 4900, lagBytes: 100, lagSeconds: 0.4, keys: 1000,
    replication: { role: 'replica', connectedReplicas: 1, replicas: [], masterReplOffset: 4900, masterHost: '127.0.0.1', masterPort: 7001, linkStatus: 'up', replicaOffset: 4900, lastIoSecondsAgo: 0 },
  },
  {
    id: '127.0.0.1:7003', host: '127.0.0.1', port: 7003, role: 'replica', status: 'down', label: 'r2', masterId: '127.0.0.1:7002', downSince: now - 4000, server: { redisVersion: '7.0.15' }, lastError: 'connection refused at 127.0.0.1:7003: is Redis running there?',
  },
  {
    id: '127.0.0.1:7010', host: '127.0.0.1', port: 7010, role: 'sentinel', status: 'up', label: 's1',
    sentinel: { masters: [{ name: 'mymaster', host: '127.0.0.1', port: 7001, flags: ['master'], quorum: 2, numReplicas: 1, numOtherSentinels: 2 }] },
  },
];

export function fixtureEvents(): TopologyEvent[] {
  return [
    { type: 'deployment', info: { kind: 'sentinel', entry: ['redis://127.0.0.1:7001'], redisVersion: '7.0.15', intervalMs: 1000 } },
    ...NODES.map((node) => ({ type: 'node' as const, node })),
    { type: 'log', entry: { at: now, level: 'error', kind: 'node-down', node: '127.0.0.1:7003', message: 'r2 127.0.0.1:7003 is down: connection refused' } },
    { type: 'poll', at: now, durationMs: 3 },
  ];
}
