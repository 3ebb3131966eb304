// --read-only behind the keys as well: the intents the console hands its layers can only read. A compare reads both
// sides and writes nothing (x stops it: the only job a read-only console can have running); every intent that would
// write, start a drill or move a role does nothing. A cluster check only reads: it runs; a reshard or a rebalance cannot be asked for.
import type { ConsoleIntents } from './context.js';

export function readOnlyIntents(intents: ConsoleIntents): ConsoleIntents {
  const nothing = () => undefined;
  return {
    startJob: (kind, source, target) => (kind === 'compare' ? intents.startJob(kind, source, target) : undefined),
    stopJob: () => intents.stopJob(),
    startDrill: nothing,
    stopDrill: nothing,
    startFailover: nothing,
    answerFailover: nothing,
    cancelFailover: nothing,
    checkCluster: (id) => intents.checkCluster(id),
    planReshard: nothing,
    answerReshard: nothing,
    stopReshard: nothing,
  };
}
