// A reshard's or rebalance's figures (the slot-move engine's events) as Prometheus metrics, labelled by procedure:
// slots done and planned, slots in flight, keys and bytes moved, keys/s, failovers followed, slots left open.
import type { Registry } from 'prom-client';
import type { MoveEvent } from '../engine/cluster/move/types.js';
import { gauge, TotalCounter } from './registry.js';

export interface SlotMoveMetrics {
  on(procedure: string, e: MoveEvent): void;
}

const P = ['procedure'] as const;

export function slotMoveMetrics(registry: Registry): SlotMoveMetrics {
  const slotsDone = gauge(registry, 'cutover_cluster_move_slots_done', 'slots moved so far (their SETSLOT NODE done)', P);
  const slotsTotal = gauge(registry, 'cutover_cluster_move_slots', 'slots the plan moves', P);
  const inFlight = gauge(registry, 'cutover_cluster_move_slots_in_flight', 'slots being moved right now (open: MIGRATING/IMPORTING)', P);
  const keysPerSec = gauge(registry, 'cutover_cluster_move_keys_per_second', 'keys moved a second, since the start', P);
  const open = gauge(registry, 'cutover_cluster_move_open_slots', 'slots a failed group left open (cutover cluster fix closes them)', P);
  const keys = new TotalCounter<'procedure'>(registry, 'cutover_cluster_move_keys_total', 'keys moved (MIGRATE)', P);
  const bytes = new TotalCounter<'procedure'>(registry, 'cutover_cluster_move_bytes_total', 'bytes moved (MEMORY USAGE of the keys)', P);
  const failovers = new TotalCounter<'procedure'>(registry, 'cutover_cluster_move_failovers_total', 'a source or target master replaced by its replica mid-move, followed', P);
  let followed = 0;
  let failed = 0;
  return {
    on(procedure, e) {
      const l = { procedure };
      if (e.type === 'progress' || e.type === 'summary') {
        const t = e.type === 'progress' ? e.totals : e.summary.totals;
        slotsDone.set(l, t.slotsDone);
        slotsTotal.set(l, t.slotsTotal);
        inFlight.set(l, e.type === 'progress' ? t.inFlight.length : 0);
        keysPerSec.set(l, t.keysPerSec);
        keys.set(l, t.keys);
        bytes.set(l, t.bytes);
        if (e.type === 'summary') open.set(l, e.summary.open.length);
      } else if (e.type === 'failover') failovers.set(l, ++followed);
      else if (e.type === 'slot-failed') open.set(l, ++failed);
    },
  };
}
