// `cutover cluster reshard`, headless: read the cluster from one node, plan the slot moves as redis-cli does, show the
// plan (per source: node, slots, keys; the per-slot command order), ask for the typed word `reshard` (or --yes), run
// the slot-move engine (cluster-move-run.ts: progress, journal, Ctrl-C after the slots in hand). Exit 0 done, 1 failed, 2 refused or bad input, 130 stopped.
import type { ClusterArgs } from '../options/cluster-args.js';
import { InputError, nodeId } from '../options/endpoint.js';
import { checkEndpoint, respLogin } from '../engine/redis/connect.js';
import { RespPool } from '../engine/redis/resp-pool.js';
import { clusterViewOf } from '../engine/cluster/move/cluster-view.js';
import { planReshard } from '../engine/cluster/move/reshard-plan.js';
import { previewReshard } from '../engine/cluster/move/reshard-preview.js';
import { RESHARD_DEFAULTS } from '../engine/cluster/move/reshard.js';
import { EXIT } from '../headless/exit-codes.js';
import { writeNdjson } from '../headless/ndjson.js';
import { reshardPlanText } from '../render/cluster-reshard-text.js';
import { runMoves } from './cluster-move-run.js';
import { connectOptionsFor } from './connection.js';

export async function runReshard(c: ClusterArgs): Promise<number> {
  const a = c.reshard!;
  const entry = c.uri!;
  if (!a.yes && !a.dryRun && !process.stdin.isTTY) {
    throw new InputError('reshard moves slots and asks for a typed confirmation, but stdin is not a terminal: add --yes to run it anyway (see the plan first with --dry-run); nothing was changed');
  }
  const conn = connectOptionsFor([entry], c.tlsFiles, { commandTimeoutMs: c.timeoutMs, connectTimeoutMs: c.timeoutMs });
  // the entry answers with these credentials and is a cluster node (one line otherwise: exit 1 unreachable or refused, 2 not a cluster)
  const { mode } = await checkEndpoint(entry, conn);
  if (mode !== 'cluster') throw new InputError(`${nodeId(entry.host, entry.port)} is not a Redis Cluster node (redis_mode ${mode ?? '?'}): give --uri the address of a node of the cluster`);
  const pool = new RespPool({ auth: respLogin(entry, conn) }, c.timeoutMs * 5);
  try {
    const nodes = await (await pool.get(nodeId(entry.host, entry.port))).pipeline();
    nodes.call('CLUSTER', ['NODES']);
    const [[err, text]] = await nodes.exec();
    if (err) throw new Error(`CLUSTER NODES on ${nodeId(entry.host, entry.port)}: ${err.message}`);
    const view = clusterViewOf(String(text));
    if (view.open.length) {
      throw new InputError(`slots are open already (${view.open.slice(0, 3).join('; ')}${view.open.length > 3 ? '; …' : ''}): close them first (cutover cluster check shows them; cutover cluster fix closes them); nothing was changed`);
    }
    const moves = planReshard(view, { to: a.to, from: a.from, slots: a.slots, ranges: a.ranges });
    const preview = await previewReshard(view.masters, moves, pool);
    const opts = { replace: a.replace, batchKeys: a.pipeline, migrateTimeoutMs: a.migrateTimeoutMs };
    if (c.json) writeNdjson({ event: 'plan', ...preview, pipeline: a.pipeline, batchBytes: RESHARD_DEFAULTS.batchBytes, migrateTimeoutMs: a.migrateTimeoutMs, replace: a.replace });
    else process.stdout.write(reshardPlanText(preview, { pipeline: a.pipeline, batchBytes: RESHARD_DEFAULTS.batchBytes, migrateTimeoutMs: a.migrateTimeoutMs, replace: a.replace }));
    if (a.dryRun) {
      if (c.json) writeNdjson({ event: 'summary', status: 'dry-run', slots: preview.slots, keys: preview.keys });
      else process.stdout.write('dry run: nothing was changed\n');
      return EXIT.ok;
    }
    return await runMoves({ word: 'reshard', yes: a.yes, json: c.json, journal: a.journal, entry, conn, masters: view.masters, replicas: view.replicas, moves, opts });
  } finally {
    await pool.close();
  }
}
