import { describe, expect, it } from 'vitest';
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
  it('folds a burst of events into the store in one update', async () => {
    const events = new Emitter<TopologyEvent>();
    const store = createAppStore();
    let updates = 0;
    store.subscribe(() => updates++);
    const detach = publish(events, store, 10);
    for (let i = 0; i < 100; i++) events.emit({ type: 'node', node: { ...node('a'), offset: i } });
    expect(updates).toBe(0);
    await new Promise((r) => setTimeout(r, 150));
    expect(updates).toBe(1);
    expect(store.getState().nodes.a.offset).toBe(99);
    detach();
  });
});
