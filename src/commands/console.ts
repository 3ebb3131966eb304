// `cutover console`: the live console on existing servers (src/console/ wires it); with stdin or stdout not a
// terminal, the topology as text once, then a line per event until Ctrl-C or SIGTERM.
import type { Command, ConnectionArgs } from '../options/args.js';
import { redact } from '../options/redact.js';
import type { TopologyMonitor } from '../engine/topology/monitor.js';
import { runConsoleSession, type ConsoleOptions } from '../console/session.js';
import { EXIT } from '../headless/exit-codes.js';
import { onStopSignals } from '../headless/signals.js';
import { logLine, topologyText } from '../render/text.js';
import { CONNECTION_HELP } from './connection.js';
import { openDiscovery } from './discovery.js';
import { serveMetrics } from '../metrics/server.js';
import { topologyMetrics } from '../metrics/topology.js';

/** `cutover console --help` */
export const HELP = `cutover console ENDPOINT… [options]

Discovers every node reachable from the endpoints (replicas and chains through INFO replication,
Sentinels through their hello channel or --sentinel, cluster nodes through CLUSTER NODES) and shows them
live. When stdout is not a terminal it prints the topology as text, then one line per event, until stopped.
  --read-only          watch only: s, l, d and f (everything that writes or moves a role) are hidden and refused
  --metrics HOST:PORT  serve Prometheus metrics on http://HOST:PORT/metrics: every node (up, role, link, lag) and
                       the replication job and drill the console runs (see the README's Metrics)

${CONNECTION_HELP}`;

export async function run(a: Extract<Command, { kind: 'console' }>): Promise<number> {
  return openConsole(a, { readOnly: a.readOnly });
}

/** The console on the deployment the arguments enter (`cutover lab` opens it on its servers too). */
export async function openConsole(a: ConnectionArgs, o: ConsoleOptions & { labels?: Record<string, string> } = {}): Promise<number> {
  // --metrics: listening there is checked before discovery starts (a port in use: one line, exit 2)
  const metrics = a.metrics ? await serveMetrics(a.metrics) : undefined;
  try {
    const { conn, monitor } = await openDiscovery(a, { labels: o.labels });
    if (metrics) {
      const nodes = topologyMetrics(metrics.registry);
      monitor.events.on((e) => nodes.on(e));
    }
    // keys need a terminal too: with stdin or stdout redirected, plain text
    if (!process.stdout.isTTY || !process.stdin.isTTY) return await plainConsole(monitor);
    const reach = { tls: a.entries.some((e) => e.tls), dataAuth: a.dataAuth, sentinelAuth: a.sentinelAuth };
    await runConsoleSession(monitor, reach, conn, { ...o, registry: metrics?.registry });
    return EXIT.ok;
  } finally {
    await metrics?.close();
  }
}

/** stdout is not a terminal: the topology as text once, then a line per event, until a signal (a normal end: 0). */
async function plainConsole(monitor: TopologyMonitor): Promise<number> {
  // listen for the stop first: a signal during discovery is a clean stop too
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const signals = onStopSignals({ stop });
  try {
    const nodes = await monitor.discover();
    process.stdout.write(topologyText(nodes, monitor.deployment()));
    monitor.events.on((e) => {
      if (e.type === 'log') process.stdout.write(redact(logLine(e.entry)) + '\n');
    });
    await monitor.start();
    await stopped;
    return EXIT.ok;
  } finally {
    signals.dispose();
    monitor.stop();
  }
}
