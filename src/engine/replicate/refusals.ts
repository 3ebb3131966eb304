// What a replication refuses before it writes anything: one line each, exit code 2 headless.
import { InputError } from '../../options/endpoint.js';
import { keyCount, keyspace, type Side } from './side.js';

export interface RefusalOptions {
  mode: 'snapshot' | 'compare';
  dryRun: boolean;
  /** the operator accepted writing over existing keys (--merge-policy or --yes) */
  acceptNonEmpty: boolean;
  /** --all-dbs: standalone sides only, and every database the source fills is checked on the target */
  allDbs?: boolean;
}

/** "host:port" with the loopback names made one, to match a master_host:master_port against an address. */
function normalAddress(address: string): string {
  return address.replace(/^(localhost|::1|\[::1\])(?=:\d+$)/, '127.0.0.1');
}

function addressesOf(side: Side): string[] {
  return side.masters.map((m) => normalAddress(`${m.options.host}:${m.options.port}`));
}

/**
 * One replication chain on both sides: a source that replicates (directly or through other replicas) from the
 * target, or the reverse. Writing would copy a replica's keys onto its own master with RESTORE … REPLACE, where a
 * lagging replica overwrites newer values. Known by master_replid (a replica carries its master's, down the chain)
 * or by master_host:master_port naming the other side.
 */
export function sameChain(source: Side, target: Side): string | undefined {
  const shared = source.replIds.some((id) => target.replIds.includes(id));
  const sourceFollowsTarget = !!source.replicaOf && addressesOf(target).includes(normalAddress(source.replicaOf));
  const targetFollowsSource = !!target.replicaOf && addressesOf(source).includes(normalAddress(target.replicaOf));
  if (!shared && !sourceFollowsTarget && !targetFollowsSource) return undefined;
  const how =
    targetFollowsSource || (shared && target.replicaOf)
      ? `the target ${target.label} is a replica of ${target.replicaOf ?? 'the source'}`
      : `the source ${source.label} replicates from the target ${target.label}${source.replicaOf ? ` (its master: ${source.replicaOf})` : ''}`;
  return `source and target are the same deployment: ${how}, one replication chain (same master_replid): name two different deployments; nothing was written`;
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
  const chain = sameChain(source, target);
  if (chain) throw new InputError(chain);
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
