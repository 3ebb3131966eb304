// `cutover cluster check|fix|reshard|rebalance`: Redis Cluster slot operations. `check` reads every node and reports
// (exit 0 all well, 1 problems found, 2 bad input); `reshard` moves slots (cluster-reshard.ts), `rebalance` evens them
// out as redis-cli does (cluster-rebalance.ts), `fix` closes open slots (cluster-fix.ts).
import type { Command } from '../options/args.js';
import { EXIT } from '../headless/exit-codes.js';
import { connectOptionsFor } from './connection.js';

/** `cutover cluster --help`, the reshard part */
const RESHARD_HELP = `cutover cluster reshard --uri URI --from ID,…|all --to ID (--slots N | --slot-ranges A-B,…)
                       [--yes] [--dry-run] [--replace] [--pipeline N] [--timeout D] [--journal FILE] [--json]
                       [--mem-limit SIZE] [--max-block D] [--allow-big-keys]
cutover cluster reshard --uri URI --resume JOURNAL [--yes] [--dry-run] [options]

Moves slots and their keys from --from to --to, as redis-cli --cluster reshard does (the same slots for --slots N),
per slot: SETSLOT IMPORTING on the target, MIGRATING on the source, the keys by GETKEYSINSLOT + MIGRATE … KEYS in
batches cut by bytes, then SETSLOT NODE on the target, the source, every other master. The plan is shown first (per
source: node, slots, keys), confirmed by typing reshard (or --yes), and every slot change is journaled (JSON lines,
never a password). Several slots move at once, never two from the same source. Ctrl-C stops after the slots in hand.
  --uri URI            any node of the cluster
  --from ID,…|all      the source masters by node id (or host:port), or every master with slots but --to
  --to ID              the master that receives the slots (node id or host:port)
  --slots N            how many slots (1 … 16384), taken from the sources in proportion to the slots they hold
  --slot-ranges A-B,…  or exactly these slots (each from whichever master holds it)
  --yes                no typed confirmation (needed without a terminal)
  --dry-run            show the plan; change nothing
  --replace            a key on both sides with different values is overwritten with the source's (else: stop)
  --pipeline N         at most N keys a GETKEYSINSLOT and a MIGRATE (default 1000; batches are also cut at 4 MB)
  --timeout D          MIGRATE's own timeout (default 60s)
  --journal FILE       the journal (default ./cutover-reshard-<time>.jsonl)
  --json               NDJSON: plan, progress once a second, note, summary
  --mem-limit SIZE     keys of the moved slots this big or bigger (MEMORY USAGE) are listed in the plan (default 1MB)
  --max-block D        a key whose MIGRATE would block both nodes longer (size ÷ 50 MB/s) refuses the reshard (default 100ms)
  --allow-big-keys     move such keys anyway
  --metrics HOST:PORT  serve the run's figures (slots, keys, bytes, keys/s) to Prometheus on http://HOST:PORT/metrics
  --resume JOURNAL     continue the reshard of that journal: its plan less the slots on their target now (open slots:
                       run cutover cluster fix first); its options unless given again; a new journal
Exit codes: 0 every slot moved (or the dry run's plan, or nothing left to resume) · 1 a slot failed (the summary says
which is left open), the node cannot be reached or refuses the password · 2 bad input, a key past --max-block, or not
confirmed: nothing changed · 130 stopped`;

/** `cutover cluster --help`, the rebalance part */
const REBALANCE_HELP = `cutover cluster rebalance --uri URI [--weight ID=W,…] [--use-empty-masters] [--threshold P] [--simulate]
                         [--yes] [--replace] [--pipeline N] [--timeout D] [--max-block D] [--mem-limit SIZE] [--allow-big-keys]
                         [--journal FILE] [--json]
cutover cluster rebalance --uri URI --resume JOURNAL [--yes] [--dry-run] [options]

Evens out the slots across the masters as redis-cli --cluster rebalance does (the same slots move): each master's
share is 16384 × its weight / the total weight; masters without slots take part only with --use-empty-masters;
nothing moves unless a master is off its share by more than --threshold percent (exit 0, "nothing to do"). The plan
comes first: per master its weight, slots now and after, keys and bytes out and in (bytes estimated from
used_memory_dataset), and each move (from the master with most to give to the one with most to receive). Then it
runs as a reshard: confirmed by typing rebalance (or --yes), journaled, the same progress line, Ctrl-C after the
slots in hand; a run killed midway is closed by cutover cluster fix, then continued with --resume JOURNAL.
  --uri URI              any node of the cluster
  --weight ID=W,…        a master's weight (default 1; 0 empties it): node id, a unique start of one, or host:port;
                         repeat --weight or separate with commas
  --use-empty-masters    masters without slots take their share too
  --threshold P          percent off its share before a master is rebalanced (default 2)
  --simulate             show the plan; change nothing (--dry-run is the same)
  --yes  --replace  --pipeline N  --timeout D  --json   as for reshard
  --max-block D          no write of MIGRATEs blocks a source longer than about this (default 100ms); a key whose
                         MIGRATE would (size ÷ 50 MB/s) refuses the run unless --allow-big-keys
  --mem-limit SIZE       keys of the moving slots this big or bigger are listed in the plan (default 1MB)
  --resume JOURNAL       continue the rebalance of that journal, as reshard --resume does
  --metrics HOST:PORT    serve the run's figures to Prometheus, as for reshard
  --journal FILE         the journal (default ./cutover-rebalance-<time>.jsonl)
Exit codes: 0 every slot moved, nothing to do, or the plan only · 1 a slot failed, the node cannot be reached or
refuses the password · 2 bad input or not confirmed: nothing changed · 130 stopped`;

/** `cutover cluster --help`, the fix part */
const FIX_HELP = `cutover cluster fix --uri URI [--to ID] [--yes] [--dry-run] [--replace] [--pipeline N] [--timeout D] [--journal FILE] [--json]

Closes every open slot (MIGRATING/IMPORTING) as redis-cli --cluster fix does: migrating on one node and importing on
another, the move is finished (keys by MIGRATE, then SETSLOT NODE on the target, the source, every other master);
importing only, the owner keeps the slot (the importers' keys go back to it, SETSLOT STABLE); migrating only, the
slot is closed on its owner (SETSLOT STABLE). The steps are shown first (node, command, why), confirmed by typing fix
(or --yes), run one at a time with a line each, and journaled (JSON lines, never a password).
  --yes  --dry-run  --replace  --pipeline N  --timeout D  --journal FILE  --json   as for reshard
Exit codes: 0 no slot open or uncovered after (or the dry run's steps) · 1 one still is, a step failed · 2 bad input or not
confirmed: nothing changed
Uncovered slots go to the master that holds their keys (CLUSTER ADDSLOTSRANGE); those with no key to --to ID.
  --to ID              the master (node id or host:port) for uncovered slots that hold no key`;

/** `cutover cluster --help` */
export const HELP = `cutover cluster check --uri URI [--json] [options]

Reads every node of a Redis Cluster (URI: any node of it) and reports, exit 0 only when all is well:
  - slot coverage: ranges no master serves, slots claimed by two masters
  - open slots: MIGRATING/IMPORTING, on which node, towards which node, how many keys left
  - whether every node agrees on the slot map and on each node's role
  - nodes that do not answer, nodes flagged fail/pfail and by how many peers, cluster_state
  - keys held in slots the node does not serve (CLUSTER COUNTKEYSINSLOT)
  - each master's slots, keys and memory, and its deviation from the balanced share (16384 / masters)
  - masters with no replica in service and replicas on the same host as their master (warnings: exit 0)
Options:
  --uri URI            any node of the cluster: redis://[user:password@]host:port, rediss://… for TLS
  --json               the report as JSON
  --timeout D          how long a node may take to connect and answer (default 2s)
  --user NAME  REDISCLI_AUTH=…  --tls  --cacert FILE  --cert FILE  --key FILE  --insecure
Exit codes: 0 all well (warnings allowed) · 1 problems found, or the entry node cannot be read · 2 bad input

${RESHARD_HELP}

${REBALANCE_HELP}

${FIX_HELP}`;

export async function run(c: Extract<Command, { kind: 'cluster' }>): Promise<number> {
  if ((c.action === 'reshard' && c.reshard && c.uri) || (c.action === 'rebalance' && c.rebalance && c.uri)) {
    // --metrics: listening there is checked before any node is reached (a port in use: one line, exit 2)
    const metrics = c.metrics ? await (await import('../metrics/server.js')).serveMetrics(c.metrics) : undefined;
    try {
      if (c.action === 'reshard') return await (await import('./cluster-reshard.js')).runReshard(c, metrics?.registry);
      return await (await import('./cluster-rebalance.js')).runRebalance(c, metrics?.registry);
    } finally {
      await metrics?.close();
    }
  }
  if (c.action === 'fix' && c.fix && c.uri) return (await import('./cluster-fix.js')).runFixCommand(c);
  if (c.action !== 'check' || !c.uri) {
    process.stderr.write(`cutover: cluster ${c.action} is missing its options: see 'cutover cluster --help'\n`);
    return EXIT.badInput;
  }
  const [{ readClusterNodes }, { checkCluster }, { clusterCheckJson, clusterCheckText }] = await Promise.all([
    import('../engine/cluster/read-nodes.js'),
    import('../engine/cluster/check.js'),
    import('../render/cluster-check-text.js'),
  ]);
  const conn = connectOptionsFor([c.uri], c.tlsFiles, { commandTimeoutMs: c.timeoutMs, connectTimeoutMs: c.timeoutMs });
  const report = checkCluster(await readClusterNodes({ entry: c.uri, conn }));
  process.stdout.write(c.json ? clusterCheckJson(report) : clusterCheckText(report));
  return report.ok ? EXIT.ok : EXIT.failed;
}
