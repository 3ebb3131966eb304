// Finds redis-server and redis-cli (>= 6.2): on PATH first, then in the project's own .redis/ folder,
// and otherwise fetches Debian's packages into .redis/ (apt-get download + dpkg -x), with no step by hand.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RedisBinaries {
  server: string;
  cli: string;
  /** extra environment the binaries need (LD_LIBRARY_PATH for the project's copy) */
  env: Record<string, string>;
  version: string;
  from: 'path' | 'project' | 'env';
}

export class RedisMissingError extends Error {}

const MIN_VERSION = [6, 2];
const INSTALL_HINT =
  'install Redis >= 6.2 (Debian/Ubuntu: apt-get install redis-server redis-tools redis-sentinel) or put redis-server and redis-cli on PATH';
/** Debian's redis-tools ships the server binary as redis-check-rdb; these two are its libraries. */
const DEBIAN_PACKAGES = ['redis-tools', 'libjemalloc2', 'liblzf1'];

/** The package's root folder: dist/lab/x.js and src/lab/x.ts are both two levels down. */
export function projectRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

function which(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** Runs `server --version`; returns "7.0.15" or undefined when it does not run. */
export function serverVersion(server: string, env: Record<string, string> = {}): string | undefined {
  const out = spawnSync(server, ['--version'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 5000 });
  if (out.status !== 0) return undefined;
  return /v=(\d+\.\d+\.\d+)/.exec(out.stdout)?.[1];
}

export function versionAtLeast(version: string, min: number[] = MIN_VERSION): boolean {
  const parts = version.split('.').map(Number);
  for (let i = 0; i < min.length; i++) {
    if ((parts[i] ?? 0) !== min[i]) return (parts[i] ?? 0) > min[i];
  }
  return true;
}

function check(server: string, cli: string, env: Record<string, string>, from: RedisBinaries['from']): RedisBinaries | undefined {
  if (!existsSync(server) || !existsSync(cli)) return undefined;
  const version = serverVersion(server, env);
  if (!version || !versionAtLeast(version)) return undefined;
  return { server, cli, env, version, from };
}

function projectCopy(root: string): RedisBinaries | undefined {
  const base = join(root, '.redis');
  const lib = join(base, 'root', 'usr', 'lib', 'x86_64-linux-gnu');
  const libDirs = existsSync(join(base, 'root', 'usr', 'lib'))
    ? readdirSync(join(base, 'root', 'usr', 'lib')).map((d) => join(base, 'root', 'usr', 'lib', d))
    : [lib];
  const env = { LD_LIBRARY_PATH: [...libDirs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
  return check(join(base, 'bin', 'redis-server'), join(base, 'bin', 'redis-cli'), env, 'project');
}

function aptListsEmpty(): boolean {
  try {
    return readdirSync('/var/lib/apt/lists').filter((f) => f.endsWith('Packages') || f.includes('Packages.')).length === 0;
  } catch {
    return true;
  }
}

function run(cmd: string, args: string[], cwd: string): void {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
}

/** Fetch Debian's packages into <root>/.redis, unpacked, with bin/ links. Throws RedisMissingError. */
function fetchDebianPackages(root: string, log: (line: string) => void): void {
  if (!which('apt-get') || !which('dpkg')) throw new RedisMissingError(`redis-server not found: ${INSTALL_HINT}`);
  const base = join(root, '.redis');
  const debs = join(base, 'debs');
  rmSync(base, { recursive: true, force: true });
  mkdirSync(debs, { recursive: true });
  const isRoot = process.getuid?.() === 0;
  log(`cutover: Redis not on PATH; fetching Debian's ${DEBIAN_PACKAGES.join(', ')} into ${base}`);
  const download = () => run('apt-get', ['download', ...DEBIAN_PACKAGES], debs);
  try {
    if (isRoot && aptListsEmpty()) run('apt-get', ['update', '-qq'], debs);
    download();
  } catch (first) {
    try {
      if (!isRoot) throw first;
      run('apt-get', ['update', '-qq'], debs);
      download();
    } catch (err) {
      rmSync(base, { recursive: true, force: true });
      const why = (err as { stderr?: Buffer }).stderr?.toString().trim().split('\n').pop() ?? String(err);
      throw new RedisMissingError(`redis-server not found and apt-get download failed (${why}): ${INSTALL_HINT}`);
    }
  }
  for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb'))) run('dpkg', ['-x', join(debs, deb), join(base, 'root')], base);
  const bin = join(base, 'bin');
  mkdirSync(bin, { recursive: true });
  const usrBin = join(base, 'root', 'usr', 'bin');
  // redis-check-rdb is the multi-call server binary in Debian's redis-tools; the name it is called by picks the mode.
  symlinkSync(join(usrBin, 'redis-check-rdb'), join(bin, 'redis-server'));
  symlinkSync(join(usrBin, 'redis-check-rdb'), join(bin, 'redis-sentinel'));
  symlinkSync(join(usrBin, 'redis-cli'), join(bin, 'redis-cli'));
}

let cached: RedisBinaries | undefined;

/**
 * Locate (or fetch) the Redis binaries. `REDIS_SERVER`/`REDIS_CLI` override everything.
 * Throws RedisMissingError with one line that says what to install.
 */
export function findRedis(opts: { log?: (line: string) => void; root?: string } = {}): RedisBinaries {
  if (cached) return cached;
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const root = opts.root ?? projectRoot();
  if (process.env.REDIS_SERVER) {
    const server = process.env.REDIS_SERVER;
    const cli = process.env.REDIS_CLI ?? join(dirname(server), 'redis-cli');
    const found = check(server, cli, {}, 'env');
    if (!found) throw new RedisMissingError(`REDIS_SERVER=${server} is not a runnable redis-server >= 6.2 (with redis-cli beside it or in REDIS_CLI)`);
    return (cached = found);
  }
  const onPath = which('redis-server');
  const cliOnPath = which('redis-cli');
  if (onPath && cliOnPath) {
    const found = check(onPath, cliOnPath, {}, 'path');
    if (found) return (cached = found);
  }
  const local = projectCopy(root);
  if (local) return (cached = local);
  withLock(join(root, '.redis.lock'), () => {
    if (!projectCopy(root)) fetchDebianPackages(root, log);
  });
  const fetched = projectCopy(root);
  if (!fetched) throw new RedisMissingError(`Debian's redis-tools was fetched into .redis/ but does not run: ${INSTALL_HINT}`);
  return (cached = fetched);
}

/** A cross-process lock by mkdir, so parallel test workers fetch the packages once. */
function withLock(dir: string, fn: () => void): void {
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(dir);
      break;
    } catch {
      try {
        if (Date.now() - statSync(dir).mtimeMs > 300_000) rmSync(dir, { recursive: true, force: true });
      } catch {
        /* gone already */
      }
      if (Date.now() > deadline) throw new RedisMissingError(`timed out waiting for ${dir}: remove it if no other cutover is fetching Redis`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
