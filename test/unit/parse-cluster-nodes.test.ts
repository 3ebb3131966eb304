// Fixtures in test/fixtures/cluster-*.txt are CLUSTER NODES / CLUSTER INFO replies captured (through ioredis)
// from a real Redis 7.0.15 cluster of six nodes on 127.0.0.1:27300-27305 made by `redis-cli --cluster create
// … --cluster-replicas 1`: as made, seen from a master and a replica; with slots 93 and 5000 set migrating
// (and 93 importing on the other side); with cluster-announce-hostname set on 27302/27304; after killing
// the master 27302 (fail), after its replica took over; a replica in pfail (`fail?`); and a node in handshake
// after CLUSTER MEET to a port nothing listens on. CLUSTER NODES lines end in \n, CLUSTER INFO lines in \r\n.
// Only the `noaddr` and pre-4.0 lines below are hand-written.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countSlots, parseClusterInfo, parseClusterNodes, parseSlotMigration } from '../../src/engine/topology/parse-cluster-nodes.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const byPort = (text: string) => new Map(parseClusterNodes(text).map((e) => [e.port, e]));

const ID = {
  a: '9cf45c7a566185f6a3976c56779f8caec02f2119', // 27300
  b: '1b4d6e881f5596299b6dd13a1158dbb92ec675f1', // 27301
  c: 'a45abc77ac48883b571281b5df493be165f7e31e', // 27302
  cr: '6e2d73816a9c3add4085662fd83198953732d623', // 27304
};

describe('parseClusterNodes on a real 7.0 cluster', () => {
  it('reads every line of a healthy cluster seen from a master', () => {
    const entries = parseClusterNodes(fixture('cluster-nodes.txt'));
    expect(entries).toHaveLength(6);
    const self = entries.find((e) => e.myself)!;
    expect(self).toEqual({
      id: ID.a,
      host: '127.0.0.1',
      port: 27300,
      busPort: 37300,
      flags: ['myself', 'master'],
      myself: true,
      role: 'master',
      pingSent: 0,
      pongRecv: 1795305202000,
      configEpoch: 1,
      linkState: 'connected',
      failing: null,
      slots: [[0, 5460]],
      slotMigrations: [],
    });
    const replica = entries.find((e) => e.port === 27303)!;
    expect(replica).toMatchObject({ role: 'replica', masterId: ID.b, flags: ['slave'], myself: false, slots: [], configEpoch: 2 });
    expect(entries.filter((e) => e.role === 'master').map((e) => countSlots(e.slots))).toEqual([5462, 5461, 5461]);
    expect(entries.reduce((n, e) => n + countSlots(e.slots), 0)).toBe(16384);
  });

  it('marks myself on a replica', () => {
    const self = parseClusterNodes(fixture('cluster-nodes-replica.txt')).find((e) => e.myself)!;
    expect(self).toMatchObject({ port: 27303, flags: ['myself', 'slave'], role: 'replica', masterId: ID.b });
  });

  it('keeps migrating and importing markers as text, apart from the slots', () => {
    const migrating = byPort(fixture('cluster-nodes-migrating.txt')).get(27300)!;
    expect(migrating.slots).toEqual([[0, 5460]]);
    expect(migrating.slotMigrations).toEqual([`[93->-${ID.b}]`, `[5000->-${ID.b}]`]);
    expect(parseSlotMigration(migrating.slotMigrations[0])).toEqual({ slot: 93, state: 'migrating', nodeId: ID.b });
    const importing = byPort(fixture('cluster-nodes-importing.txt')).get(27301)!;
    expect(importing.slots).toEqual([[5461, 10922]]);
    expect(importing.slotMigrations).toEqual([`[93-<-${ID.a}]`]);
    expect(parseSlotMigration(importing.slotMigrations[0])).toEqual({ slot: 93, state: 'importing', nodeId: ID.a });
    expect(parseSlotMigration('5461-10922')).toBeUndefined();
  });

  it('reads the hostname after the bus port', () => {
    const nodes = byPort(fixture('cluster-nodes-hostnames.txt'));
    expect(nodes.get(27302)).toMatchObject({ host: '127.0.0.1', port: 27302, busPort: 37302, hostname: 'redis-c.lab.internal' });
    expect(nodes.get(27304)!.hostname).toBe('redis-c-replica.lab.internal');
    expect(nodes.get(27300)!.hostname).toBeUndefined();
  });

  it('reads a failed master (flags master,fail; link disconnected)', () => {
    const c = byPort(fixture('cluster-nodes-fail.txt')).get(27302)!;
    expect(c).toMatchObject({ id: ID.c, flags: ['master', 'fail'], role: 'master', failing: 'fail', linkState: 'disconnected', pingSent: 1795305212588, slots: [[10923, 16383]] });
    expect(parseClusterInfo(fixture('cluster-info-fail.txt'))).toMatchObject({ cluster_state: 'fail', cluster_slots_fail: '5461', cluster_slots_ok: '10923' });
  });

  it('reads the cluster after the replica took over: the failed master keeps no slots', () => {
    const nodes = byPort(fixture('cluster-nodes-after-failover.txt'));
    expect(nodes.get(27302)).toMatchObject({ role: 'master', failing: 'fail', slots: [] });
    expect(nodes.get(27304)).toMatchObject({ role: 'master', failing: null, configEpoch: 7, slots: [[10923, 16383]] });
    expect(nodes.get(27304)!.masterId).toBeUndefined();
    expect(parseClusterInfo(fixture('cluster-info-after-failover.txt')).cluster_state).toBe('ok');
  });

  it('reads pfail (`fail?`)', () => {
    const r = byPort(fixture('cluster-nodes-pfail.txt')).get(27305)!;
    expect(r).toMatchObject({ flags: ['slave', 'fail?'], role: 'replica', failing: 'pfail', linkState: 'disconnected', masterId: ID.a });
  });

  it('reads a node in handshake: no role, no master, zeros', () => {
    const h = parseClusterNodes(fixture('cluster-nodes-handshake.txt'))[0];
    expect(h).toMatchObject({ port: 27399, flags: ['handshake'], role: 'unknown', pingSent: 0, pongRecv: 0, configEpoch: 0, linkState: 'disconnected', failing: null });
    expect(h.masterId).toBeUndefined();
  });
});

describe('parseClusterNodes, hand-written lines', () => {
  it('reads noaddr, noflags, the pre-4.0 address without a bus port, IPv6 and a trailing blank line', () => {
    const text = [
      'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca :0@0 master,fail,noaddr - 1 1 1 disconnected',
      '67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002 replica 292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 0 1426238316232 2 connected',
      '292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f ::1:30001@40001,,shard-id=0d6b2b6a noflags - 0 0 0 connected 0 2-3',
      '',
    ].join('\n');
    const [noaddr, old, v6] = parseClusterNodes(text);
    expect(noaddr).toMatchObject({ host: '', port: 0, busPort: 0, flags: ['master', 'fail', 'noaddr'], failing: 'fail' });
    expect(old).toMatchObject({ host: '127.0.0.1', port: 30002, role: 'replica' });
    expect(old.busPort).toBeUndefined();
    expect(v6).toMatchObject({ host: '::1', port: 30001, busPort: 40001, flags: [], role: 'unknown', slots: [[0, 0], [2, 3]] });
    expect(v6.hostname).toBeUndefined();
  });

  it('gives [] for empty text', () => {
    expect(parseClusterNodes('')).toEqual([]);
  });
});

describe('parseClusterInfo', () => {
  it('reads the real CLUSTER INFO', () => {
    const info = parseClusterInfo(fixture('cluster-info.txt'));
    expect(info).toMatchObject({ cluster_state: 'ok', cluster_slots_assigned: '16384', cluster_known_nodes: '6', cluster_size: '3', cluster_current_epoch: '6', cluster_my_epoch: '1' });
    expect(Object.values(info).some((v) => v.includes('\r'))).toBe(false);
  });
});

describe('countSlots', () => {
  it('counts inclusive ranges', () => {
    expect(countSlots([])).toBe(0);
    expect(countSlots([[0, 0]])).toBe(1);
    expect(countSlots([[0, 5460], [10923, 16383]])).toBe(10922);
  });
});
