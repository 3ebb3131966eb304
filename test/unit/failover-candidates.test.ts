import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/options/endpoint.js';
import { rankCandidates, sentinelChoice } from '../../src/engine/failover/candidates.js';
import type { LiveFacts } from '../../src/engine/failover/discover.js';
import { buildDeployment, type FoDeployment, type FoNode } from '../../src/engine/failover/model.js';
import { unplannedMode } from '../../src/engine/failover/plan-cluster.js';
import { preflight } from '../../src/engine/failover/preflight.js';
import type { NodeState, SentinelPeerView } from '../../src/engine/topology/types.js';

function replica(id: string, extra: Partial<FoNode> = {}): FoNode {
  const [host, port] = id.split(':');
  return { id, host, port: Number(port), up: true, role: 'replica', masterId: '127.0.0.1:6379', link: 'up', offset: 1000, priority: 100, ...extra };
}
const master: FoNode = { id: '127.0.0.1:6379', host: '127.0.0.1', port: 6379, up: true, role: 'master', offset: 1000, version: '7.0.15' };

function facts(extra: Partial<LiveFacts> = {}): LiveFacts {
  return { lags: {}, offsets: {}, minReplicas: {}, streams: 0, sentinelClients: 0, errors: {}, auth: {}, masterOffset: 1000, masterVersion: '7.0.15', ...extra };
}

function deployment(replicas: FoNode[], extra: Partial<FoDeployment> = {}): FoDeployment {
  return { kind: 'replication', nodes: [master, ...replicas], sentinels: [], master, replicas, ...extra };
}

describe('candidate choice', () => {
  it('planned: link up first, then the smallest lag, the highest offset, the lowest priority', () => {
    const a = replica('127.0.0.1:1', { offset: 990 });
    const b = replica('127.0.0.1:2', { offset: 1000, priority: 50 });
    const c = replica('127.0.0.1:3', { offset: 1000, priority: 10, link: 'down' });
    const d = replica('127.0.0.1:4', { offset: 1000, priority: 0 });
    const ranked = rankCandidates([a, b, c, d], 'planned', { '127.0.0.1:1': 10, '127.0.0.1:2': 0, '127.0.0.1:3': 0, '127.0.0.1:4': 0 });
    expect(ranked.map((r) => r.node.id)).toEqual(['127.0.0.1:2', '127.0.0.1:1', '127.0.0.1:3', '127.0.0.1:4']);
    expect(ranked[2].reasons.join()).toMatch(/link to the master is down/);
    expect(ranked[3].reasons.join()).toMatch(/replica-priority is 0/);
  });

  it('unplanned: the most advanced replica, ties broken by replica-priority; the link does not count', () => {
    const a = replica('127.0.0.1:1', { offset: 500, link: 'down', priority: 1 });
    const b = replica('127.0.0.1:2', { offset: 900, link: 'down', priority: 100 });
    const c = replica('127.0.0.1:3', { offset: 900, link: 'down', priority: 50 });
    expect(rankCandidates([a, b, c], 'unplanned').map((r) => r.node.id)).toEqual(['127.0.0.1:3', '127.0.0.1:2', '127.0.0.1:1']);
  });

  it("predicts the Sentinels' choice: priority, then offset, then run id; never a down or priority-0 one", () => {
    const v = (port: number, p: number, off: number, runId: string, flags = ['slave']): SentinelPeerView => ({ name: `127.0.0.1:${port}`, host: '127.0.0.1', port, flags, replicaPriority: p, replOffset: off, runId });
    expect(sentinelChoice([v(1, 100, 10, 'b'), v(2, 90, 5, 'c'), v(3, 0, 99, 'a')])?.port).toBe(2);
    expect(sentinelChoice([v(1, 100, 10, 'b'), v(2, 100, 10, 'a')])?.port).toBe(2);
    expect(sentinelChoice([v(1, 1, 10, 'b', ['slave', 's_down']), v(2, 100, 1, 'a')])?.port).toBe(2);
    expect(sentinelChoice([])).toBeUndefined();
  });
});

describe('the deployment, from the topology engine', () => {
  const state = (id: string, extra: Partial<NodeState>): NodeState => {
    const [host, port] = id.split(':');
    return { id, host, port: Number(port), role: 'unknown', status: 'up', ...extra };
  };

  it("finds the master from any node, its direct replicas, and never cutover's own stream (port 0)", () => {
    const nodes = [
      state('127.0.0.1:6379', { role: 'master', offset: 50 }),
      state('127.0.0.1:6380', { role: 'replica', masterId: '127.0.0.1:6379', linkStatus: 'up', offset: 50 }),
      state('127.0.0.1:6381', { role: 'replica', masterId: '127.0.0.1:6380', linkStatus: 'up', offset: 50 }),
      state('127.0.0.1:0', { role: 'replica', masterId: '127.0.0.1:6379' }),
    ];
    const d = buildDeployment(nodes, { entries: ['127.0.0.1:6381'] });
    expect(d.kind).toBe('replication');
    expect(d.master?.id).toBe('127.0.0.1:6379');
    expect(d.replicas.map((r) => r.id)).toEqual(['127.0.0.1:6380']);
    expect(d.nodes.some((n) => n.port === 0)).toBe(false);
  });

  it('with the master down, climbs from a replica to the address it replicates from', () => {
    const nodes = [
      state('127.0.0.1:6380', { role: 'replica', masterId: '127.0.0.1:6379', linkStatus: 'down', offset: 40 }),
      state('127.0.0.1:6379', { status: 'down', lastError: 'connection refused' }),
    ];
    const d = buildDeployment(nodes, { entries: ['127.0.0.1:6380'] });
    expect(d.master).toMatchObject({ id: '127.0.0.1:6379', up: false });
    expect(d.replicas.map((r) => r.id)).toEqual(['127.0.0.1:6380']);
  });

  it("with Sentinels, takes their master and name", () => {
    const nodes = [
      state('127.0.0.1:6379', { role: 'master' }),
      state('127.0.0.1:6380', { role: 'replica', masterId: '127.0.0.1:6379', linkStatus: 'up' }),
      state('127.0.0.1:26379', { role: 'sentinel', sentinel: { masters: [{ name: 'mymaster', host: '127.0.0.1', port: 6379, flags: ['master'], quorum: 2, numReplicas: 1, numOtherSentinels: 2 }] } }),
    ];
    const other = [state('127.0.0.1:7000', { role: 'master' }), state('127.0.0.1:7001', { role: 'replica', masterId: '127.0.0.1:7000', linkStatus: 'up' })];
    const d = buildDeployment([...nodes, ...other], { entries: ['127.0.0.1:6380'] });
    expect(d).toMatchObject({ kind: 'sentinel', masterName: 'mymaster', master: { id: '127.0.0.1:6379' } });
    // another deployment the same Sentinels watch is none of this failover's business
    expect(d.nodes.map((n) => n.id)).toEqual(['127.0.0.1:6379', '127.0.0.1:6380']);
  });

  it('a cluster: the shard of --to, or the one master that is down', () => {
    const c = (id: string, cid: string, role: 'master' | 'replica', masterCid?: string, extra: Partial<NodeState> = {}) =>
      state(id, {
        role,
        ...(role === 'replica' ? { masterId: `127.0.0.1:${masterCid === 'A' ? 7000 : 7001}` } : {}),
        cluster: { self: { id: cid, host: '127.0.0.1', port: Number(id.split(':')[1]), flags: [role === 'master' ? 'master' : 'slave'], myself: true, role, masterId: masterCid, pingSent: 0, pongRecv: 0, configEpoch: 1, linkState: 'connected', failing: null, slots: role === 'master' ? [[0, 100]] : [], slotMigrations: [] }, state: 'ok' },
        ...extra,
      });
    const nodes = [c('127.0.0.1:7000', 'A', 'master'), c('127.0.0.1:7001', 'B', 'master'), c('127.0.0.1:7002', 'C', 'replica', 'A'), c('127.0.0.1:7003', 'D', 'replica', 'B')];
    const byTo = buildDeployment(nodes, { entries: ['127.0.0.1:7000'], to: '127.0.0.1:7003' });
    expect(byTo).toMatchObject({ kind: 'cluster', master: { id: '127.0.0.1:7001' } });
    expect(byTo.replicas.map((r) => r.id)).toEqual(['127.0.0.1:7003']);
    const down = [state('127.0.0.1:7000', { status: 'down' }), ...nodes.slice(1)];
    expect(buildDeployment(down, { entries: ['127.0.0.1:7001'] }).master?.id).toBe('127.0.0.1:7000');
  });
});

describe('preflight', () => {
  it('refuses a candidate whose link is down, says why, changes nothing', () => {
    const r = replica('127.0.0.1:6380', { link: 'down' });
    const pf = preflight(deployment([r]), facts({ lags: { '127.0.0.1:6380': 0 } }), { unplanned: false, to: '127.0.0.1:6380' });
    const failed = pf.checks.filter((c) => !c.ok);
    expect(failed.map((c) => c.text).join()).toMatch(/link to the master is down/);
  });

  it('picks the best candidate, or says why none can be promoted', () => {
    const a = replica('127.0.0.1:6380', { link: 'down' });
    const b = replica('127.0.0.1:6381');
    const pf = preflight(deployment([a, b]), facts({ lags: { '127.0.0.1:6380': 0, '127.0.0.1:6381': 0 } }), { unplanned: false });
    expect(pf.candidate.id).toBe('127.0.0.1:6381');
    expect(pf.checks.every((c) => c.ok)).toBe(true);
    expect(() => preflight(deployment([a]), facts(), { unplanned: false })).toThrow(/no replica of 127.0.0.1:6379 can be promoted: 127.0.0.1:6380: its link/);
  });

  it('refuses a chained replica as --to, a lag over the limit, and unplanned with a master that answers', () => {
    const r1 = replica('127.0.0.1:6380');
    const r2 = replica('127.0.0.1:6381', { masterId: '127.0.0.1:6380' });
    const d = { ...deployment([r1]), nodes: [master, r1, r2] };
    expect(() => preflight(d, facts(), { unplanned: false, to: '127.0.0.1:6381' })).toThrow(/replicates from 127.0.0.1:6380, not from the master/);
    const lagged = preflight(deployment([r1]), facts({ lags: { '127.0.0.1:6380': 5 * 1024 * 1024 } }), { unplanned: false, to: '127.0.0.1:6380' });
    expect(lagged.checks.find((c) => !c.ok)?.text).toMatch(/5.0 MB behind/);
    expect(() => preflight(deployment([r1]), facts({ lags: { '127.0.0.1:6380': 5 * 1024 * 1024 } }), { unplanned: false })).toThrow(/5.0 MB behind/);
    expect(() => preflight(deployment([r1]), facts(), { unplanned: true })).toThrow(InputError);
    expect(() => preflight(deployment([r1], { master: { ...master, up: false } }), facts(), { unplanned: false })).toThrow(/add --unplanned/);
  });

  it('refuses a plain failover behind the backs of Sentinels it could not reach', () => {
    expect(() => preflight(deployment([replica('127.0.0.1:6380')]), facts({ sentinelClients: 3 }), { unplanned: false })).toThrow(/--sentinel host:port --master-name NAME/);
  });

  it('min-replicas-to-write: the new master must have enough replicas', () => {
    const r = replica('127.0.0.1:6380');
    const pf = preflight(deployment([r]), facts({ lags: { '127.0.0.1:6380': 0 }, minReplicas: { '127.0.0.1:6380': { toWrite: 2, maxLag: 10 } } }), { unplanned: false });
    expect(pf.checks.find((c) => !c.ok)?.text).toMatch(/min-replicas-to-write 2: it will have 1 replica and refuse writes/);
  });

  it("unplanned: says what may be lost, and warns when the candidate is not the most advanced", () => {
    const a = replica('127.0.0.1:6380', { link: 'down', offset: 900, linkDownSeconds: 3 });
    const b = replica('127.0.0.1:6381', { link: 'down', offset: 950 });
    const d = deployment([a, b], { master: { ...master, up: false } });
    const pf = preflight(d, facts({ offsets: { '127.0.0.1:6380': 900, '127.0.0.1:6381': 950 } }), { unplanned: true, to: '127.0.0.1:6380' });
    expect(pf.checks.find((c) => c.warn)?.text).toMatch(/50 bytes behind the most advanced/);
    expect(pf.notes.join('\n')).toMatch(/after offset 900/);
    expect(preflight(d, facts({ offsets: { '127.0.0.1:6380': 900, '127.0.0.1:6381': 950 } }), { unplanned: true }).candidate.id).toBe('127.0.0.1:6381');
  });

  it("with Sentinels, refuses a --to they would not promote", () => {
    const a = replica('127.0.0.1:6380');
    const b = replica('127.0.0.1:6381');
    const views: SentinelPeerView[] = [
      { name: 'a', host: '127.0.0.1', port: 6380, flags: ['slave'], replicaPriority: 100, replOffset: 10, runId: 'x' },
      { name: 'b', host: '127.0.0.1', port: 6381, flags: ['slave'], replicaPriority: 10, replOffset: 10, runId: 'y' },
    ];
    const d = deployment([a, b], { kind: 'sentinel', masterName: 'mymaster' });
    const f = facts({ lags: { '127.0.0.1:6380': 0, '127.0.0.1:6381': 0 }, quorum: { ok: true, text: 'OK 3 usable Sentinels' }, sentinelReplicas: views });
    expect(preflight(d, f, { unplanned: false }).candidate.id).toBe('127.0.0.1:6381');
    const refused = preflight(d, f, { unplanned: false, to: '127.0.0.1:6380' });
    expect(refused.checks.find((c) => !c.ok)?.text).toMatch(/would promote 127.0.0.1:6381/);
  });

  it('cluster, unplanned: FORCE with a majority of masters, TAKEOVER without', () => {
    const m = (port: number, up: boolean): FoNode => ({ id: `127.0.0.1:${port}`, host: '127.0.0.1', port, up, role: 'master', cluster: { id: String(port), slots: [[0, 1]] } });
    const ms = [m(1, false), m(2, true), m(3, true)];
    expect(unplannedMode({ kind: 'cluster', nodes: ms, sentinels: [], master: ms[0], replicas: [] })).toBe('FORCE');
    const most = [m(1, false), m(2, false), m(3, true)];
    expect(unplannedMode({ kind: 'cluster', nodes: most, sentinels: [], master: most[0], replicas: [] })).toBe('TAKEOVER');
  });
});
