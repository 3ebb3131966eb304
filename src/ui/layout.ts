// How the console's rows are shared. Pure, so it can be tested without drawing: the live region stays at most
// rows − 1 (ink 6.8 redraws the whole screen when its output is as tall as the terminal), a pending typed
// confirmation always keeps its rows, and the rest goes by priority.
export interface LayoutInput {
  rows: number;
  nodeCount: number;
  /** the replication pane's rows (a pair, a job or a typed yes), 0 when it is not shown */
  job: number;
  /** the cluster's slot map: one row a master and its borders, 0 when it is not shown */
  slotMap?: number;
  /** the drill pane's wish, undefined when it is not shown */
  drillWant?: number;
  /** an open failover wizard's least rows (borders, its pinned lines, a few of its text) */
  wizardMin?: number;
}

export interface Layout {
  /** the whole console: rows − 1 */
  height: number;
  topo: number;
  job: number;
  /** the slot map (0: not shown) */
  slotMap: number;
  drill: number;
  /** the wizard, or the details / event log */
  bottom: number;
}

/** The drill pane's least useful height: its state line between borders. */
const DRILL_MIN = 3;
/** The topology's least: its header and a few rows (the selected one is kept in view). */
const TOPO_MIN = 6;

export function consoleLayout(i: LayoutInput): Layout {
  const height = Math.max(10, i.rows - 1);
  const body = height - 3; // two header lines, the footer
  const job = Math.min(i.job, Math.max(0, body - 4));
  const topoWant = i.nodeCount + 3;
  let free = body - job;
  // the least of each first: the wizard (its typed confirmation) before the topology, the topology before a drill
  const bottomMin = i.wizardMin ?? 5;
  let bottom = Math.min(bottomMin, Math.max(0, free - 4));
  let topo = Math.max(0, Math.min(topoWant, TOPO_MIN, free - bottom));
  free -= bottom + topo;
  let drill = 0;
  if (i.drillWant !== undefined && free >= DRILL_MIN) {
    drill = DRILL_MIN;
    free -= DRILL_MIN;
  }
  // the slot map whole or not at all (a bar cut short would mislead), after a drill's verdict line, before the
  // topology's growth (the topology's NOTE gives the slot ranges too)
  let slotMap = 0;
  if (i.slotMap && free >= i.slotMap) {
    slotMap = i.slotMap;
    free -= slotMap;
  }
  // then what each would like: all of the topology, all of the drill; what is left is the bottom pane's
  const grow = (want: number, have: number) => {
    const add = Math.max(0, Math.min(free, want - have));
    free -= add;
    return have + add;
  };
  topo = grow(topoWant, topo);
  if (drill) drill = grow(i.drillWant!, drill);
  bottom += Math.max(0, free);
  return { height, topo, job, slotMap, drill, bottom };
}
