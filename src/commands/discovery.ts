// What `cutover console`, `topology` and `lab` share: the connection options from the connection arguments, the
// entry points checked (a node merely down is a warning, shown down), and the topology monitor over them.
import type { ConnectionArgs } from '../options/args.js';
import { describeEndpoint } from '../options/endpoint.js';
import type { ConnectOptions } from '../engine/redis/connect.js';
import { TopologyMonitor } from '../engine/topology/monitor.js';
import { checkEntries, connectOptionsFor } from './connection.js';

export interface Discovery {
  conn: ConnectOptions;
  monitor: TopologyMonitor;
}

/** Checks the entry points (throws on a wrong one), then makes the monitor; nothing is polled before start(). */
export async function openDiscovery(a: ConnectionArgs, extra: { labels?: Record<string, string>; subscribe?: boolean } = {}): Promise<Discovery> {
  const conn = connectOptionsFor(a.entries, a.tlsFiles, { commandTimeoutMs: a.timeoutMs, connectTimeoutMs: Math.max(a.timeoutMs, 1000) });
  const firstSentinel = a.entries.length - (a.sentinelEntries ?? 0);
  const down = await checkEntries(a.entries.slice(0, firstSentinel), conn, a.entries.slice(firstSentinel), a.masterName);
  for (const w of down) process.stderr.write(`cutover: warning: ${w} (shown as down)\n`);
  const monitor = new TopologyMonitor({
    entries: a.entries,
    conn,
    intervalMs: a.intervalMs,
    masterName: a.masterName,
    entryLabels: a.entries.map(describeEndpoint),
    dataAuth: a.dataAuth,
    sentinelAuth: a.sentinelAuth,
    ...extra,
  });
  return { conn, monitor };
}
