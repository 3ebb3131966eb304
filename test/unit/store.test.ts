import { afterEach, describe, expect, it, vi } from 'vitest';
import { Emitter } from '../../src/engine/emitter.js';
import type { NodeState, TopologyEvent } from '../../src/engine/topology/types.js';
import { applyEvents } from '../../src/store/reduce.js';
import { initialState, LOG_CAPACITY } from '../../src/store/state.js';
import { createAppStore, publish } from '../../src/store/store.js';

const node = (id: string): NodeState => ({ id, host: 'h', port: 1, role: 'master', status: 'up' });

describe('applyEvents', () => {
  it('keeps discovery order, selects the first node, and forgets a merged alias', () => {
    let s = applyEvents(initialState(), [{ type: 'node', node: node('a') }, { type: 'node', node: node('b') }]);
    expect(s.order).toEqual(['a', 'b']);
    expect(s.ui.selected).toBe('a');
    s = applyEvents(s, [{ type: 'node-removed', id: 'a' }]);
    expect(s.order).toEqual(['b']);
    expect(s.nodes.a).toBeUndefined();
    expect(s.ui.selected).toBe('b');
  });
  it('bounds the event log', () => {
    const logs: TopologyEvent[] = Array.from({ length: LOG_CAPACITY + 10 }, (_, i) => ({ type: 'log', entry: { at: i, level: 'info', kind: 'info', message: String(i) } }));
    const s = applyEvents(initialState(), logs);
    expect(s.log).toHaveLength(LOG_CAPACITY);
    expect(s.log[0].message).toBe('10');
  });
});

describe('publish', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  it('folds a burst of events into the store in one update, on the next 10 Hz tick', () => {
    vi.useFakeTimers();
    const events = new Emitter<TopologyEvent>();
    const store = createAppStore();
    let updates = 0;
    store.subscribe(() => updates++);
    const detach = publish(events, store, 10);
    for (let i = 0; i < 100; i++) events.emit({ type: 'node', node: { ...node('a'), offset: i } });
    vi.advanceTimersByTime(99);
    expect(updates).toBe(0);
    vi.advanceTimersByTime(1);
    expect(updates).toBe(1);
    expect(store.getState().nodes.a.offset).toBe(99);
    // nothing new: no update on the next tick
    vi.advanceTimersByTime(100);
    expect(updates).toBe(1);
    detach();
  });
  it('flushes what is left when detached, before the tick', () => {
    vi.useFakeTimers();
    const events = new Emitter<TopologyEvent>();
    const store = createAppStore();
    let updates = 0;
    store.subscribe(() => updates++);
    const detach = publish(events, store, 10);
    events.emit({ type: 'node', node: node('a') });
    vi.advanceTimersByTime(50);
    detach();
    expect(updates).toBe(1);
    expect(store.getState().order).toEqual(['a']);
    events.emit({ type: 'node', node: node('b') });
    vi.advanceTimersByTime(200);
    expect(updates).toBe(1);
  });
});
