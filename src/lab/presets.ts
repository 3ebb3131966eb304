// The lab's preset names, shared by the command line and the lab.
export const PRESETS = ['replication', 'migration', 'cluster'] as const;
export type Preset = (typeof PRESETS)[number];

/** The cluster preset's shape: masters (3 or more, as redis-cli --cluster create wants), replicas of each, and
 * spare nodes: empty cluster-enabled masters already met into the cluster. The default: 3, 1, 0. */
export interface ClusterShape {
  masters: number;
  replicas: number;
  spare: number;
}

export const DEFAULT_CLUSTER: ClusterShape = { masters: 3, replicas: 1, spare: 0 };
