// What a reshard, a resumed reshard and a rebalance share before their slots move: the entry node checked (it answers,
// it is a cluster node) and the cluster read from it; then, with the moves in hand, the plan shown (per source: slots
// and keys now; the big keys of those slots with the time their MIGRATE blocks both nodes), refused when a key would
// block longer than --max-block (unless --allow-big-keys), the dry run's end, or the run (cluster-move-run.ts).
import type { Registry } from 'prom-client';
import type { ClusterArgs } from '../options/cluster-args.js';
import { InputError, nodeId, type Endpoint } from '../options/endpoint.js';
import { checkEndpoint, respLogin, type ConnectOptions } from '../engine/redis/connect.js';
import { RespPool } from '../engine/redis/resp-pool.js';
import { clusterViewOf, openOnEveryMaster } from '../engine/cluster/move/cluster-view.js';
import { parseClusterNodes } from '../engine/topology/parse-cluster-nodes.js';
import type { ClusterView } from '../engine/cluster/move/reshard-plan.js';
import { previewReshard } from '../engine/cluster/move/reshard-preview.js';
import { findBigKeys, type BigKeyLimits } from '../engine/cluster/move/big-keys.js';
import { RESHARD_DEFAULTS } from '../engine/cluster/move/reshard.js';
import type { ClusterMaster, ReshardOptions, SlotMove } from '../engine/cluster/move/types.js';
import { EXIT } from '../headless/exit-codes.js';
import { writeNdjson } from '../headless/ndjson.js';
import { bigKeysRefusal, bigKeysText, reshardPlanText } from '../render/cluster-reshard-text.js';
import { runMoves } from './cluster-move-run.js';
import { connectOptionsFor } from './connection.js';

export interface OpenCluster {
  entry: Endpoint;
  conn: ConnectOptions;
  /** bare connections to every node with the entry's login; the caller closes it */
  pool: RespPool;
  view: ClusterView & { open: string[] };
  /** the entry's own node id (redis-cli's rebalance starts its node order there) */
  myself?: string;
}

/** The entry answers with these credentials and is a cluster node (one line otherwise: exit 1 unreachable or refused, 2 not a cluster); its CLUSTER NODES read. */
export async function openCluster(c: Pick<ClusterArgs, 'uri' | 'tlsFiles' | 'timeoutMs'>): Promise<OpenCluster> {
  const entry = c.uri!;
  const conn = connectOptionsFor([entry], c.tlsFiles, { commandTimeoutMs: c.timeoutMs, connectTimeoutMs: c.timeoutMs });
  const { mode } = await checkEndpoint(entry, conn);
  if (mode !== 'cluster') throw new InputError(`${nodeId(entry.host, entry.port)} is not a Redis Cluster node (redis_mode ${mode ?? '?'}): give --uri the address of a node of the cluster`);
  const pool = new RespPool({ auth: respLogin(entry, conn) }, c.timeoutMs * 5);
  try {
    const nodes = (await pool.get(nodeId(entry.host, entry.port))).pipeline();
    nodes.call('CLUSTER', ['NODES']);
    const [[err, text]] = await nodes.exec();
    if (err) throw new Error(`CLUSTER NODES on ${nodeId(entry.host, entry.port)}: ${err.message}`);
    const view = clusterViewOf(String(text));
    const myself = parseClusterNodes(String(text)).find((e) => e.myself)?.id;
    return { entry, conn, pool, view: { ...view, open: await openOnEveryMaster(pool, view) }, ...(myself ? { myself } : {}) };
  } catch (err) {
    await pool.close();
    throw err;
  }
}

/** Slots open on any master refuse a new plan: one line, nothing changed. */
export function refuseOpenSlots(open: string[]): void {
  if (!open.length) return;
  throw new InputError(`slots are open already (${open.slice(0, 3).join('; ')}${open.length > 3 ? '; …' : ''}): close them first (cutover cluster check shows them; cutover cluster fix closes them); nothing was changed`);
}

export interface MoveStart {
  word: 'reshard' | 'rebalance';
  json: boolean;
  yes: boolean;
  dryRun: boolean;
  journal?: string;
  cluster: OpenCluster;
  masters: ClusterMaster[];
  moves: SlotMove[];
  replace: boolean;
  /** --pipeline */
  pipeline: number;
  migrateTimeoutMs: number;
  limits: BigKeyLimits & { allowBigKeys: boolean };
  /** the journal this run continues (--resume) */
  resumes?: string;
  /** --metrics: the run's figures on this registry */
  registry?: Registry;
}

/** The plan with its big keys on screen, then refused, ended (dry run) or run. */
export async function previewAndRun(s: MoveStart): Promise<number> {
  const { pool, entry, conn } = s.cluster;
  const preview = await previewReshard(s.masters, s.moves, pool);
  const big = await findBigKeys(s.masters, s.moves, pool, s.limits);
  const shown = { pipeline: s.pipeline, batchBytes: RESHARD_DEFAULTS.batchBytes, migrateTimeoutMs: s.migrateTimeoutMs, replace: s.replace };
  if (s.json) writeNdjson({ event: 'plan', ...preview, ...shown, memLimit: s.limits.memLimit, maxBlockMs: s.limits.maxBlockMs, bigKeys: big, ...(s.resumes ? { resumes: s.resumes } : {}) });
  else process.stdout.write(reshardPlanText(preview, shown) + bigKeysText(big, s.limits));
  if (s.dryRun) {
    if (s.json) writeNdjson({ event: 'summary', status: 'dry-run', slots: preview.slots, keys: preview.keys, bigKeys: big.count, overMaxBlock: big.overMaxBlock });
    else process.stdout.write('dry run: nothing was changed\n');
    return EXIT.ok;
  }
  if (big.overMaxBlock && !s.limits.allowBigKeys) throw new InputError(bigKeysRefusal(big, s.limits));
  // memLimit and maxBlockMs ride along: journaled in the start line (a resume takes them back), for the engine's batches
  const opts: ReshardOptions & { memLimit: number; maxBlockMs: number; allowBigKeys: boolean } = {
    replace: s.replace,
    batchKeys: s.pipeline,
    migrateTimeoutMs: s.migrateTimeoutMs,
    memLimit: s.limits.memLimit,
    maxBlockMs: s.limits.maxBlockMs,
    allowBigKeys: s.limits.allowBigKeys,
  };
  return runMoves({ word: s.word, yes: s.yes, json: s.json, journal: s.journal, entry, conn, masters: s.masters, replicas: s.cluster.view.replicas, moves: s.moves, opts, registry: s.registry, ...(s.resumes ? { resumes: s.resumes } : {}) });
}
