// The checker's own scheduling and bookkeeping against a stand-in target (no servers, short timeouts): a shard whose
// commands hang does not hold the other shard's writes, and its errors are said of the node they were sent to.
// On vitest's fake timers: the checker's pump, stall scan and tick, the stand-in's replies and its hung commands all
// run on one fake clock, so the windows measured are the times the test sets, and nothing waits in real time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsistencyChecker } from '../../src/engine/drill/checker.js';
import { drillSpec } from '../../src/engine/drill/spec.js';
import type { DrillTarget } from '../../src/engine/drill/target.js';

/** The stand-in's own delays (a hung or slow command), on the fake clock. */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fake time, moved on by the test. */
const elapse = (ms: number) => vi.advanceTimersByTimeAsync(ms);

/** Moves fake time on until `p` settles (the checker's start and stop wait on replies, immediates and timers). */
async function settle<T>(p: Promise<T>): Promise<T> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; !done && i < 10_000; i++) await elapse(5);
  return p;
}

/**
 * Two shards by key parity. Shard a can hang its writes (an INCR fails after `timeoutMs`, as a master whose writes are
 * paused, on whatever node holds it), and move to another node.
 */
class FakeCluster implements DrillTarget {
  readonly mode = 'cluster' as const;
  readonly label = 'fake cluster';
  readonly data = new Map<string, number>();
  hung = false;
  nodeA = 'a:1';
  readonly acks = { 'shard a:1': 0, 'shard b:1': 0 } as Record<string, number>;

  constructor(private readonly timeoutMs: number) {}

  groupOf(key: string): string {
    return Number(key.slice(key.lastIndexOf(':') + 1)) % 2 === 0 ? 'shard a:1' : 'shard b:1';
  }
  nodeOf(key: string): string {
    return this.groupOf(key) === 'shard a:1' ? this.nodeA : 'b:1';
  }
  masterOf(group: string): string {
    return group === 'shard a:1' ? this.nodeA : 'b:1';
  }
  master(): string {
    return `${this.nodeA}, b:1`;
  }
  describe(err: unknown, node?: string): string {
    return `${node ?? '?'}: ${(err as Error).message}`;
  }
  private run<T>(key: string, fn: () => T, write = false): Promise<T> {
    if (write && this.groupOf(key) === 'shard a:1' && this.hung) return sleep(this.timeoutMs).then(() => Promise.reject(new Error('Command timed out')));
    return new Promise((resolve) => setImmediate(() => resolve(fn())));
  }
  get(key: string): Promise<string | null> {
    return this.run(key, () => (this.data.has(key) ? String(this.data.get(key)) : null));
  }
  incr(key: string): Promise<number> {
    return this.run(key, () => {
      const v = (this.data.get(key) ?? 0) + 1;
      this.data.set(key, v);
      this.acks[this.groupOf(key)]++;
      return v;
    }, true);
  }
  del(key: string): Promise<number> {
    return this.run(key, () => (this.data.delete(key) ? 1 : 0));
  }
  close(): void {}
}

describe('the checker with a shard that hangs', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps writing to the other shard, opens a window on the hung one only, and names the node written to', async () => {
    const fake = new FakeCluster(300);
    // stall limit above the timeout: the window opens with the first failure, which comes after the shard moved
    const checker = new ConsistencyChecker(drillSpec({ uri: '127.0.0.1:1' }), { counters: 100, rate: 1000, reset: true, stallMs: 1000, tickMs: 100 }, async () => fake);
    await settle(checker.start());
    await elapse(200);
    fake.hung = true;
    const bBefore = fake.acks['shard b:1'];
    await elapse(100);
    // the slot map moves while the writes sent to a:1 are still waiting (and the new node's are paused too)
    fake.nodeA = 'a2:1';
    await elapse(500);
    const bDuring = fake.acks['shard b:1'] - bBefore;
    fake.hung = false;
    await elapse(300);
    const s = await settle(checker.stop());

    // shard b took writes all along: about half of 1000/s over 600 ms (generous bound)
    expect(bDuring).toBeGreaterThan(100);
    expect(s.windowList.map((w) => w.group)).toEqual(['shard a:1']);
    const [w] = s.windowList;
    expect(w.firstError).toBe('a:1: Command timed out');
    expect(w.masterBefore).toBe('a:1');
    expect(w.masterAfter).toBe('a2:1');
    expect(w.failedWrites).toBeGreaterThan(0);
    expect(w.failedWrites).toBeLessThanOrEqual(s.counts.writeErrors);
    // from the first write sent to the hung shard to the first accepted after it answers again: about 600 ms
    expect(w.durationMs!).toBeGreaterThan(500);
    expect(w.durationMs!).toBeLessThan(700);
    expect(s.lost).toBe(0);
    expect(s.finalCheck).toEqual({ checked: 100, unchecked: 0 });
    // what the counters hold is what was acknowledged, plus the writes of unknown fate that were not applied
    expect([...fake.data.values()].reduce((a, b) => a + b, 0)).toBe(s.counts.writes);
  });

  it('counts a write found stalled in flight in its window when it is acknowledged, on the same clock as the slowest', async () => {
    const fake = new FakeCluster(10_000);
    const checker = new ConsistencyChecker(drillSpec({ uri: '127.0.0.1:1' }), { counters: 50, rate: 500, reset: true, stallMs: 50, tickMs: 100 }, async () => fake);
    await settle(checker.start());
    await elapse(100);
    // shard a answers slowly for a while: 120 ms a command
    const run = (fake as unknown as { run: (key: string, fn: () => unknown, write?: boolean) => Promise<unknown> }).run.bind(fake);
    (fake as unknown as { run: unknown }).run = (key: string, fn: () => unknown, write = false) => (fake.groupOf(key) === 'shard a:1' ? sleep(120).then(() => fn()) : run(key, fn, write));
    await elapse(400);
    (fake as unknown as { run: unknown }).run = run;
    await elapse(200);
    const s = await settle(checker.stop());
    const stalledInWindows = s.windowList.reduce((n, w) => n + w.stalledWrites, 0);
    expect(s.windowList.every((w) => w.group === 'shard a:1')).toBe(true);
    expect(s.counts.stalled).toBeGreaterThan(0);
    expect(stalledInWindows).toBeGreaterThan(0);
    expect(stalledInWindows).toBeLessThanOrEqual(s.counts.stalled);
    expect(s.slowestWriteMs).toBeGreaterThan(50);
    expect(s.counts.writeErrors).toBe(0);
  });
});
