#!/usr/bin/env node
// cutover's entry point: parses the command, picks console / plain text / JSON, and sets the exit code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultTimeout, parseCommand, type Command, type ConnectionArgs } from './config/args.js';
import { InputError, describeEndpoint, parseEndpoint, type Endpoint } from './config/endpoint.js';
import { redact } from './config/redact.js';
import { checkEndpoint, DEFAULT_CONNECT, tlsSettings, type ConnectOptions } from './engine/redis/connect.js';
import { TopologyMonitor } from './engine/topology/monitor.js';
import { helpText } from './commands/help.js';
import { projectRoot } from './lab/redis-binaries.js';
import { logLine, topologyJson, topologyText } from './render/text.js';
import { ReplicationRunner } from './engine/replicate/runner.js';
import { DrillRunner } from './engine/drill/runner.js';
import { FAILOVER_DEFAULTS, type FailoverRequest } from './engine/failover/failover.js';
import { FailoverWizard } from './engine/failover/wizard.js';
import type { NodeState } from './engine/topology/types.js';
import { initialState } from './store/state.js';
import { createAppStore, publish } from './store/store.js';
import type { ConsoleIntents } from './ui/context.js';

export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

function version(): string {
  return JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')).version;
}

function connectOptions(a: Pick<ConnectionArgs, 'tlsFiles' | 'timeoutMs' | 'entries'>): ConnectOptions {
  const tls = a.entries.some((e) => e.tls) ? tlsSettings(a.tlsFiles) : {};
  return { ...DEFAULT_CONNECT, tls, commandTimeoutMs: a.timeoutMs, connectTimeoutMs: Math.max(a.timeoutMs, 1000) };
}

/** A node that refuses or does not answer may just be down: discovery goes on and shows it down. */
const TRANSIENT = /connection refused|no answer from|closed the connection before answering/;

/**
 * Entry points are checked before anything is drawn. A typo, a wrong password, a TLS mismatch or a port
 * that is not Redis is one line and an exit; a node that is merely down is a warning, unless all are.
 */
async function checkEntries(a: ConnectionArgs, conn: ConnectOptions): Promise<void> {
  const firstSentinel = a.entries.length - (a.sentinelEntries ?? 0);
  const results = await Promise.allSettled(a.entries.map((ep, i) => checkEndpoint(ep, conn, a.masterName, i >= firstSentinel)));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  const fatal = failures.find((e) => e instanceof InputError || !TRANSIENT.test(e.message));
  if (fatal) throw fatal;
  if (failures.length === results.length) throw failures[0];
  for (const e of failures) process.stderr.write(`cutover: warning: ${redact(e.message)} (shown as down)\n`);
}

function monitorFor(a: ConnectionArgs, conn: ConnectOptions, extra: { labels?: Record<string, string>; subscribe?: boolean } = {}): TopologyMonitor {
  return new TopologyMonitor({
    entries: a.entries,
    conn,
    intervalMs: a.intervalMs,
    masterName: a.masterName,
    entryLabels: a.entries.map(describeEndpoint),
    dataAuth: a.dataAuth,
    sentinelAuth: a.sentinelAuth,
    ...extra,
  });
}

/**
 * ioredis writes some warnings with console.warn (a password given to a server that needs none);
 * on the console's screen they would tear the drawing. They go where `warn` sends them, redacted, once each.
 */
const seenWarnings = new Set<string>();
let warn: (line: string) => void = (line) => void process.stderr.write(`cutover: warning: ${line}\n`);
console.warn = (...args: unknown[]) => {
  const line = redact(args.map(String).join(' ').replace(/^\[WARN\]\s*/, ''));
  if (seenWarnings.has(line)) return;
  seenWarnings.add(line);
  warn(line);
};

async function topology(a: ConnectionArgs & { json: boolean }): Promise<number> {
  const conn = connectOptions(a);
  await checkEntries(a, conn);
  const monitor = monitorFor(a, conn, { subscribe: false });
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

async function liveConsole(monitor: TopologyMonitor, a: ConnectionArgs, conn: ConnectOptions, extra: ConsoleExtra): Promise<number> {
  const base = initialState();
  const store = createAppStore({ ...base, ui: { ...base.ui, pair: extra.pair ?? {} } });
  const runner = new ReplicationRunner(conn);
  const drills = new DrillRunner();
  const wizard = new FailoverWizard();
  const detach = publish([monitor.events, runner.events, drills.events, wizard.events], store);
  // a node on screen as an endpoint: its address, the data nodes' credentials, TLS as the entry points use it
  const endpointOf = (id: string): Endpoint | undefined => {
    const node = store.getState().nodes[id];
    return node && { host: node.host, port: node.port, tls: a.entries.some((e) => e.tls), username: a.dataAuth.username, password: a.dataAuth.password, db: 0 };
  };
  const intents: ConsoleIntents = {
    startJob: (kind, sourceId, targetId) => {
      const [source, target] = [endpointOf(sourceId), endpointOf(targetId)];
      if (source && target) runner.start(kind, source, target, { type: 'dump', overwrite: true });
    },
    stopJob: () => runner.stop(),
    startDrill: (id) => {
      const c = drillConnectionFor(store.getState().nodes, id);
      if (c) drills.start({ ...c, username: a.dataAuth.username, password: a.dataAuth.password, tls: a.entries.some((e) => e.tls), tlsOptions: conn.tls }, c.label);
    },
    stopDrill: () => drills.stop(),
    startFailover: (id) => {
      const req = failoverRequestFor(store.getState().nodes, id, a, conn);
      if (!req) return;
      let drilled = false;
      wizard.start(req, id, {
        // a drill alongside (Tab before confirming): started once confirmed, writing before the first step
        before: async () => {
          if (!store.getState().wizard?.drill) return;
          const c = drillConnectionFor(store.getState().nodes, id);
          if (!c) return;
          drilled = true;
          drills.start({ ...c, username: a.dataAuth.username, password: a.dataAuth.password, tls: a.entries.some((e) => e.tls), tlsOptions: conn.tls }, c.label);
          for (let i = 0; i < 100 && store.getState().drill?.state !== 'running'; i++) await new Promise((r) => setTimeout(r, 50));
          await new Promise((r) => setTimeout(r, 1000)); // a second of writes before the switch
        },
        after: () => {
          // a second of writes after it, then the drill's verdict: the window and the lost writes
          if (drilled) setTimeout(() => drills.stop(), 1000);
        },
      });
    },
    answerFailover: (typed) => wizard.answer(typed),
    cancelFailover: () => wizard.cancel(),
  };
  warn = (message) => monitor.events.emit({ type: 'log', entry: { at: Date.now(), level: 'warn', kind: 'info', message } });
  const { runConsole } = await import('./ui/run.js');
  const started = monitor.start();
  started.catch(() => undefined);
  try {
    await runConsole(store, { title: extra.title, intents, readOnly: extra.readOnly });
  } finally {
    runner.stop();
    wizard.cancel();
    drills.stop();
    monitor.stop();
    detach();
  }
  return EXIT.ok;
}

/**
 * The failover the wizard prepares for a node: its deployment entered through its master (or, with the master down,
 * its replicas: unplanned), through the Sentinels that watch the master; a replica selected is the one to promote.
 */
function failoverRequestFor(nodes: Record<string, NodeState>, id: string, a: ConnectionArgs, conn: ConnectOptions): FailoverRequest | undefined {
  const node = nodes[id];
  if (!node || node.role === 'sentinel') return undefined;
  let root = node;
  for (let hops = 0; root.role === 'replica' && root.masterId && nodes[root.masterId] && hops < 10; hops++) root = nodes[root.masterId];
  const tls = a.entries.some((e) => e.tls);
  const ep = (n: NodeState): Endpoint => ({ host: n.host, port: n.port, tls, db: 0, username: a.dataAuth.username, password: a.dataAuth.password });
  const unplanned = root.status === 'down';
  const replicas = Object.values(nodes).filter((n) => n.role === 'replica' && n.status === 'up' && n.masterId === root.id);
  const entries = unplanned ? (replicas.length ? replicas.map(ep) : [ep(node)]) : [ep(root)];
  const watchers = Object.values(nodes).filter((n) => n.role === 'sentinel' && n.status === 'up');
  const watched = watchers.flatMap((w) => w.sentinel?.masters.filter((m) => `${m.host}:${m.port}` === root.id).map((m) => m.name) ?? []);
  const masterName = watched[0];
  return {
    entries,
    to: node.id !== root.id ? ep(node) : undefined,
    sentinels: masterName ? watchers.map((w) => ({ host: w.host, port: w.port, tls, db: 0, username: a.sentinelAuth.username, password: a.sentinelAuth.password })) : [],
    masterName,
    conn,
    dataAuth: a.dataAuth,
    sentinelAuth: a.sentinelAuth,
    unplanned,
    via: FAILOVER_DEFAULTS.via,
    timeoutMs: FAILOVER_DEFAULTS.timeoutMs,
    followTimeoutMs: FAILOVER_DEFAULTS.followTimeoutMs,
    fenceWaitMs: FAILOVER_DEFAULTS.fenceWaitMs,
    killClients: false,
  };
}

/**
 * Where a drill on a node's deployment writes: through its Sentinels when some watch its master (they follow a
 * failover), otherwise the node itself (the drill follows role changes among the nodes it learns of).
 */
function drillConnectionFor(nodes: Record<string, NodeState>, id: string): { uri?: string; sentinels?: string[]; masterName?: string; label: string } | undefined {
  let node = nodes[id];
  if (!node || node.role === 'sentinel') return undefined;
  for (let hops = 0; node.role === 'replica' && node.masterId && nodes[node.masterId] && hops < 10; hops++) node = nodes[node.masterId];
  const watchers = Object.values(nodes).filter((n) => n.role === 'sentinel' && n.status === 'up');
  for (const w of watchers) {
    const m = w.sentinel?.masters.find((x) => `${x.host}:${x.port}` === node.id);
    if (m) return { sentinels: watchers.map((x) => x.id), masterName: m.name, label: `sentinel ${w.id} · master '${m.name}'` };
  }
  return { uri: node.id, label: node.id };
}

interface ConsoleExtra {
  labels?: Record<string, string>;
  title?: string;
  /** replication source and target marked from the start (the migration lab's master and target) */
  pair?: { source?: string; target?: string };
  /** --read-only: no key changes anything on a server */
  readOnly?: boolean;
}

async function consoleCommand(a: ConnectionArgs, extra: ConsoleExtra = {}): Promise<number> {
  const conn = connectOptions(a);
  await checkEntries(a, conn);
  const monitor = monitorFor(a, conn, { labels: extra.labels });
  // keys need a terminal too: with stdin or stdout redirected, plain text
  return process.stdout.isTTY && process.stdin.isTTY ? liveConsole(monitor, a, conn, extra) : plainConsole(monitor);
}

async function labCommand(c: Extract<Command, { kind: 'lab' }>): Promise<number> {
  const { startLab } = await import('./lab/lab.js');
  const log = (line: string) => process.stderr.write(line + '\n');
  const lab = await startLab({ preset: c.preset, keys: c.keys, workload: c.workload, log });
  try {
    const args: ConnectionArgs = {
      entries: lab.entries().map((e) => parseEndpoint(e)),
      intervalMs: c.intervalMs,
      timeoutMs: defaultTimeout(c.intervalMs),
      tlsFiles: {},
      dataAuth: {},
      sentinelAuth: {},
    };
    const target = lab.targetEntry();
    const pair = target ? { source: lab.server('master').address, target } : undefined;
    return await consoleCommand(args, { labels: lab.labels(), title: `lab ${c.preset}`, pair, readOnly: c.readOnly });
  } finally {
    await lab.stop();
  }
}

// `cutover console … | head`: the reader went away; that is a normal end, not a crash
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT.ok);
});

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
        return await consoleCommand(cmd, { readOnly: cmd.readOnly });
      case 'lab':
        return await labCommand(cmd);
      case 'replicate':
        return await (await import('./commands/replicate.js')).replicateCommand(cmd);
      case 'drill':
        return await (await import('./commands/drill.js')).drillCommand(cmd);
      case 'failover':
        return await (await import('./commands/failover.js')).failoverCommand(cmd);
      case 'clone':
        return await (await import('./commands/clone.js')).cloneCommand(cmd);
    }
  } catch (err) {
    const msg = (err as Error)?.message ?? String(err);
    process.stderr.write(`cutover: ${redact(msg.split('\n')[0])}\n`);
    if (process.env.CUTOVER_DEBUG) process.stderr.write(redact(String((err as Error)?.stack)) + '\n');
    return err instanceof InputError ? EXIT.badInput : EXIT.failed;
  }
}

// benchmarks: CUTOVER_RUSAGE=1 prints this process's CPU time and peak memory as one JSON line on stderr at exit
if (process.env.CUTOVER_RUSAGE) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    process.stderr.write(JSON.stringify({ rusage: { userSec: u.userCPUTime / 1e6, sysSec: u.systemCPUTime / 1e6, maxRssMb: u.maxRSS / 1024 } }) + '\n');
  });
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
