// `cutover failover`, headless. Owned by the failover/clone work.
import type { FailoverArgs } from './config/failover-args.js';

export async function failoverCommand(_a: FailoverArgs): Promise<number> {
  process.stderr.write('cutover: failover is not implemented yet\n');
  return 1;
}
