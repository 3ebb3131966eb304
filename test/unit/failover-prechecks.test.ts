// Pure pieces of the failover plan: REPLICAOF's replies, a link-down replica in the preflight, the refusal that says
// the Sentinels or the cluster failed over already, and what other cluster nodes say of a master that is down.
import { describe, expect, it } from 'vitest';
import { masterAnswersText } from '../../src/engine/failover/already-switched.js';
import type { LiveFacts } from '../../src/engine/failover/discover.js';
import type { FoDeployment, FoNode } from '../../src/engine/failover/model.js';
import { followersText, replicaofReply } from '../../src/engine/failover/plan-common.js';
import { preflight } from '../../src/engine/failover/preflight.js';
import { clusterPeerViews } from '../../src/engine/failover/probe-all.js';
import type { ClusterNodeEntry } from '../../src/engine/topology/types.js';

const M = '127.0.0.1:6379';
function node(id: string, extra: Partial<FoNode> = {}): FoNode {
  const [host, port] = id.split(':');
  return { id, host, port: Number(port), up: true, role: 'replica', masterId: M, link: 'up', offset: 1000, priority: 100, ...extra };
}
const master = node(M, { role: 'master', masterId: undefined, link: undefined, version: '7.0.15' });
function facts(extra: Partial<LiveFacts> = {}): LiveFacts {
  return { lags: {}, offsets: {}, minReplicas: {}, streams: 0, sentinelClients: 0, errors: {}, auth: {}, masterOffset: 1000, masterVersion: '7.0.15', ...extra };
}

describe('REPLICAOF replies', () => {
  it('"OK" and "OK Already connected to specified master" are both success', () => {
    expect(replicaofReply('OK')).toBeUndefined();
    expect(replicaofReply('OK Already connected to specified master')).toBeUndefined();
    expect(replicaofReply('ERR something')).toMatch(/unexpected reply: ERR something/);
    expect(replicaofReply('OKAY')).toMatch(/unexpected/);
  });

  it('says how many nodes follow, in good English', () => {
    expect(followersText(0)).toBe('no other node answers to follow it');
    expect(followersText(1)).toBe('1 other node follows it, link up');
    expect(followersText(3)).toBe('3 other nodes follow it, links up');
  });
});

describe('a replica whose link is down', () => {
  it('is never "0 B behind"; another one with its link down is shown as such', () => {
    const a = node('127.0.0.1:1', { link: 'down', linkDownSeconds: 12 });
    const b = node('127.0.0.1:2');
    const d: FoDeployment = { kind: 'replication', nodes: [master, a, b], sentinels: [], master, replicas: [a, b] };
    const refused = preflight(d, facts({ lags: { '127.0.0.1:2': 0 } }), { unplanned: false, to: a.id });
    const texts = refused.checks.map((c) => `${c.ok ? (c.warn ? '!' : '✓') : '✗'} ${c.text}`);
    expect(texts).toContain(`✗ ${a.id}'s link to the master is down: it cannot have every write; fix its link first or choose another replica`);
    expect(texts.join('\n')).not.toMatch(/127\.0\.0\.1:1 is 0 B behind/);
    const ok = preflight(d, facts({ lags: { '127.0.0.1:2': 0 } }), { unplanned: false });
    expect(ok.candidate.id).toBe(b.id);
    const warn = ok.checks.find((c) => c.text.startsWith(`${a.id}'s link to the master is down for 12 s`));
    expect(warn).toMatchObject({ ok: true, warn: true });
  });
});

describe('--unplanned while the master answers', () => {
  it('says the Sentinels already promoted it, when the old master is down and counted as its replica', () => {
    const newMaster = node('127.0.0.1:2', { role: 'master', masterId: undefined, link: undefined });
    const old = node(M, { up: false, masterId: newMaster.id });
    const d: FoDeployment = { kind: 'sentinel', masterName: 'mymaster', nodes: [newMaster, old], sentinels: [], master: newMaster, replicas: [old] };
    expect(masterAnswersText(d, {})).toMatch(/^the Sentinels already promoted 127\.0\.0\.1:2: they name it as mymaster's master and it answers, while 127\.0\.0\.1:6379 .* does not; nothing to fail over/);
    expect(masterAnswersText(d, { sentinelFailoverState: 'wait_promotion' })).toMatch(/^the Sentinels are failing over mymaster right now \(wait_promotion\)/);
  });

  it('says the cluster failed over already, when a master without slots is failing', () => {
    const c2 = node('127.0.0.1:2', { role: 'master', masterId: undefined, cluster: { id: 'b', slots: [[0, 5460]] } });
    const c1 = node('127.0.0.1:1', { role: 'master', up: false, masterId: undefined, cluster: { id: 'a', slots: [], failing: 'fail' } });
    const d: FoDeployment = { kind: 'cluster', nodes: [c1, c2], sentinels: [], master: c2, replicas: [] };
    expect(masterAnswersText(d, {})).toMatch(/^the cluster already failed over: 127\.0\.0\.1:2 answers and owns slots 0-5460, while 127\.0\.0\.1:1 is marked failing/);
  });

  it('otherwise, the plain refusal', () => {
    const d: FoDeployment = { kind: 'replication', nodes: [master], sentinels: [], master, replicas: [] };
    expect(masterAnswersText(d, {})).toMatch(/answers: --unplanned is for a master that is unreachable/);
  });
});

describe("a cluster master that is down, as the others see it", () => {
  const entry = (id: string, host: string, port: number, extra: Partial<ClusterNodeEntry> = {}): ClusterNodeEntry => ({
    id, host, port, flags: ['master'], myself: false, role: 'master', pingSent: 0, pongRecv: 0, configEpoch: 1, linkState: 'connected', failing: null, slots: [], slotMigrations: [], ...extra,
  });
  it('gives its slots and the worst failing flag', () => {
    const views = [
      { id: '127.0.0.1:2', up: true, view: [entry('a', '127.0.0.1', 1, { failing: 'pfail', slots: [[0, 5460]] })] },
      { id: '127.0.0.1:3', up: true, view: [entry('a', '127.0.0.1', 1, { failing: 'fail', slots: [[0, 5460]] })] },
      { id: '127.0.0.1:1', up: false },
    ];
    const seen = clusterPeerViews(views, { id: '127.0.0.1:1' });
    expect(seen.failing).toBe('fail');
    expect(seen.entry?.slots).toEqual([[0, 5460]]);
  });
});
