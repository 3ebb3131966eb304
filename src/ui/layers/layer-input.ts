// Keys to the top layer only. Each layer listens with Ink's useInput(…, { isActive }) while it is on top; a key
// that arrives after the store changed but before React has re-subscribed the listeners (a "s" then "no" read in
// quick succession) goes to the layer on top in the store at that moment, so it is neither lost nor taken by the
// layer underneath.
import { createContext, useContext, useLayoutEffect } from 'react';
import { useInput, type Key } from 'ink';
import type { AppState } from '../../store/state.js';
import { useConsole } from '../context.js';
import { pendingKind } from '../hooks/use-confirmation.js';

export type LayerId = 'help' | 'confirm' | 'base';
export type InputHandler = (input: string, key: Key) => void;

/** The layer that takes keys now: the ? help over everything, then a typed confirmation, then the panes. */
export function topLayer(s: AppState): LayerId {
  if (s.ui.help) return 'help';
  if (pendingKind(s)) return 'confirm';
  return 'base';
}

/** Each mounted layer's current handler (the App provides one per console). */
export const LayerHandlers = createContext<Map<LayerId, InputHandler>>(new Map());

export function useLayerInput(id: LayerId, handler: InputHandler, isActive: boolean): void {
  const { store } = useConsole();
  const handlers = useContext(LayerHandlers);
  // a layout effect: in place in the same commit that mounts or changes the layer, before any later key
  useLayoutEffect(() => {
    handlers.set(id, handler);
  });
  useLayoutEffect(() => () => void handlers.delete(id), [handlers, id]);
  useInput(
    (input, key) => {
      const top = topLayer(store.getState());
      (top === id ? handler : handlers.get(top))?.(input, key);
    },
    { isActive },
  );
}
