// One picture of a cluster from every node's reading: the reference view (the entry node's, or the first node that
// answered), every node by id, and where each one is. Pure; the checks (coverage, agreement, …) read it.
import { nodeId } from '../../options/endpoint.js';
import type { ClusterNodeEntry } from '../topology/types.js';
import type { NodeReading } from './read-nodes.js';

export interface ClusterPicture {
  readings: NodeReading[];
  /** the readings that answered, each with its view */
  answered: Array<NodeReading & { view: ClusterNodeEntry[] }>;
  /** the entry node's view (readings[0]), or the first that answered */
  reference: ClusterNodeEntry[];
  /** every node any view names, by id (the reference view's entry first) */
  byId: Map<string, ClusterNodeEntry>;
  /** host:port of a node id; the id's first 8 characters when no view gives an address */
  addressOf(id: string): string;
  /** the reading of a node id, when it answered */
  readingOf(id: string): (NodeReading & { view: ClusterNodeEntry[] }) | undefined;
  /** a node's own line (myself) in its own view, when it answered; else what the reference view says of it */
  selfOf(id: string): ClusterNodeEntry | undefined;
}

export function pictureOf(readings: NodeReading[]): ClusterPicture {
  const answered = readings.filter((r): r is NodeReading & { view: ClusterNodeEntry[] } => !r.error && !!r.view);
  const reference = answered[0]?.view ?? [];
  const byId = new Map<string, ClusterNodeEntry>();
  for (const n of reference) byId.set(n.id, n);
  for (const r of answered) for (const n of r.view) if (!byId.has(n.id)) byId.set(n.id, n);
  const readingById = new Map(answered.filter((r) => r.id).map((r) => [r.id!, r]));
  const addressOf = (id: string) => {
    const r = readingById.get(id);
    if (r) return r.address;
    const n = byId.get(id);
    return n && n.port ? nodeId(n.host, n.port) : id.slice(0, 8);
  };
  return {
    readings,
    answered,
    reference,
    byId,
    addressOf,
    readingOf: (id) => readingById.get(id),
    selfOf: (id) => readingById.get(id)?.view.find((n) => n.myself) ?? byId.get(id),
  };
}
