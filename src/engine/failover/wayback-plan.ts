// The way back as a plan of its own, so a console wizard (or a later command) can show it, ask for the
// typed word, and run it through the same step runner and journal.
import type { NodeReport, Plan, WayBack } from './types.js';
import { describeNodes } from './wayback.js';

const ROLE_CHANGING = /^(REPLICAOF|SLAVEOF|FAILOVER|CLUSTER FAILOVER|CLUSTER REPLICATE|SENTINEL FAILOVER)\b/i;

export function wayBackPlan(from: Pick<Plan, 'procedure' | 'title' | 'masterName'>, w: WayBack, nodes: NodeReport[]): Plan {
  return {
    procedure: from.procedure,
    title: `the way back · ${from.title}`,
    mode: 'the way back: the commands the failed run printed',
    nodes,
    checks: [],
    notes: [w.summary],
    steps: w.commands.map((c, i) => ({
      kind: 'command' as const,
      id: `back:${i + 1}`,
      node: c.node,
      argv: c.argv,
      why: c.why,
      changesRole: ROLE_CHANGING.test(c.argv.join(' ')),
    })),
    confirmWord: 'back',
    ...(from.masterName ? { masterName: from.masterName } : {}),
    wayBack: (now) => ({ summary: `${describeNodes(now)}.`, commands: [] }),
    measures: [],
  };
}
