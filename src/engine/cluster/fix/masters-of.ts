// The masters a fix plan works with (id, address, slots), from the picture's reference view: masters in service
// with an address. Pure.
import { nodeId } from '../../../options/endpoint.js';
import type { ClusterMaster } from '../move/types.js';
import type { ClusterPicture } from '../picture.js';

export function mastersOf(p: ClusterPicture): ClusterMaster[] {
  return p.reference
    .filter((e) => e.role === 'master' && e.failing !== 'fail' && e.port > 0 && !e.flags.includes('noaddr') && !e.flags.includes('handshake'))
    .map((e) => ({ id: e.id, address: p.readingOf(e.id)?.address ?? nodeId(e.host, e.port), slots: e.slots.map(([a, b]) => [a, b] as [number, number]) }));
}
