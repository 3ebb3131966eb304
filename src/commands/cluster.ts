// `cutover cluster check|fix|reshard|rebalance`: Redis Cluster slot operations. `check` reads every node and reports
// (exit 0 all well, 1 problems found, 2 bad input); the others are not there yet and say so.
import type { Command } from '../options/args.js';
import { EXIT } from '../headless/exit-codes.js';
import { connectOptionsFor } from './connection.js';

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

Not yet available: cutover cluster fix | reshard | rebalance (redis-cli --cluster fix/reshard/rebalance meanwhile).`;

export async function run(c: Extract<Command, { kind: 'cluster' }>): Promise<number> {
  if (c.action !== 'check' || !c.uri) {
    process.stderr.write(`cutover: cluster ${c.action} is not yet available: use 'cutover cluster check', or redis-cli --cluster ${c.action} meanwhile\n`);
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
