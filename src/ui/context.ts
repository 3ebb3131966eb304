// What every component may reach: the store (read through selectors), the view intents, the theme.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ClusterAsk } from '../engine/cluster/cluster-ops.js';
import type { UiActions } from '../store/actions.js';
import type { AppState } from '../store/state.js';
import type { AppStore } from '../store/store.js';
import type { Theme } from './theme.js';

/** What the operator asks the engine for (the console knows no engine, only these). */
export interface ConsoleIntents {
  startJob(kind: 'snapshot' | 'compare' | 'live', sourceId: string, targetId: string): void;
  stopJob(): void;
  /** a consistency checker on the node's deployment (through its Sentinels when it has some) */
  startDrill(nodeId: string): void;
  stopDrill(): void;
  /** the failover wizard for the node's deployment (a replica: promote it; a master: the best candidate) */
  startFailover(nodeId: string): void;
  /** the word typed at the wizard's confirmation ('' declines) */
  answerFailover(typed: string): void;
  /** stop after the current step */
  cancelFailover(): void;
  /** cutover cluster check, read from this node (or any master up when it is not a cluster node) */
  checkCluster(nodeId: string): void;
  /** read the cluster, plan the reshard (or the rebalance) the form asks for and count its keys (reads only) */
  planReshard(ask: ClusterAsk): void;
  /** the word typed at the reshard's (or rebalance's) confirmation ('' declines); a drill alongside when the pane says so */
  answerReshard(typed: string): void;
  /** stop the reshard (or rebalance) after the slots in hand */
  stopReshard(): void;
}

export interface ConsoleContext {
  store: AppStore;
  actions: UiActions;
  theme: Theme;
  intents?: ConsoleIntents;
  /** started with --read-only: the dangerous keys are hidden and refused */
  readOnly?: boolean;
}

export const Ctx = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const c = useContext(Ctx);
  if (!c) throw new Error('console components need <Ctx.Provider>');
  return c;
}

/** Select a slice of the store. Return primitives or stable references (zustand 5 loops on fresh objects). */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useConsole().store, selector);
}
