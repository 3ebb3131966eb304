import { describe, expect, it } from 'vitest';
import { OffsetHistory } from '../../src/engine/topology/offset-history.js';

describe('OffsetHistory', () => {
  it('turns a byte lag into seconds behind by interpolation', () => {
    const h = new OffsetHistory();
    h.add(1000, 100);
    h.add(2000, 200);
    h.add(3000, 300);
    expect(h.secondsBehind(300, 3000)).toBe(0);
    expect(h.secondsBehind(250, 3000)).toBeCloseTo(0.5);
    expect(h.secondsBehind(150, 3000)).toBeCloseTo(1.5);
    expect(h.rate()).toBe(100);
  });
  it('reads the offset at a moment between samples', () => {
    const h = new OffsetHistory();
    h.add(1000, 100);
    h.add(2000, 300);
    expect(h.offsetAt(1500)).toBe(200);
    expect(h.offsetAt(500)).toBe(100);
    expect(h.offsetAt(9000)).toBe(300);
  });
  it('gives the oldest age as a lower bound when the history is too short', () => {
    const h = new OffsetHistory();
    h.add(5000, 1000);
    expect(h.secondsBehind(10, 6000)).toBe(1);
  });
  it('starts over when the offset goes backwards (a new replication history)', () => {
    const h = new OffsetHistory();
    h.add(1000, 500);
    h.add(2000, 10);
    expect(h.latest()).toEqual({ at: 2000, offset: 10 });
    expect(h.rate()).toBeUndefined();
  });
});
