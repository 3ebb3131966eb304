// The words `cutover --help` and `cutover COMMAND --help` print.
import { DRILL_HELP } from '../config/drill-args.js';
import { CLONE_HELP, FAILOVER_HELP } from '../config/failover-args.js';

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
  cutover replicate --source URI --target URI [options]
                                          copy keys between deployments (snapshot), then verify them;
                                          --mode live|liveonly follows every change (PSYNC or notifications)
  cutover compare --source URI --target URI [options]
                                          compare two deployments key by key
  cutover clone --origin URI --clone URI [--promote] [--reconfigure] [--role master|replica] [--yes]
                                          make a server a copy of another; promote it loss-free
  cutover failover --uri URI [--to host:port] [--unplanned] [--yes] [--dry-run]
                                          promote a replica (replication, Sentinel, Cluster), journaled
  cutover drill --uri URI [--rate N] [--duration D]
                                          consistency checker for a failover drill: windows of write
                                          unavailability (ms) and acknowledged writes lost
  cutover lab [--preset P] [--keys N] [--workload]
                                          start a local lab of real servers and open the console on it
  cutover help COMMAND | --help | --version

Exit codes: 0 ok · 1 could not connect or discover · 2 bad input (nothing was changed anywhere)

${CONNECTION}

Console keys: ↑↓/jk move · Enter details · Tab pane · PgUp/PgDn log · S/T mark · s snapshot · l live · c compare ·
  f failover · d drill · x stop · ? help · Esc back · q quit`,
  console: `cutover console ENDPOINT… [options]

Discovers every node reachable from the endpoints (replicas and chains through INFO replication,
Sentinels through their hello channel or --sentinel, cluster nodes through CLUSTER NODES) and shows them
live. When stdout is not a terminal it prints the topology as text, then one line per event, until stopped.
  --read-only          watch only: s, l, d and f (everything that writes or moves a role) are hidden and refused

${CONNECTION}`,
  topology: `cutover topology ENDPOINT… [--json] [options]

Prints the discovered topology once, as a text tree or (--json) as JSON, and exits.

${CONNECTION}`,
  replicate: `cutover replicate --source URI --target URI [--mode snapshot|live|liveonly|compare] [options]
cutover compare --source URI --target URI [options]

Client-side replication, like RIOT's replicate: SCAN the source (every master of a cluster), read each key,
write it to the target (a cluster target by slot), then verify. Standalone or cluster on either side.
  --type dump|struct       DUMP+PTTL / RESTORE REPLACE (default), or type-based reads and writes keeping TTLs
  --source-db N, --target-db N   databases (or the URI's /N)
  --all-dbs                every database holding keys (INFO keyspace) into the same number on the target, one pass
                           each, every summary naming its db (standalone only; not with --source-db/--target-db)
  --read-from master|replica   scan and read the source on its masters (default), or on one replica of each: a
                           cluster's replicas paired to their masters, a standalone master's first online replica
  --mem-limit MB           a key whose MEMORY USAGE is above this (1 = 1 MB; 0.5, 64KB, 2GB) is never read whole
                           (nor DUMPed): copied in chunks (HSCAN/SSCAN/ZSCAN, LRANGE, XRANGE, GETRANGE windows),
                           DEL first, PEXPIRE last, and compared in chunks; one chunk in flight per reader. Not
                           atomic: a big key written to meanwhile may differ (the verification says so). A chunked
                           stream keeps its last ID and consumer groups with --type dump, not their pending entries
  --scan-count N (1000)  --scan-match GLOB  --scan-type TYPE
  --key-include RE, --key-exclude RE (repeatable)   --key-slots 0:8000,10000:16383
  --read-batch N (500)  --read-threads N (2)  --read-queue N (10000)  --write-batch N (500)  --target-pool N (4)
  --merge-policy overwrite|merge   write over a non-empty target (merge: with --type struct, into collections)
  --yes                    accept a non-empty target
  --dry-run                read everything, write nothing
  --no-verify              skip the verification after the snapshot
  --ttl-tolerance MS (1000)  --check-extra (count keys only on the target; live: in the verification at the end)  --show-diffs
  --json                   NDJSON: a progress event a second and a summary (also when stdout is not a terminal)
Live replication (--mode live: the data, then every change; --mode liveonly: changes from now on), until Ctrl-C:
  --live-source psync|notifications   the replication stream, as a replica (default: zero loss, in order), or
                           keyspace notifications (RIOT's way, for sources that refuse PSYNC; never claims zero loss)
  --allow-flush            forward FLUSHALL/FLUSHDB (always reported); flush the target before a full resync's RDB
  --checkpoint FILE        psync: keep replid and applied offset in FILE; a restart resumes by partial resync (no --yes needed)
  --idle-timeout D         no change for D (30s, 5m): verify as compare does, then exit 0 (identical) or 1
  --verify-on-idle         verify whenever the stream is quiet (for --idle-timeout, or 2s), and go on
  --event-queue N (10000)  --event-order fifo|priority  --flush-interval D (50ms)   notifications' queue
  --enable-notifications   set notify-keyspace-events KA on the source for this run when it is off (set back at exit;
                           else: refused)
  --mem-limit SIZE         psync: an RDB key bigger than this is written in pieces, never held whole (8MB)
  --diskless-load          psync: apply the RDB as it arrives, not kept in a temporary file and checked whole first
                           (a bad checksum found at its end then leaves a partial target: said, exit 1)
  Meters a second: source/applied offset, lag bytes, event age p50/p99, queue, ops/s, resyncs (NDJSON "live")
Exit codes: 0 copied and identical · 1 differences or failed keys · 2 refused (nothing written) · 130 stopped by Ctrl-C`,
  lab: `cutover lab [--preset replication|migration|cluster] [--keys N] [--workload] [--interval D] [--read-only]

Starts real redis-server / redis-sentinel processes on free 127.0.0.1 ports and opens the console on them;
everything is stopped and removed when the console exits.
  replication  master → r1 → r2 (a chain) and three Sentinels (quorum 2, down-after 2s)
  migration    the replication preset as the source, plus an empty standalone target (default)
  cluster      six nodes: three masters, three replicas, all 16384 slots
  --keys N     load N mixed keys into the source (strings, hashes, lists, sets, zsets, streams; a third with TTLs)
  --workload   keep a light write load on the source so the screen moves
  --read-only  the console watches only: s, l, d and f are hidden and refused (the lab itself still loads and writes)
Redis comes from PATH, or from Debian's packages fetched into the project's .redis/ folder.`,
  drill: DRILL_HELP,
  failover: FAILOVER_HELP,
  clone: CLONE_HELP,
};

/** Command words whose help is another's: `compare` is `replicate --mode compare`. */
const SAME_HELP: Record<string, string> = { compare: 'replicate', help: 'main', version: 'main' };

/** Whether `cutover help WORD` has something to print. */
export function isHelpTopic(topic: string): boolean {
  return topic in SAME_HELP || (topic in HELP && topic !== 'main');
}

export function helpText(topic?: string): string {
  const key = topic === undefined ? 'main' : (SAME_HELP[topic] ?? topic);
  return (HELP[key] ?? HELP.main) + '\n';
}
