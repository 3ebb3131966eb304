// How far a replica's sync has got, from its INFO replication and persistence fields. Pure.
import { bytes } from '../../../format/units.js';

export interface SyncState {
  phase: 'connecting' | 'transfer' | 'loading' | 'streaming';
  /** link up, no sync under way, nothing loading */
  synced: boolean;
  done?: number;
  total?: number;
  unit?: 'bytes' | 'offset';
  text: string;
}

function n(x: string | undefined): number | undefined {
  if (x === undefined || x === '') return undefined;
  const v = Number(x);
  return Number.isFinite(v) ? v : undefined;
}

export function syncState(repl: Record<string, string>, persistence: Record<string, string>, masterOffset?: number): SyncState {
  const link = repl.master_link_status;
  const syncing = repl.master_sync_in_progress === '1';
  const loading = persistence.loading === '1' || persistence.async_loading === '1';
  if (syncing) {
    const total = n(repl.master_sync_total_bytes);
    const read = n(repl.master_sync_read_bytes) ?? 0;
    if (total !== undefined && total > 0) return { phase: 'transfer', synced: false, done: read, total, unit: 'bytes', text: `receiving the snapshot: ${bytes(read)} of ${bytes(total)}` };
    return { phase: 'transfer', synced: false, text: `receiving the snapshot: ${bytes(read)}${total === -1 ? ' (diskless: size not known in advance)' : ''}` };
  }
  if (loading) {
    const total = n(persistence.loading_total_bytes);
    const perc = n(persistence.loading_loaded_perc);
    const done = n(persistence.loading_loaded_bytes);
    if (total && done !== undefined) return { phase: 'loading', synced: false, done, total, unit: 'bytes', text: `loading the snapshot: ${perc !== undefined ? perc.toFixed(1) + '%' : bytes(done)}` };
    return { phase: 'loading', synced: false, text: `loading the snapshot${perc !== undefined ? `: ${perc.toFixed(1)}%` : ''}` };
  }
  if (link !== 'up') return { phase: 'connecting', synced: false, text: `connecting to the origin (link ${link ?? '?'})` };
  const offset = n(repl.slave_repl_offset) ?? n(repl.master_repl_offset) ?? 0;
  if (masterOffset !== undefined && masterOffset > 0) {
    const behind = Math.max(0, masterOffset - offset);
    return { phase: 'streaming', synced: true, done: offset, total: masterOffset, unit: 'offset', text: `in sync, ${bytes(behind)} behind` };
  }
  return { phase: 'streaming', synced: true, text: 'in sync' };
}
