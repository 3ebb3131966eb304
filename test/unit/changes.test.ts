import { describe, expect, it } from 'vitest';
import { detectChanges } from '../../src/engine/topology/changes.js';
import type { NodeState, ReplicaEntry } from '../../src/engine/topology/types.js';

const at = 1_700_000_000_000;

function master(syncFull: number, replicas: ReplicaEntry[]): NodeState {
  const streams = replicas.filter((r) => r.port === 0).map((r) => ({ host: r.host, state: r.state, offset: r.offset, lagBytes: 0 }));
  return {
    id: '127.0.0.1:7001', host: '127.0.0.1', port: 7001, role: 'master', status: 'up', label: 'master', offset: 100,
    server: { syncFull },
    replication: { role: 'master', connectedReplicas: replicas.length, replicas, masterReplOffset: 100 },
    ...(streams.length ? { streams } : {}),
  };
}
const r1 = (state = 'online'): ReplicaEntry => ({ host: '127.0.0.1', port: 7002, state, offset: 100, lag: 0 });
const stream = (state = 'online'): ReplicaEntry => ({ host: '127.0.0.1', port: 0, state, offset: 100, lag: 0 });
const served = (prev: NodeState, next: NodeState) => detectChanges(prev, next, at).find((e) => e.message.includes('served'))?.message;

describe('a full sync a master served', () => {
  it('to cutover\'s live stream (listening port 0, cutover-psync), not "a replica"', () => {
    expect(served(master(1, [r1()]), master(2, [r1(), stream('wait_bgsave')]))).toBe("master 127.0.0.1:7001 served a full sync to cutover's live stream");
    // the stream already online by the next poll: it is new
    expect(served(master(1, [r1()]), master(2, [r1(), stream()]))).toBe("master 127.0.0.1:7001 served a full sync to cutover's live stream");
    // a master with no replica of its own, its stream reconnected between two polls
    expect(served(master(1, [stream()]), master(2, [stream()]))).toBe("master 127.0.0.1:7001 served a full sync to cutover's live stream");
  });

  it('to a replica, as before', () => {
    expect(served(master(1, []), master(2, [r1('send_bulk')]))).toBe('master 127.0.0.1:7001 served a full sync to a replica');
    expect(served(master(1, [stream()]), master(2, [stream(), r1()]))).toBe('master 127.0.0.1:7001 served a full sync to a replica');
    expect(served(master(1, [r1()]), master(2, [r1()]))).toBe('master 127.0.0.1:7001 served a full sync to a replica');
    expect(served(master(1, []), master(3, [r1(), { ...r1(), port: 7003 }]))).toBe('master 127.0.0.1:7001 served 2 full syncs to replicas');
  });

  it('both at once', () => {
    expect(served(master(1, []), master(3, [r1('wait_bgsave'), stream('wait_bgsave')]))).toBe("master 127.0.0.1:7001 served 2 full syncs to replicas and cutover's live stream");
  });

  it('says nothing when none was served', () => {
    expect(served(master(2, [r1()]), master(2, [r1(), stream()]))).toBeUndefined();
  });
});
