import { describe, expect, it } from 'vitest';
import { cloneWayBack } from '../../src/engine/failover/clone/clone-wayback.js';
import type { NodeReport } from '../../src/engine/failover/types.js';
import { wayBack } from '../../src/engine/failover/wayback.js';

const M = '127.0.0.1:6379';
const C = '127.0.0.1:6380';
const R = '127.0.0.1:6381';
const up = (id: string, role: NodeReport['role'], masterId?: string, link?: 'up' | 'down'): NodeReport => ({ id, reachable: true, role, ...(masterId ? { masterId } : {}), ...(link ? { link } : {}) });
const original = [up(M, 'master'), up(C, 'replica', M, 'up'), up(R, 'replica', M, 'up')];

describe('the way back after a failure', () => {
  it('nothing changed: only the pause to lift', () => {
    const w = wayBack({ kind: 'replication', original, now: original, paused: [M], oldMaster: M, candidate: C });
    expect(w.summary).toMatch(/No role has changed; writes are still paused/);
    expect(w.commands).toEqual([{ node: M, argv: ['CLIENT', 'UNPAUSE'], why: expect.any(String) }]);
  });

  it('switched but a replica not yet repointed: FAILOVER TO back, loss-free', () => {
    const now = [up(M, 'replica', C, 'up'), up(C, 'master'), up(R, 'replica', M, 'up')];
    const w = wayBack({ kind: 'replication', original, now, paused: [], oldMaster: M, candidate: C });
    expect(w.commands.map((c) => [c.node, c.argv.join(' ')])).toEqual([[C, 'FAILOVER TO 127.0.0.1 6379 TIMEOUT 5000']]);
    expect(w.summary).toContain(`${M} replica of ${C} (link up)`);
  });

  it('split: the candidate promoted while the old master is still one', () => {
    const now = [up(M, 'master'), up(C, 'master'), up(R, 'replica', C, 'up')];
    const w = wayBack({ kind: 'replication', original, now, paused: [M], oldMaster: M, candidate: C });
    expect(w.commands.map((c) => [c.node, c.argv.join(' ')])).toEqual([
      [C, 'REPLICAOF 127.0.0.1 6379'],
      [R, 'REPLICAOF 127.0.0.1 6379'],
      [M, 'CLIENT UNPAUSE'],
    ]);
  });

  it('the old master gone (unplanned): no way back, finish instead', () => {
    const now = [{ id: M, reachable: false, error: 'refused' }, up(C, 'master'), up(R, 'replica', M, 'down')];
    expect(wayBack({ kind: 'replication', original, now, paused: [], oldMaster: M, candidate: C }).summary).toMatch(/no way back to it; finish the failover instead/);
  });

  it('cluster: CLUSTER FAILOVER on the old master', () => {
    const now = [up(M, 'replica', C, 'up'), up(C, 'master')];
    expect(wayBack({ kind: 'cluster', original: original.slice(0, 2), now, paused: [], oldMaster: M, candidate: C }).commands[0]).toMatchObject({ node: M, argv: ['CLUSTER', 'FAILOVER'] });
  });

  it('Sentinel: once they have switched, the way back is a failover through them', () => {
    const S = '127.0.0.1:26379';
    const now = [up(M, 'master'), up(C, 'master'), { id: S, reachable: true, role: 'sentinel' as const, masterId: C }];
    const w = wayBack({ kind: 'sentinel', original, now, paused: [M], oldMaster: M, candidate: C, masterName: 'mymaster', sentinel: S });
    expect(w.summary).toMatch(/cutover failover --sentinel 127.0.0.1:26379 --master-name mymaster --to 127.0.0.1:6379/);
    expect(w.commands.map((c) => c.argv.join(' '))).toEqual(['REPLICAOF 127.0.0.1 6380', 'CLIENT UNPAUSE']);
  });

  it('clone: back to what each node followed, the settings as they were, secrets not shown', () => {
    const O = '127.0.0.1:7000';
    const K = '127.0.0.1:7001';
    const orig = [up(O, 'master'), up(K, 'master'), up(R, 'replica', O, 'up')];
    const now = [up(O, 'replica', K, 'down'), up(K, 'master'), up(R, 'replica', K, 'up')];
    const w = cloneWayBack({ original: orig, now, paused: [O], origin: O, clone: K, applied: [{ name: 'maxmemory', old: '0' }, { name: 'requirepass', old: 'oldsecret' }] });
    expect(w.commands.map((c) => [c.node, c.argv.join(' ')])).toEqual([
      [O, 'REPLICAOF NO ONE'],
      [R, 'REPLICAOF 127.0.0.1 7000'],
      [K, 'CONFIG SET maxmemory 0'],
      [K, 'CONFIG SET requirepass ***'],
      [O, 'CLIENT UNPAUSE'],
    ]);
  });
});

describe('clone way back: a secret setting that was empty', () => {
  it('shows "" (an empty value is no secret), and hides one that was set', async () => {
    const { commandLine } = await import('../../src/render/failover-text.js');
    const w = cloneWayBack({
      original: [],
      now: [],
      paused: [],
      origin: '127.0.0.1:7000',
      clone: '127.0.0.1:7001',
      applied: [
        { name: 'masterauth', old: '' },
        { name: 'requirepass', old: 'was-set' },
      ],
    });
    expect(w.commands.map((c) => `${commandLine(c.argv)}  # ${c.why}`)).toEqual(['CONFIG SET masterauth ""  # its former value: empty', 'CONFIG SET requirepass ***  # its former value (not shown)']);
  });
});
