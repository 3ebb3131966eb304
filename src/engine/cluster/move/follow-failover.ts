// A reshard's source or target master replaced mid-move (a failover, planned or not): which node took its place, as
// the cluster tells it now. The promoted replica owns the slots the old master owned; failing that, a replica of it
// known before is a master now, or the old master is alive as a replica of the new one. Pure.
import { DuplicateKeysError, SlotKeysError } from './migrate-keys.js';
import { ServerReplyError } from '../../failover/pool.js';
import type { ClusterView } from './reshard-plan.js';

/** replies that say a node is no longer the master it was, or went away */
const NOT_THE_MASTER = /SETSLOT only with masters|READONLY|MOVED|CLUSTERDOWN|MASTERDOWN|LOADING|IOERR|not the owner|is not a master|don't know about node|Unknown node/i;

/** After this error, the source or target may have failed over: worth asking the cluster before giving up. */
export function mayBeFailover(err: unknown): boolean {
  if (err instanceof DuplicateKeysError) return false;
  if (err instanceof ServerReplyError || err instanceof SlotKeysError) return NOT_THE_MASTER.test(String(err.message));
  return true; // no reply: the connection was lost or timed out
}

/** The master that owns `slot` in the view, if any. */
export function ownerOf(view: ClusterView, slot: number): string | undefined {
  return view.masters.find((m) => m.slots.some(([a, b]) => slot >= a && slot <= b))?.id;
}

/**
 * The node that stands for master `oldId` now: itself while it is a master of the view; else the owner of one of the
 * slots it held (`slots`), other than `other` (the far side of the move, which may own some of them by now); else a
 * replica of it known before (`before`) that is a master now; else the master the old one replicates now. Undefined
 * while the cluster has not decided (the old master is failing, its replica not promoted yet).
 */
export function replacementOf(oldId: string, slots: Iterable<number>, view: ClusterView, before: ClusterView['replicas'], other: string): string | undefined {
  const isMaster = (id: string) => view.masters.some((m) => m.id === id);
  if (isMaster(oldId)) return oldId;
  for (const s of slots) {
    const o = ownerOf(view, s);
    if (o && o !== oldId && o !== other) return o;
  }
  const promoted = (before ?? []).find((r) => r.masterId === oldId && isMaster(r.id));
  if (promoted) return promoted.id;
  const follows = view.replicas?.find((r) => r.id === oldId)?.masterId;
  return follows && isMaster(follows) ? follows : undefined;
}
