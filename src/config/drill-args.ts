// `cutover drill` options. Owned by the drill (consistency checker) work.

export interface DrillArgs {
  uri: string;
}

export const DRILL_HELP = `cutover drill --uri URI [--counters 1000] [--rate N] [--duration D]

(not implemented yet)`;

/** Parses `cutover drill …` (argv after the command word). */
export function drillArgs(_argv: string[], _env: NodeJS.ProcessEnv): ({ kind: 'drill' } & DrillArgs) | { kind: 'help'; topic: string } {
  return { kind: 'help', topic: 'drill' };
}
