// Fixtures in test/fixtures/sentinel-*.json were captured from real Redis 7.0.15 Sentinels (127.0.0.1:27200-27203,
// watching `mymaster` on 27100 with replicas 27101 and 27102) through ioredis `call('SENTINEL', …)`, so they are
// exactly the array shapes the probe gets: SENTINEL MASTERS / REPLICAS / SLAVES / SENTINELS, SENTINEL MASTER
// mymaster (one flat array), SENTINEL MASTERS during a failover and just after a forced one.
// sentinel-events-*.json are the [channel, message] pairs a PSUBSCRIBE * on a Sentinel received while a replica
// was stopped and restarted and then SENTINEL FAILOVER ran (forced-failover), and while the master was killed
// (master-killed). sentinel-hello.json is what SUBSCRIBE __sentinel__:hello on the master received.
// The +convert-to-slave message below is copied from a real Sentinel's log of the same run (another Sentinel
// published it); the other inline messages are hand-written.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pairsToRecord, parseSentinelEvent, parseSentinelHello, parseSentinelMasters, parseSentinelPeers } from '../../src/engine/topology/parse-sentinel.js';

const json = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
const events = (name: string) => json(name) as Array<[string, string]>;

describe('pairsToRecord', () => {
  it('pairs keys with values and ignores a dangling key', () => {
    expect(pairsToRecord(['name', 'mymaster', 'port', '6379', 'odd'])).toEqual({ name: 'mymaster', port: '6379' });
    expect(pairsToRecord([])).toEqual({});
  });
});

describe('parseSentinelMasters', () => {
  it('reads real SENTINEL MASTERS', () => {
    expect(parseSentinelMasters(json('sentinel-masters.json'))).toEqual([
      {
        name: 'mymaster',
        host: '127.0.0.1',
        port: 27100,
        flags: ['master'],
        quorum: 2,
        numReplicas: 1,
        numOtherSentinels: 2,
        failoverTimeout: 10000,
        downAfterMs: 2000,
        configEpoch: 0,
      },
    ]);
  });

  it('reads real SENTINEL MASTER <name> (one flat array) the same way', () => {
    const [one] = parseSentinelMasters(json('sentinel-master.json'));
    expect(one).toEqual(parseSentinelMasters(json('sentinel-masters.json'))[0]);
  });

  it('reads a master during a failover: down flags and failover-state', () => {
    const [m] = parseSentinelMasters(json('sentinel-masters-failover.json'));
    expect(m).toMatchObject({
      port: 27101,
      flags: ['s_down', 'o_down', 'master', 'disconnected', 'failover_in_progress'],
      failoverState: 'wait_promotion',
      numReplicas: 2,
      numOtherSentinels: 3,
      configEpoch: 1,
    });
  });

  it('reads the new master right after a forced failover', () => {
    const [m] = parseSentinelMasters(json('sentinel-masters-after-switch.json'));
    expect(m).toMatchObject({ port: 27101, flags: ['master', 'disconnected'], configEpoch: 1 });
    expect(m.failoverState).toBeUndefined();
  });

  it('reads the replica wording, maps, and gives [] for junk', () => {
    const reply = [['name', 'm', 'ip', '10.0.0.1', 'port', '6379', 'flags', 'master', 'quorum', '2', 'num-replicas', '3', 'num-other-sentinels', '2']];
    expect(parseSentinelMasters(reply)[0]).toEqual({ name: 'm', host: '10.0.0.1', port: 6379, flags: ['master'], quorum: 2, numReplicas: 3, numOtherSentinels: 2 });
    expect(parseSentinelMasters([new Map([['name', 'm'], ['ip', '10.0.0.1'], ['port', '6379']])])[0]).toMatchObject({ name: 'm', port: 6379 });
    expect(parseSentinelMasters(null)).toEqual([]);
    expect(parseSentinelMasters('OK')).toEqual([]);
    expect(parseSentinelMasters([])).toEqual([]);
    expect(parseSentinelMasters([['name', 'no-address']])).toEqual([]);
  });
});

describe('parseSentinelPeers', () => {
  it('reads real SENTINEL REPLICAS', () => {
    expect(parseSentinelPeers(json('sentinel-replicas.json'))).toEqual([
      {
        name: '127.0.0.1:27101',
        host: '127.0.0.1',
        port: 27101,
        runId: '37a76ce4b3a9765fc971b87cfc4fab71b3bab281',
        flags: ['slave'],
        masterLinkStatus: 'ok',
        replicaPriority: 100,
        replOffset: 5060,
        lastOkPingReplyMs: 340,
      },
    ]);
  });

  it('reads SENTINEL SLAVES the same as SENTINEL REPLICAS', () => {
    // captured a moment apart, so only the ping timing differs
    const strip = ({ lastOkPingReplyMs: _, ...rest }: { lastOkPingReplyMs?: number }) => rest;
    expect(parseSentinelPeers(json('sentinel-slaves.json')).map(strip)).toEqual(parseSentinelPeers(json('sentinel-replicas.json')).map(strip));
  });

  it('reads two replicas after a failover', () => {
    expect(parseSentinelPeers(json('sentinel-replicas-after-failover.json')).map((p) => [p.port, p.replOffset])).toEqual([
      [27101, 32790],
      [27102, 32254],
    ]);
  });

  it('reads real SENTINEL SENTINELS (no replica fields)', () => {
    const peers = parseSentinelPeers(json('sentinel-sentinels.json'));
    expect(peers.map((p) => p.port)).toEqual([27202, 27201]);
    expect(peers[0]).toEqual({
      name: 'ec830611900fb18c8bc7bb4fc3d87f3fec11ae19',
      host: '127.0.0.1',
      port: 27202,
      runId: 'ec830611900fb18c8bc7bb4fc3d87f3fec11ae19',
      flags: ['sentinel'],
      lastOkPingReplyMs: 629,
    });
  });

  it('reads the replica wording, and drops an empty runid', () => {
    const [p] = parseSentinelPeers([['name', '10.0.0.2:6379', 'ip', '10.0.0.2', 'port', '6379', 'runid', '', 'flags', 's_down,slave,disconnected', 'replica-priority', '0', 'replica-repl-offset', '42', 'master-link-status', 'err']]);
    expect(p).toEqual({ name: '10.0.0.2:6379', host: '10.0.0.2', port: 6379, flags: ['s_down', 'slave', 'disconnected'], replicaPriority: 0, replOffset: 42, masterLinkStatus: 'err' });
  });
});

describe('parseSentinelEvent on real messages', () => {
  it('reads every event of a forced failover', () => {
    const parsed = events('sentinel-events-forced-failover.json').map(([c, m]) => parseSentinelEvent(c, m));
    for (const e of parsed) expect(e.text.length).toBeGreaterThan(0);
    const find = (kind: string) => parsed.find((e) => e.kind === kind)!;
    expect(find('+sdown')).toEqual({
      kind: '+sdown',
      text: 'slave 127.0.0.1:27101 127.0.0.1 27101 @ mymaster 127.0.0.1 27100',
      master: 'mymaster',
      host: '127.0.0.1',
      port: 27101,
      instanceType: 'slave',
      instanceName: '127.0.0.1:27101',
    });
    expect(find('+switch-master')).toEqual({
      kind: '+switch-master',
      text: 'mymaster 127.0.0.1 27100 127.0.0.1 27101',
      master: 'mymaster',
      host: '127.0.0.1',
      port: 27100,
      toHost: '127.0.0.1',
      toPort: 27101,
    });
    expect(find('+new-epoch')).toEqual({ kind: '+new-epoch', text: '1' });
    expect(find('+vote-for-leader')).toEqual({ kind: '+vote-for-leader', text: '13c5371728c32945e7dcb7e8b30b8a68890744a7 1' });
    expect(find('+try-failover')).toMatchObject({ master: 'mymaster', host: '127.0.0.1', port: 27100, instanceType: 'master', instanceName: 'mymaster' });
    expect(find('+elected-leader')).toMatchObject({ master: 'mymaster', port: 27100 });
    expect(find('+selected-slave')).toMatchObject({ master: 'mymaster', port: 27101, instanceType: 'slave' });
    expect(find('+promoted-slave')).toMatchObject({ master: 'mymaster', port: 27101 });
    expect(find('+failover-state-wait-promotion')).toMatchObject({ master: 'mymaster', port: 27101 });
    expect(find('+failover-end')).toMatchObject({ master: 'mymaster', port: 27100 });
    expect(find('-role-change')).toMatchObject({ master: 'mymaster', port: 27101, text: expect.stringContaining('new reported role is master') });
    // after the switch, instance details name the new master
    expect(parsed.filter((e) => e.kind === '+slave').map((e) => [e.port, e.master])).toEqual([
      [27100, 'mymaster'],
      [27102, 'mymaster'],
    ]);
  });

  it('reads the events of a killed master: +odown carries #quorum after the address', () => {
    const parsed = events('sentinel-events-master-killed.json').map(([c, m]) => parseSentinelEvent(c, m));
    const find = (kind: string) => parsed.find((e) => e.kind === kind)!;
    expect(find('+odown')).toEqual({
      kind: '+odown',
      text: 'master mymaster 127.0.0.1 27101 #quorum 2/2',
      master: 'mymaster',
      host: '127.0.0.1',
      port: 27101,
      instanceType: 'master',
      instanceName: 'mymaster',
    });
    expect(find('+sentinel')).toMatchObject({ master: 'mymaster', host: '127.0.0.1', port: 27203, instanceType: 'sentinel', instanceName: 'acd73891b66becdb52b57c1f9847cef50bdc37bd' });
    expect(find('+slave-reconf-done')).toMatchObject({ master: 'mymaster', port: 27102 });
    expect(find('-odown')).toMatchObject({ master: 'mymaster', port: 27101 });
    expect(find('+switch-master')).toMatchObject({ port: 27101, toPort: 27100 });
  });

  it('reads +convert-to-slave (from a real Sentinel log) and hand-written +replica / +tilt', () => {
    expect(parseSentinelEvent('+convert-to-slave', 'slave 127.0.0.1:27101 127.0.0.1 27101 @ mymaster 127.0.0.1 27100')).toMatchObject({ master: 'mymaster', host: '127.0.0.1', port: 27101 });
    expect(parseSentinelEvent('+replica', 'replica 10.0.0.5:6379 10.0.0.5 6379 @ cache 10.0.0.4 6379')).toMatchObject({ master: 'cache', host: '10.0.0.5', port: 6379, instanceType: 'replica' });
    expect(parseSentinelEvent('+tilt', '#tilt mode entered')).toEqual({ kind: '+tilt', text: '#tilt mode entered' });
    expect(parseSentinelEvent('+switch-master', 'short')).toEqual({ kind: '+switch-master', text: 'short' });
  });
});

describe('parseSentinelHello', () => {
  it('reads real hello payloads', () => {
    const hellos = events('sentinel-hello.json').map(([, m]) => parseSentinelHello(m));
    expect(hellos.map((h) => h?.port)).toEqual([27200, 27201, 27202]);
    expect(hellos[1]).toEqual({
      ip: '127.0.0.1',
      port: 27201,
      runId: '317de0aed190389043eb4d352b540810d440f7ac',
      currentEpoch: 0,
      masterName: 'mymaster',
      masterIp: '127.0.0.1',
      masterPort: 27100,
      masterConfigEpoch: 0,
    });
  });

  it('gives null for anything else', () => {
    expect(parseSentinelHello('')).toBeNull();
    expect(parseSentinelHello('a,b,c')).toBeNull();
    expect(parseSentinelHello('127.0.0.1,notaport,x,0,m,127.0.0.1,6379,0')).toBeNull();
  });

  it('is also what parseSentinelEvent makes of the hello channel', () => {
    const [[channel, message]] = events('sentinel-hello.json');
    expect(parseSentinelEvent(channel, message)).toMatchObject({ kind: '__sentinel__:hello', master: 'mymaster', host: '127.0.0.1', port: 27200 });
  });
});
