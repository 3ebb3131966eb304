// Fixtures in test/fixtures/info-*.txt are INFO replies captured (through ioredis, so with Redis's \r\n
// line ends) from real Redis 7.0.15 servers on 127.0.0.1: a master (27100) with a replica (27101) and a
// chained replica (27102) watched by Sentinels (27200…), a replica mid full-sync, loading, and with its
// link down, a master sending the bulk, and a cluster master (27300).
// Two are NOT captures: info-replica-wording.txt is info-replica.txt with the Replication section's
// slave wording hand-edited to the `replica` wording (role:replica, replica0:, replica_repl_offset, …),
// and info-redis26-*.txt are hand-written in the Redis 2.6 format (`slave0:127.0.0.1,6380,online`).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseInfo, parseInfoSections, parseReplication, parseServerFacts } from '../../src/engine/topology/parse-info.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('parseInfoSections', () => {
  it('splits a real INFO reply into lowercase sections, \\r\\n and all', () => {
    const s = parseInfoSections(fixture('info-master.txt'));
    expect(Object.keys(s)).toEqual(['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace']);
    expect(s.server.redis_version).toBe('7.0.15');
    expect(s.replication.role).toBe('master');
    expect(s.modules).toEqual({});
    // values keep everything after the first colon
    expect(s.server.os).toMatch(/^Linux /);
    expect(Object.values(s.server).some((v) => v.endsWith('\r'))).toBe(false);
  });

  it('puts lines before any header under the empty section name', () => {
    expect(parseInfoSections('role:master\nconnected_slaves:0\n# Keyspace\ndb0:keys=1,expires=0,avg_ttl=0\n')).toEqual({
      '': { role: 'master', connected_slaves: '0' },
      keyspace: { db0: 'keys=1,expires=0,avg_ttl=0' },
    });
  });

  it('handles empty text', () => {
    expect(parseInfoSections('')).toEqual({});
  });
});

describe('parseReplication on real Redis 7.0 output', () => {
  it('reads a master and its replica line', () => {
    const r = parseInfo(fixture('info-master.txt')).replication;
    expect(r).toEqual({
      role: 'master',
      connectedReplicas: 1,
      replicas: [{ host: '127.0.0.1', port: 27101, state: 'online', offset: 5060, lag: 1 }],
      masterReplId: 'ac9bccde23ae74986cc0b4c7a13395a7ed701117',
      masterReplOffset: 5462,
    });
  });

  it('reads a replica that itself has a replica (role:slave)', () => {
    const r = parseInfo(fixture('info-replica.txt')).replication!;
    expect(r.role).toBe('replica');
    expect(r.masterHost).toBe('127.0.0.1');
    expect(r.masterPort).toBe(27100);
    expect(r.linkStatus).toBe('up');
    expect(r.syncInProgress).toBe(false);
    expect(r.replicaOffset).toBe(5462);
    expect(r.replicaPriority).toBe(100);
    expect(r.replicaReadOnly).toBe(true);
    expect(r.connectedReplicas).toBe(1);
    expect(r.replicas).toEqual([{ host: '127.0.0.1', port: 27102, state: 'online', offset: 5060, lag: 1 }]);
    expect(r.linkDownSinceSeconds).toBeUndefined();
  });

  it('reads the chained replica', () => {
    const r = parseInfo(fixture('info-chained-replica.txt')).replication!;
    expect(r).toMatchObject({ role: 'replica', masterPort: 27101, linkStatus: 'up', lastIoSecondsAgo: 0, connectedReplicas: 0, replicas: [] });
  });

  it('reads a replica waiting for its master\'s BGSAVE: link down, sync in progress, -1 kept as sent', () => {
    const r = parseInfo(fixture('info-replica-syncing.txt')).replication!;
    expect(r).toMatchObject({ role: 'replica', linkStatus: 'down', syncInProgress: true, lastIoSecondsAgo: -1, linkDownSinceSeconds: -1, replicaOffset: 1, masterReplOffset: 0 });
  });

  it('reads a replica receiving the RDB', () => {
    const info = parseInfo(fixture('info-replica-syncing-transfer.txt'));
    expect(info.replication).toMatchObject({ linkStatus: 'down', syncInProgress: true });
    expect(info.sections.replication.master_sync_perc).toBe('1.68');
  });

  it('reads a replica loading the RDB it received', () => {
    const info = parseInfo(fixture('info-replica-loading.txt'));
    expect(info.server.loading).toBe(true);
    expect(info.replication).toMatchObject({ linkStatus: 'down', syncInProgress: true });
    expect(info.server.keys).toBe(83024);
  });

  it('reads a replica whose master went away', () => {
    const info = parseInfo(fixture('info-replica-link-down.txt'));
    expect(info.replication).toMatchObject({ linkStatus: 'down', syncInProgress: false, linkDownSinceSeconds: 5, lastIoSecondsAgo: -1, replicaOffset: 357289230 });
    expect(info.server.rdbBgsaveInProgress).toBe(true);
  });

  it('reads every replica state of a master sending a full sync', () => {
    const r = parseInfo(fixture('info-master-send-bulk.txt')).replication!;
    expect(r.connectedReplicas).toBe(3);
    expect(r.replicas.map((x) => `${x.port}:${x.state}`)).toEqual(['27111:online', '27112:online', '27113:send_bulk']);
    expect(r.masterReplOffset).toBe(357289151);
  });
});

describe('parseReplication, other wordings', () => {
  it('reads the `replica` wording like the `slave` wording (hand-derived fixture)', () => {
    const slave = parseInfo(fixture('info-replica.txt')).replication;
    const replica = parseInfo(fixture('info-replica-wording.txt')).replication;
    expect(replica).toEqual(slave);
  });

  it('reads the Redis 2.6 comma form (hand-written fixture)', () => {
    const info = parseInfo(fixture('info-redis26-master.txt'));
    expect(info.replication).toEqual({
      role: 'master',
      connectedReplicas: 2,
      replicas: [
        { host: '127.0.0.1', port: 6380, state: 'online', offset: 0, lag: 0 },
        { host: '10.0.0.12', port: 6379, state: 'wait_bgsave', offset: 0, lag: 0 },
      ],
      masterReplOffset: 0,
    });
    expect(info.server).toMatchObject({ redisVersion: '2.6.17', keys: 15, keyspace: { 0: { keys: 12, expires: 2 }, 1: { keys: 3, expires: 0 } } });
    const replica = parseInfo(fixture('info-redis26-replica.txt')).replication!;
    expect(replica).toMatchObject({ role: 'replica', masterHost: '127.0.0.1', masterPort: 6379, linkStatus: 'up', lastIoSecondsAgo: 4, replicaPriority: 100, replicaReadOnly: true });
    expect(replica.replicaOffset).toBeUndefined();
  });

  it('orders replicas by index, not by line order, and skips lines it cannot read', () => {
    const r = parseReplication({ role: 'master', replica1: 'ip=10.0.0.2,port=6379,state=online,offset=5,lag=0', replica0: 'ip=10.0.0.1,port=6379,state=online,offset=7,lag=2', slave2: 'garbage' });
    expect(r.replicas.map((x) => x.host)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(r.connectedReplicas).toBe(2);
  });

  it('reads an IPv6 replica', () => {
    const r = parseReplication({ role: 'master', connected_slaves: '1', slave0: 'ip=::1,port=6380,state=online,offset=10,lag=0' });
    expect(r.replicas[0]).toEqual({ host: '::1', port: 6380, state: 'online', offset: 10, lag: 0 });
  });
});

describe('parseServerFacts', () => {
  it('reads the facts of a real master', () => {
    expect(parseServerFacts(parseInfoSections(fixture('info-master.txt')))).toEqual({
      redisVersion: '7.0.15',
      redisMode: 'standalone',
      runId: '1fa932737c20809180bb5528643e08a30206cc9d',
      uptimeSeconds: 27,
      tcpPort: 27100,
      connectedClients: 7,
      usedMemory: 1320376,
      usedMemoryHuman: '1.26M',
      maxmemory: 0,
      clusterEnabled: false,
      keys: 3,
      keyspace: { 0: { keys: 2, expires: 1 }, 3: { keys: 1, expires: 0 } },
      rdbBgsaveInProgress: false,
      loading: false,
      syncFull: 1,
    });
  });

  it('reads a cluster node with an empty keyspace as 0 keys', () => {
    const s = parseInfo(fixture('info-cluster-master.txt')).server;
    expect(s).toMatchObject({ redisMode: 'cluster', clusterEnabled: true, keys: 0, keyspace: {} });
  });

  it('leaves missing fields undefined', () => {
    expect(parseServerFacts(parseInfoSections('# Server\r\nredis_version:7.0.15\r\n'))).toEqual({ redisVersion: '7.0.15' });
  });
});

describe('parseInfo on a real Sentinel', () => {
  it('has no replication section, memory or keyspace', () => {
    const info = parseInfo(fixture('info-sentinel.txt'));
    expect(info.replication).toBeUndefined();
    expect('replication' in info).toBe(false);
    expect(info.server).toEqual({
      redisVersion: '7.0.15',
      redisMode: 'sentinel',
      runId: '09ad429c41b3cc846cfdd2ac4573b01d172db2f6',
      uptimeSeconds: 27,
      tcpPort: 27200,
      connectedClients: 3,
      syncFull: 0,
    });
    expect(info.sections.sentinel.master0).toBe('name=mymaster,status=ok,address=127.0.0.1:27100,slaves=1,sentinels=3');
  });

  it('shows odown in the sentinel section during a failover', () => {
    const info = parseInfo(fixture('info-sentinel-failover.txt'));
    expect(info.sections.sentinel.master0).toContain('status=odown');
    expect(info.replication).toBeUndefined();
  });
});
