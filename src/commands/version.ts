// `cutover --version`: the version in package.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../lab/redis-binaries.js';
import { EXIT } from '../headless/exit-codes.js';

export function version(): string {
  return JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')).version;
}

export async function run(): Promise<number> {
  process.stdout.write(version() + '\n');
  return EXIT.ok;
}
