// The words `cutover --help` and `cutover COMMAND --help` print.
const CONNECTION = `Endpoints:
  redis://[user:password@]host:port[/db]   rediss://… for TLS   host:port
  --sentinel HOST:PORT --master-name NAME  enter through a Sentinel (repeatable)
  --user NAME          ACL user for endpoints without one
  REDISCLI_AUTH=…      password for endpoints without one (never shown)
  --tls  --cacert FILE  --cert FILE  --key FILE  --insecure
Polling:
  --interval D         poll every node this often (default 1s; 500ms, 2s, …)
  --timeout D          a poll slower than this marks the node down (default: the interval, at least 1s)`;

export const HELP: Record<string, string> = {
  main: `cutover: a terminal console for Redis replication, migration and failover

Usage:
  cutover console ENDPOINT… [options]     live topology console on existing servers
  cutover topology ENDPOINT… [--json]     print the discovered topology once and exit
  cutover lab [--preset P] [--keys N] [--workload]
                                          start a local lab of real servers and open the console on it
  cutover help COMMAND | --help | --version

Exit codes: 0 ok · 1 could not connect or discover · 2 bad input (nothing was changed anywhere)

${CONNECTION}

Console keys: ↑↓/jk move · Enter details · Tab pane · PgUp/PgDn log · ? help · Esc back · q quit`,
  console: `cutover console ENDPOINT… [options]

Discovers every node reachable from the endpoints (replicas and chains through INFO replication,
Sentinels through their hello channel or --sentinel, cluster nodes through CLUSTER NODES) and shows them
live. When stdout is not a terminal it prints the topology as text, then one line per event, until stopped.

${CONNECTION}`,
  topology: `cutover topology ENDPOINT… [--json] [options]

Prints the discovered topology once, as a text tree or (--json) as JSON, and exits.

${CONNECTION}`,
  lab: `cutover lab [--preset replication|migration|cluster] [--keys N] [--workload] [--interval D]

Starts real redis-server / redis-sentinel processes on free 127.0.0.1 ports and opens the console on them;
everything is stopped and removed when the console exits.
  replication  master → r1 → r2 (a chain) and three Sentinels (quorum 2, down-after 2s)
  migration    the replication preset as the source, plus an empty standalone target (default)
  cluster      six nodes: three masters, three replicas, all 16384 slots
  --keys N     load N mixed keys into the source (strings, hashes, lists, sets, zsets, streams; a third with TTLs)
  --workload   keep a light write load on the source so the screen moves
Redis comes from PATH, or from Debian's packages fetched into the project's .redis/ folder.`,
};

export function helpText(topic?: string): string {
  return (HELP[topic ?? 'main'] ?? HELP.main) + '\n';
}
