// `cutover drill`, headless. Owned by the drill work.
import type { DrillArgs } from './config/drill-args.js';

export async function drillCommand(_a: DrillArgs): Promise<number> {
  process.stderr.write('cutover: drill is not implemented yet\n');
  return 1;
}
