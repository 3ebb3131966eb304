// What a replication refuses before it writes anything: one line each, exit code 2 headless.
import { InputError } from '../../config/endpoint.js';
import { keyCount, type Side } from './side.js';

export interface RefusalOptions {
  mode: 'snapshot' | 'compare';
  dryRun: boolean;
  /** the operator accepted writing over existing keys (--merge-policy or --yes) */
  acceptNonEmpty: boolean;
}

export async function refusals(o: RefusalOptions, source: Side, target: Side): Promise<void> {
  if (source.runIds.some((id) => target.runIds.includes(id))) {
    throw new InputError(`source and target are the same server (${target.label}): name two different deployments`);
  }
  if (o.mode === 'compare' || o.dryRun) return;
  if (target.replicaOf) throw new InputError(`target ${target.label} is a replica of ${target.replicaOf}: name its master, or promote it first`);
  const existing = await keyCount(target);
  if (existing > 0 && !o.acceptNonEmpty) {
    throw new InputError(`target ${target.label} already holds ${existing} keys: add --merge-policy overwrite (or merge, with --type struct) to write over them, or --yes`);
  }
}
