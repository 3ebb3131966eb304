// Shared by the integration tests: a monitor on lab endpoints, waiting on its events, and the real binary.
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/lab/ports.js';
import { findRedis } from '../../src/lab/redis-binaries.js';
import { LabServer } from '../../src/lab/server.js';
import { parseEndpoint } from '../../src/options/endpoint.js';
import { DEFAULT_CONNECT } from '../../src/engine/redis/connect.js';
import { TopologyMonitor } from '../../src/engine/topology/monitor.js';
import type { LogEntry, NodeState } from '../../src/engine/topology/types.js';

export function monitorOn(addresses: string[], opts: { intervalMs?: number; subscribe?: boolean; labels?: Record<string, string> } = {}) {
  const monitor = new TopologyMonitor({
    entries: addresses.map((a) => parseEndpoint(a)),
    conn: { ...DEFAULT_CONNECT, commandTimeoutMs: 1000, connectTimeoutMs: 1000 },
    intervalMs: opts.intervalMs ?? 1000,
    subscribe: opts.subscribe,
    labels: opts.labels,
  });
  const nodes = new Map<string, NodeState>();
  const log: LogEntry[] = [];
  monitor.events.on((e) => {
    if (e.type === 'node') nodes.set(e.node.id, e.node);
    if (e.type === 'log') log.push(e.entry);
  });
  return { monitor, nodes, log };
}

/** Waits until `check` (sync or async) gives a truthy value and returns it; a check that throws counts as not yet. */
export async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message ?? last})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function roles(nodes: NodeState[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of nodes) out[n.role] = (out[n.role] ?? 0) + 1;
  return out;
}

export const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

/** Runs the built binary without blocking this process (tests keep fake servers in it). */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Standalone lab servers of the given names in a fresh folder, started; the caller kills them and removes the folder. */
export async function standaloneServers(names: string[], prefix: string): Promise<{ servers: LabServer[]; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const bins = findRedis();
  const servers = await Promise.all(names.map(async (name) => new LabServer(bins, dir, { name, kind: 'redis', port: await freePort(), config: [] })));
  await Promise.all(servers.map((s) => s.start()));
  return { servers, dir };
}

/** Kills what standaloneServers started and removes its folder; the clients given are disconnected first. */
export async function stopServers(servers: LabServer[], dir: string | undefined, clients: Array<{ disconnect(): void } | undefined> = []): Promise<void> {
  for (const c of clients) c?.disconnect();
  await Promise.all(servers.map((s) => s.kill()));
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** The built binary, its output collected as it comes (for runs a test signals, kills or watches midway). */
export interface CliRun {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  /** undefined while it runs */
  code: number | null | undefined;
  exitedAt: number;
}

export function startCli(args: string[]): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const run: CliRun = { child, stdout: '', stderr: '', code: undefined, exitedAt: 0 };
  child.stdout!.on('data', (d) => (run.stdout += d));
  child.stderr!.on('data', (d) => (run.stderr += d));
  child.on('exit', (code) => {
    run.code = code;
    run.exitedAt = Date.now();
  });
  return run;
}

/** The NDJSON events among a run's stdout lines. */
export function ndjsonEvents(stdout: string): ReturnType<typeof JSON.parse>[] {
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

/** `n` string keys `<prefix><i>` on the server at `port`, by MSETs of a thousand. */
export async function fillStrings(port: number, prefix: string, n: number): Promise<void> {
  const c = new Redis({ host: '127.0.0.1', port });
  c.on('error', () => undefined);
  try {
    for (let i = 0; i < n; i += 1000) {
      const args: string[] = [];
      for (let j = i; j < Math.min(i + 1000, n); j++) args.push(`${prefix}${j}`, `value ${j}`);
      await c.mset(...args);
    }
  } finally {
    c.disconnect();
  }
}

/** SIGCONT to every pid a test SIGSTOPped (emptying the list); one already gone is fine. */
export function resumeStopped(pids: number[]): void {
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // already gone
    }
  }
}
