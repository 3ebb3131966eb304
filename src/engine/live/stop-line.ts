// The line a live job ends with in the console's log (the replication runner sends it as the live phase's end).
import { thousands as num } from '../../format/counts.js';
import { bytes } from '../../format/units.js';
import type { LiveStats } from './types.js';

/** The console's line at a live job's end: "10,617 applied (10,117 keys from the RDB), 0 failed, lag 0 B at the end, …". */
export function liveStopLine(st: LiveStats): string {
  const rdb = st.source === 'psync' ? ` (${num(st.rdbKeys)} keys from the ${st.fullResyncs ? 'last ' : ''}RDB)` : '';
  const tail = st.source === 'psync' ? `, lag ${bytes(st.lagBytes)} at the end, resyncs ${num(st.partialResyncs)} partial ${num(st.fullResyncs)} full` : `, ${num(st.droppedEvents)} events dropped`;
  return `${num(st.applied)} applied${rdb}, ${num(st.failed)} failed${tail}`;
}
