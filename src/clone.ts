// `cutover clone`, headless. Owned by the failover/clone work.
import type { CloneArgs } from './config/failover-args.js';

export async function cloneCommand(_a: CloneArgs): Promise<number> {
  process.stderr.write('cutover: clone is not implemented yet\n');
  return 1;
}
