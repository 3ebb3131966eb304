// The lab's preset names, shared by the command line and the lab.
export const PRESETS = ['replication', 'migration', 'cluster'] as const;
export type Preset = (typeof PRESETS)[number];
