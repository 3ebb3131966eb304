// What a replication refuses before it writes anything: one line each, exit code 2 headless.
import { InputError } from '../../config/endpoint.js';
import { keyCount, keyspace, type Side } from './side.js';

export interface RefusalOptions {
  mode: 'snapshot' | 'compare';
  dryRun: boolean;
  /** the operator accepted writing over existing keys (--merge-policy or --yes) */
  acceptNonEmpty: boolean;
  /** --all-dbs: standalone sides only, and every database the source fills is checked on the target */
  allDbs?: boolean;
}

export async function refusals(o: RefusalOptions, source: Side, target: Side): Promise<void> {
  if (source.runIds.some((id) => target.runIds.includes(id))) {
    throw new InputError(`source and target are the same server (${target.label}): name two different deployments`);
  }
  if (o.allDbs && (source.isCluster || target.isCluster)) {
    const [which, side] = source.isCluster ? ['source', source] : ['target', target];
    throw new InputError(`--all-dbs is for standalone servers: the ${which} ${side.label} is a cluster, which has database 0 only`);
  }
  if (o.mode === 'compare' || o.dryRun) return;
  if (target.replicaOf) throw new InputError(`target ${target.label} is a replica of ${target.replicaOf}: name its master, or promote it first`);
  if (o.acceptNonEmpty) return;
  if (o.allDbs) {
    const [from, to] = await Promise.all([keyspace(source), keyspace(target)]);
    const busy = [...from.keys()].filter((db) => to.has(db)).sort((x, y) => x - y);
    const keys = busy.reduce((n, db) => n + (to.get(db) ?? 0), 0);
    if (busy.length) {
      throw new InputError(`target ${target.label} already holds ${keys} keys in db ${busy.join(', ')}: add --merge-policy overwrite (or merge, with --type struct) to write over them, or --yes`);
    }
    return;
  }
  const existing = await keyCount(target);
  if (existing > 0) {
    throw new InputError(`target ${target.label} already holds ${existing} keys: add --merge-policy overwrite (or merge, with --type struct) to write over them, or --yes`);
  }
}
