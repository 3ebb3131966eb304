// `cutover cluster check`'s analysis on CLUSTER NODES replies captured from a real Redis 7.0.15 cluster (the fixtures
// of parse-cluster-nodes.test.ts: six nodes on 127.0.0.1:27300-27305). Each node's own view is the captured one with
// `myself` moved to that node's line (the only difference between the nodes' replies in a settled cluster).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCluster } from '../../src/engine/cluster/check.js';
import type { NodeReading } from '../../src/engine/cluster/read-nodes.js';
import { toRanges, rangesText } from '../../src/engine/cluster/slot-map.js';
import { parseClusterNodes } from '../../src/engine/topology/parse-cluster-nodes.js';
import { clusterCheckText } from '../../src/render/cluster-check-text.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const PORTS = [27300, 27301, 27302, 27303, 27304, 27305];

/** The reply as the node on `port` gives it: `myself` on its own line. */
function viewFrom(text: string, port: number): string {
  return text
    .split('\n')
    .map((l) => l.replace('myself,', ''))
    .map((l) => (l.includes(`:${port}@`) ? l.replace(/ (master|slave)/, ' myself,$1') : l))
    .join('\n');
}

function reading(text: string, port: number, extra: Partial<NodeReading> = {}): NodeReading {
  const view = parseClusterNodes(viewFrom(text, port));
  const self = view.find((n) => n.myself)!;
  return { address: `127.0.0.1:${port}`, id: self.id, view, info: { cluster_state: 'ok' }, keys: 0, memoryBytes: 2_000_000, ...extra };
}

const healthy = () => PORTS.map((p) => reading(fixture('cluster-nodes.txt'), p));

describe('checkCluster', () => {
  it('a healthy cluster: ok, three masters at the balanced share, one replica each, the one-host note only', () => {
    const r = checkCluster(healthy());
    expect(r.ok).toBe(true);
    expect(r.nodes).toBe(6);
    expect(r.masters.map((m) => [m.address, m.slots, m.replicas, m.deviationPct])).toEqual([
      ['127.0.0.1:27300', 5461, 1, -0],
      ['127.0.0.1:27301', 5462, 1, 0],
      ['127.0.0.1:27302', 5461, 1, -0],
    ]);
    expect(r.balancedShare).toBe(5461.3);
    expect(r.findings.map((f) => `${f.severity} ${f.kind}`)).toEqual(['note one-host']);
  });

  it('open slots: 93 migrating 27300 → 27301 and importing there, 5000 migrating with no importer, keys left counted', () => {
    const readings = healthy();
    readings[0] = reading(fixture('cluster-nodes-migrating.txt'), 27300, { keys: 3, slotKeys: { 93: 2, 5000: 1 } });
    readings[1] = reading(fixture('cluster-nodes-importing.txt'), 27301);
    const r = checkCluster(readings);
    expect(r.ok).toBe(false);
    expect(r.openSlots).toEqual([
      { slot: 93, migrating: [{ node: '127.0.0.1:27300', to: '127.0.0.1:27301', keysLeft: 2 }], importing: [{ node: '127.0.0.1:27301', from: '127.0.0.1:27300', keys: 0 }] },
      { slot: 5000, migrating: [{ node: '127.0.0.1:27300', to: '127.0.0.1:27301', keysLeft: 1 }], importing: [] },
    ]);
    expect(r.findings.filter((f) => f.kind === 'open-slot').map((f) => f.text)).toEqual([
      'slot 93 is open: MIGRATING on 127.0.0.1:27300 to 127.0.0.1:27301 (2 keys left there); IMPORTING on 127.0.0.1:27301 from 127.0.0.1:27300 (0 keys there)',
      'slot 5000 is open with no node importing it: MIGRATING on 127.0.0.1:27300 to 127.0.0.1:27301 (1 key left there)',
    ]);
    // the keys of a migrating slot are the owner's own: not "keys in unowned slots"
    expect(r.findings.some((f) => f.kind === 'keys-in-unowned-slots')).toBe(false);
  });

  it('a master killed: not answering, fail for 5 of 5 nodes, its replica is the only one left in its shard', () => {
    const text = fixture('cluster-nodes-fail.txt');
    const readings = PORTS.map((p) => (p === 27302 ? { address: '127.0.0.1:27302', error: 'connection refused at 127.0.0.1:27302: is Redis running there?' } : reading(text, p)));
    const r = checkCluster(readings);
    expect(r.ok).toBe(false);
    expect(r.answered).toBe(5);
    expect(r.findings.filter((f) => f.severity === 'problem').map((f) => f.text)).toEqual([
      '127.0.0.1:27302 did not answer: connection refused at 127.0.0.1:27302: is Redis running there?',
      'master 127.0.0.1:27302 is flagged fail by 5 of 5 nodes',
    ]);
    // its slots still belong to it in every view: the table keeps it, keys unknown
    expect(r.masters.find((m) => m.address === '127.0.0.1:27302')).toMatchObject({ slots: 5461, keys: undefined });
  });

  it('DELSLOTS 0-99 on 27300 with keys in slot 5: uncovered 0-99, keys left behind, 27300 disagreeing with the others', () => {
    const readings = healthy();
    const own = viewFrom(fixture('cluster-nodes.txt'), 27300).replace('connected 0-5460', 'connected 100-5460');
    readings[0] = { ...reading(own, 27300), keys: 3, slotKeys: { 5: 3 } };
    readings[0].view = parseClusterNodes(own);
    const r = checkCluster(readings);
    expect(r.uncovered).toEqual([[0, 99]]);
    const texts = r.findings.map((f) => f.text);
    expect(texts).toContain('100 slots are not served by any master: 0-99 (commands on their keys fail with CLUSTERDOWN)');
    expect(texts).toContain('127.0.0.1:27300 holds 3 keys in slot 5 that it does not serve (no master serves them): clients are never routed to them there');
    expect(texts).toContain('127.0.0.1:27300 disagrees with 5 other nodes on slots 0-99: it sees slot 0 on no master, they see it on 127.0.0.1:27300');
  });

  it('nodes on several hosts: a replica on its master\'s host is a warning (exit 0), and no one-host note', () => {
    const hosts: Record<number, string> = { 27300: '10.0.0.1', 27301: '10.0.0.2', 27302: '10.0.0.3', 27303: '10.0.0.4', 27304: '10.0.0.5', 27305: '10.0.0.1' };
    const text = fixture('cluster-nodes.txt').replace(/127\.0\.0\.1:(\d+)@/g, (_, p) => `${hosts[Number(p)]}:${p}@`);
    const readings = PORTS.map((p) => ({ ...reading(text, p), address: `${hosts[p]}:${p}` }));
    const r = checkCluster(readings);
    expect(r.ok).toBe(true);
    expect(r.findings.map((f) => `${f.severity}: ${f.text}`)).toEqual([
      'warning: replica 10.0.0.1:27305 is on the same host (10.0.0.1) as its master 10.0.0.1:27300: one host failure loses both',
    ]);
  });

  it('as text: the masters\' table, each finding as one line with its severity, the verdict', () => {
    const text = clusterCheckText(checkCluster(healthy()));
    expect(text.split('\n')[0]).toBe('6 nodes (6 answered), 3 masters, 0 keys; balanced share 5461.3 slots a master');
    expect(text).toMatch(/^master\s+id\s+slots\s+ranges\s+keys\s+memory\s+replicas\s+vs share$/m);
    expect(text).toMatch(/^127\.0\.0\.1:27301\s+1b4d6e88\s+5462\s+5461-10922\s+0\s+1\.9 MB\s+1\s+0\.0%$/m);
    expect(text).toMatch(/^note: every node is on 127\.0\.0\.1/m);
    expect(text.trimEnd().split('\n').at(-1)).toBe('cluster check: all is well: 16384 slots covered, no open slot, every node agrees and answers');
  });
});

describe('slot ranges', () => {
  it('compress sorted or unsorted slots into ranges and print them', () => {
    expect(toRanges([7, 1, 2, 3, 3, 9, 8])).toEqual([[1, 3], [7, 9]]);
    expect(rangesText([[0, 99], [5000, 5000]])).toBe('0-99,5000');
  });
});
