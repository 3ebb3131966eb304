// The zustand vanilla store, created outside React, fed by the engine through a 10 Hz publisher.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { applyEvents } from './reduce.js';
import { initialState, type AppEvent, type AppState } from './state.js';

export type AppStore = StoreApi<AppState>;

export function createAppStore(state: AppState = initialState()): AppStore {
  return createStore<AppState>()(() => state);
}

/**
 * Buffers engine events and folds them into the store at most `hz` times a second, so a burst of
 * Redis replies costs one render. Returns a function that flushes what is left and detaches.
 */
/** Anything that emits some of the store's events: the topology engine, the replication runner. */
export interface EventSource {
  on(listener: (event: AppEvent) => void): () => void;
}

export function publish(sources: EventSource[] | EventSource, store: AppStore, hz = 10): () => void {
  let pending: AppEvent[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    store.setState(applyEvents(store.getState(), batch), true);
  };
  const offs = (Array.isArray(sources) ? sources : [sources]).map((src) => src.on((e) => pending.push(e)));
  const timer = setInterval(flush, Math.max(1, Math.round(1000 / hz)));
  timer.unref();
  return () => {
    for (const off of offs) off();
    clearInterval(timer);
    flush();
  };
}
