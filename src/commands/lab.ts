// `cutover lab`: real redis-server / redis-sentinel processes on free loopback ports, the console opened on them,
// everything stopped and removed when the console exits.
import type { Command, ConnectionArgs } from '../options/args.js';
import { defaultTimeout } from '../options/args.js';
import { parseEndpoint } from '../options/endpoint.js';
import { openConsole } from './console.js';

/** `cutover lab --help` */
export const HELP = `cutover lab [--preset replication|migration|cluster] [--keys N] [--workload] [--interval D] [--read-only]
           [--masters N] [--replicas N] [--spare N]   (--preset cluster)
cutover lab switch --to target|master|r1|HOST:PORT [--lab DIR] [--json]

Starts real redis-server / redis-sentinel processes on free 127.0.0.1 ports and opens the console on them;
everything is stopped and removed when the console exits.
  replication  master → r1 → r2 (a chain) and three Sentinels (quorum 2, down-after 2s)
  migration    the replication preset as the source, plus an empty standalone target (default), and the endpoint:
               a TCP proxy on 127.0.0.1 in front of the source's master, for the clients and the drill
  cluster      six nodes: three masters, three replicas, all 16384 slots
  --masters N  cluster: masters (3 to 16, default 3), the slots spread evenly by redis-cli --cluster create
  --replicas N cluster: replicas of each master (0 to 3, default 1)
  --spare N    cluster: empty cluster-enabled nodes met into the cluster, masters without slots (0 to 8, default 0)
  --keys N     load N mixed keys into the source (strings, hashes, lists, sets, zsets, streams; a third with TTLs)
  --workload   keep a light write load on the source so the screen moves
  --read-only  the console watches only: s, l, d and f are hidden and refused (the lab itself still loads and writes)
  --metrics HOST:PORT  serve the console's figures to Prometheus, as cutover console --metrics does

cutover lab switch, from another shell (or a --on-switch hook): repoints the running lab's endpoint; its open client
connections are closed, so the clients reconnect through it to the new backend.
  --to WHAT    a lab server (target, master, r1, r2) or HOST:PORT; it must answer PING
  --lab DIR    which lab, when several run (its folder in the temp directory, listed when it is needed)
  --json       the result as one NDJSON object
Redis comes from PATH, or from Debian's packages fetched into the project's .redis/ folder.`;

export async function run(c: Extract<Command, { kind: 'lab' }>): Promise<number> {
  const { startLab } = await import('../lab/lab.js');
  const log = (line: string) => process.stderr.write(line + '\n');
  const lab = await startLab({ preset: c.preset, keys: c.keys, workload: c.workload, log, cluster: c.cluster });
  try {
    const args: ConnectionArgs = {
      entries: lab.entries().map((e) => parseEndpoint(e)),
      intervalMs: c.intervalMs,
      timeoutMs: defaultTimeout(c.intervalMs),
      tlsFiles: {},
      dataAuth: {},
      sentinelAuth: {},
      ...(c.metrics ? { metrics: c.metrics } : {}),
    };
    const target = lab.targetEntry();
    const pair = target ? { source: lab.server('master').address, target } : undefined;
    const title = lab.endpoint ? `lab ${c.preset} · endpoint ${lab.endpoint.address}` : `lab ${c.preset}`;
    const events = lab.endpoint ? [lab.endpoint.events] : [];
    return await openConsole(args, { labels: lab.labels(), title, pair, readOnly: c.readOnly, events });
  } finally {
    await lab.stop();
  }
}
