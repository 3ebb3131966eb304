// The console's failover and drill, from the nodes on screen: the replica → master walk (once, for both), a node as
// an endpoint with the credentials of its kind, the failover request the wizard prepares, where a drill writes.
import { describe, expect, it } from 'vitest';
import { drillConnectionFor, endpointOf, failoverRequestFor, masterOf, type Nodes, type Reach } from '../../src/console/deployment.js';
import { DEFAULT_CONNECT } from '../../src/engine/redis/connect.js';
import type { NodeState } from '../../src/engine/topology/types.js';
import { NODES } from '../ui/fixtures.js';

const reach: Reach = { tls: false, dataAuth: { username: 'app', password: 'data-pw' }, sentinelAuth: { password: 'sentinel-pw' } };
const conn = DEFAULT_CONNECT;
const byId = (list: NodeState[]): Nodes => Object.fromEntries(list.map((n) => [n.id, n]));
/** master 7001 → r1 7002 → r2 7003 (down), a Sentinel 7010 watching 7001 as 'mymaster' */
const sentinel = byId(NODES);
const plain = byId(NODES.filter((n) => n.role !== 'sentinel'));

describe('masterOf', () => {
  it('walks a chain of replicas up to its master', () => {
    expect(masterOf(sentinel, sentinel['127.0.0.1:7003']).id).toBe('127.0.0.1:7001');
    expect(masterOf(sentinel, sentinel['127.0.0.1:7001']).id).toBe('127.0.0.1:7001');
  });
  it('stops at a replica whose master is not on screen, and at a loop', () => {
    const orphan = { ...sentinel['127.0.0.1:7002'], masterId: '10.0.0.9:6379' };
    expect(masterOf({ ...sentinel, [orphan.id]: orphan }, orphan).id).toBe(orphan.id);
    const a: NodeState = { ...sentinel['127.0.0.1:7002'], id: 'a:1', masterId: 'b:1' };
    const b: NodeState = { ...sentinel['127.0.0.1:7002'], id: 'b:1', masterId: 'a:1' };
    expect(['a:1', 'b:1']).toContain(masterOf({ 'a:1': a, 'b:1': b }, a).id);
  });
});

describe('endpointOf', () => {
  it("a data node with the data nodes' credentials, a Sentinel with the Sentinels'", () => {
    expect(endpointOf(sentinel['127.0.0.1:7002'], { ...reach, tls: true })).toEqual({ host: '127.0.0.1', port: 7002, tls: true, db: 0, username: 'app', password: 'data-pw' });
    expect(endpointOf(sentinel['127.0.0.1:7010'], reach)).toEqual({ host: '127.0.0.1', port: 7010, tls: false, db: 0, username: undefined, password: 'sentinel-pw' });
  });
});

describe('failoverRequestFor', () => {
  it('a replica selected: planned, entered through its master, the replica promoted, the watching Sentinels named', () => {
    const req = failoverRequestFor(sentinel, '127.0.0.1:7003', reach, conn)!;
    expect(req.unplanned).toBe(false);
    expect(req.entries.map((e) => e.port)).toEqual([7001]);
    expect(req.to?.port).toBe(7003);
    expect(req.masterName).toBe('mymaster');
    expect(req.sentinels).toEqual([{ host: '127.0.0.1', port: 7010, tls: false, db: 0, username: undefined, password: 'sentinel-pw' }]);
    expect(req.entries[0].password).toBe('data-pw');
  });
  it('the master selected: no replica named (the best candidate), no Sentinels when none watches it', () => {
    const req = failoverRequestFor(plain, '127.0.0.1:7001', reach, conn)!;
    expect(req.to).toBeUndefined();
    expect(req.sentinels).toEqual([]);
    expect(req.masterName).toBeUndefined();
  });
  it('the master down: unplanned, entered through its replicas that are up', () => {
    const down = { ...plain, '127.0.0.1:7001': { ...plain['127.0.0.1:7001'], status: 'down' as const } };
    const req = failoverRequestFor(down, '127.0.0.1:7001', reach, conn)!;
    expect(req.unplanned).toBe(true);
    expect(req.entries.map((e) => e.port)).toEqual([7002]);
  });
  it('nothing for a Sentinel or a node not on screen', () => {
    expect(failoverRequestFor(sentinel, '127.0.0.1:7010', reach, conn)).toBeUndefined();
    expect(failoverRequestFor(sentinel, 'nowhere:1', reach, conn)).toBeUndefined();
  });
});

describe('drillConnectionFor', () => {
  it('through the Sentinels watching the master, with the data nodes credentials', () => {
    const c = drillConnectionFor(sentinel, '127.0.0.1:7003', reach, conn)!;
    expect(c).toMatchObject({ sentinels: ['127.0.0.1:7010'], masterName: 'mymaster', label: "sentinel 127.0.0.1:7010 · master 'mymaster'", username: 'app', password: 'data-pw', tls: false });
    expect(c.uri).toBeUndefined();
  });
  it("without Sentinels: the deployment's master itself", () => {
    expect(drillConnectionFor(plain, '127.0.0.1:7002', reach, conn)).toMatchObject({ uri: '127.0.0.1:7001', label: '127.0.0.1:7001' });
    expect(drillConnectionFor(sentinel, '127.0.0.1:7010', reach, conn)).toBeUndefined();
  });
});
