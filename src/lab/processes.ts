// Every redis process a lab starts is registered here, so that none outlives cutover: on normal exit,
// on SIGINT/SIGTERM/SIGHUP and on an uncaught crash. A lab folder also records its owner's pid, so a
// later lab can sweep servers left behind by a cutover that was killed with SIGKILL.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const live = new Set<ChildProcess>();
const dirs = new Set<string>();
let installed = false;

function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  live.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAll();
      // keep the conventional exit status of a signal death once our servers are gone
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const)[signal]);
    });
  }
}

export function track(child: ChildProcess): void {
  installHandlers();
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** A lab folder to remove with its servers if cutover is stopped by a signal. */
export function trackDir(dir: string): () => void {
  installHandlers();
  dirs.add(dir);
  return () => dirs.delete(dir);
}

export function liveCount(): number {
  return live.size;
}

/** Running, and not a zombie waiting to be reaped. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

function isRedis(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('redis');
  } catch {
    return false;
  }
}

/**
 * Lab folders are `<tmp>/cutover-lab-<ownerPid>-<random>`; each server's folder holds `redis.pid`.
 * Kills the servers of labs whose owner is dead and removes their folders. Returns how many servers it killed.
 */
export function sweepOrphans(tmp: string): number {
  let killed = 0;
  let entries: string[] = [];
  try {
    entries = readdirSync(tmp).filter((d) => d.startsWith('cutover-lab-'));
  } catch {
    return 0;
  }
  for (const dir of entries) {
    const owner = Number(/^cutover-lab-(\d+)-/.exec(dir)?.[1]);
    if (!owner || alive(owner)) continue;
    const labDir = join(tmp, dir);
    try {
      if (!statSync(labDir).isDirectory()) continue;
      for (const node of readdirSync(labDir)) {
        const pidFile = join(labDir, node, 'redis.pid');
        if (!existsSync(pidFile)) continue;
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        if (pid && alive(pid) && isRedis(pid)) {
          process.kill(pid, 'SIGKILL');
          killed++;
        }
      }
      rmSync(labDir, { recursive: true, force: true });
    } catch {
      /* another sweeper got there first */
    }
  }
  return killed;
}
