// Which node stands for a master that failed over mid-reshard, from CLUSTER NODES as the cluster tells it now; and
// which errors are worth asking the cluster about. Pure.
import { describe, expect, it } from 'vitest';
import { mayBeFailover, ownerOf, replacementOf } from '../../src/engine/cluster/move/follow-failover.js';
import { DuplicateKeysError, SlotKeysError } from '../../src/engine/cluster/move/migrate-keys.js';
import { ServerReplyError } from '../../src/engine/failover/pool.js';
import type { ClusterView } from '../../src/engine/cluster/move/reshard-plan.js';

const view = (masters: Array<[string, Array<[number, number]>]>, replicas: Array<[string, string]> = []): ClusterView => ({
  masters: masters.map(([id, slots]) => ({ id, address: `127.0.0.1:${id}`, slots })),
  replicas: replicas.map(([id, masterId]) => ({ id, address: `127.0.0.1:${id}`, masterId })),
});

describe('replacementOf', () => {
  it('a master still in the view stands for itself', () => {
    expect(replacementOf('a', [0], view([['a', [[0, 99]]]]), [], 'b')).toBe('a');
  });
  it('the owner of a slot it held, not the far side of the move', () => {
    const now = view([['b', [[0, 9]]], ['a2', [[10, 99]]]]);
    expect(replacementOf('a', [5, 50], now, [], 'b')).toBe('a2');
  });
  it('a replica known before that is a master now (the old master held no slot)', () => {
    expect(replacementOf('t', [], view([['t2', []]]), [{ id: 't2', address: 'x', masterId: 't' }], 's')).toBe('t2');
  });
  it('the master the old one replicates now (a planned failover)', () => {
    expect(replacementOf('t', [], view([['t2', []]], [['t', 't2']]), [], 's')).toBe('t2');
  });
  it('undefined while the cluster has not decided', () => {
    expect(replacementOf('a', [5], view([['b', [[100, 200]]]]), [], 'b')).toBeUndefined();
  });
  it('ownerOf', () => {
    expect(ownerOf(view([['a', [[0, 9]]], ['b', [[10, 20]]]]), 15)).toBe('b');
    expect(ownerOf(view([['a', [[0, 9]]]]), 15)).toBeUndefined();
  });
});

describe('mayBeFailover', () => {
  it('a lost connection, a node no longer master, a cluster down: yes', () => {
    expect(mayBeFailover(new Error('Connection is closed'))).toBe(true);
    expect(mayBeFailover(new ServerReplyError('ERR Please use SETSLOT only with masters.'))).toBe(true);
    expect(mayBeFailover(new SlotKeysError(5, 'MIGRATE of slot 5: ERR Target instance replied with error: MOVED 5 127.0.0.1:7001'))).toBe(true);
    expect(mayBeFailover(new SlotKeysError(5, 'MIGRATE of slot 5: ERR Target instance replied with error: CLUSTERDOWN The cluster is down'))).toBe(true);
  });
  it('a refusal of the command itself, or keys on both sides: no', () => {
    expect(mayBeFailover(new ServerReplyError("ERR I'm already the owner of hash slot 5"))).toBe(false);
    expect(mayBeFailover(new DuplicateKeysError(5, '1 key on both the source and the target with different values'))).toBe(false);
    expect(mayBeFailover(new SlotKeysError(5, 'MIGRATE of slot 5: ERR syntax error'))).toBe(false);
  });
});
