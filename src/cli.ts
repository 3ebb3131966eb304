#!/usr/bin/env node
// cutover's entry point: parses the command, picks console / plain text / JSON, and sets the exit code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommand, type Command, type ConnectionArgs } from './config/args.js';
import { InputError, describeEndpoint } from './config/endpoint.js';
import { redact } from './config/redact.js';
import { checkEndpoint, DEFAULT_CONNECT, type ConnectOptions } from './engine/connect.js';
import { TopologyMonitor } from './engine/topology/monitor.js';
import { helpText } from './help.js';
import { projectRoot } from './lab/redis-binaries.js';
import { logLine, topologyJson, topologyText } from './render/text.js';
import { createAppStore, publish } from './store/store.js';

export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

function version(): string {
  return JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')).version;
}

function connectOptions(a: Pick<ConnectionArgs, 'tlsFiles' | 'timeoutMs'>): ConnectOptions {
  return { ...DEFAULT_CONNECT, tlsFiles: a.tlsFiles, commandTimeoutMs: a.timeoutMs, connectTimeoutMs: Math.max(a.timeoutMs, 1000) };
}

/** Every entry point must answer before anything is drawn: a typo is one line, not an empty screen. */
async function checkEntries(a: ConnectionArgs, conn: ConnectOptions): Promise<void> {
  await Promise.all(a.entries.map((ep) => checkEndpoint(ep, conn, a.masterName)));
}

function monitorFor(a: ConnectionArgs, extra: { labels?: Record<string, string>; subscribe?: boolean } = {}): TopologyMonitor {
  return new TopologyMonitor({
    entries: a.entries,
    conn: connectOptions(a),
    intervalMs: a.intervalMs,
    masterName: a.masterName,
    entryLabels: a.entries.map(describeEndpoint),
    ...extra,
  });
}

async function topology(a: ConnectionArgs & { json: boolean }): Promise<number> {
  await checkEntries(a, connectOptions(a));
  const monitor = monitorFor(a, { subscribe: false });
  try {
    const nodes = await monitor.discover();
    process.stdout.write(a.json ? topologyJson(nodes, monitor.deployment()) : topologyText(nodes, monitor.deployment()));
    return nodes.some((n) => n.status !== 'up') ? EXIT.failed : EXIT.ok;
  } finally {
    monitor.stop();
  }
}

/** stdout is not a terminal: the topology as text once, then a line per event, until a signal. */
async function plainConsole(monitor: TopologyMonitor): Promise<number> {
  // listen for the stop first: a signal during discovery is a clean stop too
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const nodes = await monitor.discover();
  process.stdout.write(topologyText(nodes, monitor.deployment()));
  monitor.events.on((e) => {
    if (e.type === 'log') process.stdout.write(redact(logLine(e.entry)) + '\n');
  });
  await monitor.start();
  await stopped;
  monitor.stop();
  return EXIT.ok;
}

async function liveConsole(monitor: TopologyMonitor, title?: string): Promise<number> {
  const store = createAppStore();
  const detach = publish(monitor.events, store);
  const { runConsole } = await import('./ui/run.js');
  const started = monitor.start();
  started.catch(() => undefined);
  try {
    await runConsole(store, { title });
  } finally {
    monitor.stop();
    detach();
  }
  return EXIT.ok;
}

async function consoleCommand(a: ConnectionArgs, extra: { labels?: Record<string, string>; title?: string } = {}): Promise<number> {
  await checkEntries(a, connectOptions(a));
  const monitor = monitorFor(a, { labels: extra.labels });
  return process.stdout.isTTY ? liveConsole(monitor, extra.title) : plainConsole(monitor);
}

async function labCommand(c: Extract<Command, { kind: 'lab' }>): Promise<number> {
  const { startLab } = await import('./lab/lab.js');
  const log = (line: string) => process.stderr.write(line + '\n');
  const lab = await startLab({ preset: c.preset, keys: c.keys, workload: c.workload, log });
  try {
    const { parseEndpoint } = await import('./config/endpoint.js');
    const args: ConnectionArgs = {
      entries: lab.entries().map((e) => parseEndpoint(e)),
      intervalMs: c.intervalMs,
      timeoutMs: Math.max(1000, c.intervalMs),
      tlsFiles: {},
    };
    return await consoleCommand(args, { labels: lab.labels(), title: `lab ${c.preset}` });
  } finally {
    await lab.stop();
  }
}

export async function main(argv: string[]): Promise<number> {
  let cmd: Command;
  try {
    cmd = parseCommand(argv);
  } catch (err) {
    process.stderr.write(`cutover: ${redact((err as Error).message)}\n`);
    return EXIT.badInput;
  }
  try {
    switch (cmd.kind) {
      case 'help':
        process.stdout.write(helpText(cmd.topic));
        return EXIT.ok;
      case 'version':
        process.stdout.write(version() + '\n');
        return EXIT.ok;
      case 'topology':
        return await topology(cmd);
      case 'console':
        return await consoleCommand(cmd);
      case 'lab':
        return await labCommand(cmd);
    }
  } catch (err) {
    const msg = (err as Error)?.message ?? String(err);
    process.stderr.write(`cutover: ${redact(msg.split('\n')[0])}\n`);
    if (process.env.CUTOVER_DEBUG) process.stderr.write(redact(String((err as Error)?.stack)) + '\n');
    return err instanceof InputError ? EXIT.badInput : EXIT.failed;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // pollers and subscribers are closed; anything still pending must not keep a finished command alive
    setTimeout(() => process.exit(code), 200).unref();
  },
  (err) => {
    process.stderr.write(`cutover: ${redact(String(err?.message ?? err))}\n`);
    process.exit(EXIT.failed);
  },
);
