// The bytes a write of MIGRATEs may carry under --max-block: the rate seen so far times the bound, within limits;
// writes too short or too light to measure leave the rate alone. Pure.
import { describe, expect, it } from 'vitest';
import { MigratePace } from '../../src/engine/cluster/move/pace.js';

describe('MigratePace', () => {
  it('starts from its first guess: 20 kB/ms × 100 ms × 0.8', () => {
    expect(new MigratePace(100, 4 << 20).budget()).toBe(1_600_000);
  });
  it('follows the rate it sees, never above the batch bound nor below 16 KiB', () => {
    const p = new MigratePace(100, 4 << 20);
    for (let i = 0; i < 30; i++) p.observe(10_000_000, 100); // 100 kB/ms
    expect(p.rate).toBeGreaterThan(99_000);
    expect(p.budget()).toBe(4 << 20); // 8 MB allowed by the rate, capped at the batch bound
    for (let i = 0; i < 30; i++) p.observe(100_000, 100); // 1 kB/ms: a slow target
    expect(p.budget()).toBe(Math.floor(p.rate * 80));
    const slow = new MigratePace(1, 4 << 20);
    for (let i = 0; i < 30; i++) slow.observe(100_000, 100);
    expect(slow.budget()).toBe(16 << 10);
  });
  it('a write too short or too light says nothing of the rate', () => {
    const p = new MigratePace(100, 4 << 20);
    p.observe(10_000, 1);
    p.observe(1_000_000, 2);
    p.observe(20_000, 50);
    expect(p.rate).toBe(20_000);
  });
});
