// Slot moves: the reshard engine (plan, run, stop, events, journal).
export { planReshard, shareOf, SLOTS, type ClusterView, type ReshardRequest } from './reshard-plan.js';
export { clusterViewOf, readClusterView } from './cluster-view.js';
export { Reshard, RESHARD_DEFAULTS, type ReshardDeps } from './reshard.js';
export { openSteps, closeSteps, type SlotStep } from './slot-steps.js';
export type * from './types.js';
