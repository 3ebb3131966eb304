// Before any test file runs: find Redis (or fetch Debian's packages into .redis/) once, so parallel
// workers do not race to fetch it. (`npm test` builds dist/ first, through its pretest script.)
import { findRedis } from '../src/lab/redis-binaries.js';

export default function setup(): void {
  const bins = findRedis();
  process.stderr.write(`tests: redis ${bins.version} from ${bins.from} (${bins.server})\n`);
}
