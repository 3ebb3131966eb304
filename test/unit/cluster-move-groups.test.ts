// How a reshard's queue is cut into groups: the first move whose source is free, then the moves after it with the same
// source and target, up to the group size, taken off the queue in order. Pure.
import { describe, expect, it } from 'vitest';
import { rangesText, takeGroup } from '../../src/engine/cluster/move/groups.js';

const mv = (slot: number, from: string, to = 't') => ({ slot, from, to });

describe('takeGroup', () => {
  it('takes up to `size` moves of one source and target, in order, leaving the others', () => {
    const queue = [mv(1, 'a'), mv(2, 'b'), mv(3, 'a'), mv(4, 'a', 'u'), mv(5, 'a')];
    expect(takeGroup(queue, new Set(), 2)).toEqual([mv(1, 'a'), mv(3, 'a')]);
    expect(queue).toEqual([mv(2, 'b'), mv(4, 'a', 'u'), mv(5, 'a')]);
  });
  it('skips sources that are busy; undefined when every source is', () => {
    const queue = [mv(1, 'a'), mv(2, 'b')];
    expect(takeGroup(queue, new Set(['a']), 64)).toEqual([mv(2, 'b')]);
    expect(takeGroup(queue, new Set(['a']), 64)).toBeUndefined();
  });
  it('rangesText', () => {
    expect(rangesText([5, 1, 2, 3, 9])).toBe('1-3,5,9');
  });
});
