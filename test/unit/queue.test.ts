import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../../src/engine/replicate/queue.js';

describe('BoundedQueue', () => {
  it('makes a producer wait while it is full', async () => {
    const q = new BoundedQueue<number>(2);
    await q.put(1);
    await q.put(2);
    let third = false;
    const p = q.put(3).then(() => (third = true));
    // every promise callback that could run has run (setImmediate comes after the microtask queue empties)
    await new Promise((r) => setImmediate(r));
    expect(third).toBe(false);
    expect(await q.take()).toEqual({ done: false, value: 1 });
    await p;
    expect(third).toBe(true);
    expect(q.size).toBe(2);
  });
  it('drains after close, then says done; puts after close throw', async () => {
    const q = new BoundedQueue<number | undefined>(4);
    await q.put(undefined);
    q.close();
    expect(await q.take()).toEqual({ done: false, value: undefined });
    expect(await q.take()).toEqual({ done: true });
    await expect(q.put(1)).rejects.toThrow(/closed/);
  });
  it('wakes a waiting taker', async () => {
    const q = new BoundedQueue<string>(1);
    const t = q.take();
    await q.put('x');
    expect(await t).toEqual({ done: false, value: 'x' });
  });
});
