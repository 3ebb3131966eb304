// `cutover cluster check`: every node's reading → one report (masters' table, uncovered ranges, open slots, and one
// finding per problem). ok only when no finding is a problem. Pure; read-nodes.ts does the reading.
import { slotMapFindings, roleFindings } from './agreement.js';
import type { CheckReport, Finding, Severity } from './check-types.js';
import { coverageFindings, servedMap } from './coverage.js';
import { masterRows } from './masters.js';
import { nodeHealthFindings } from './node-health.js';
import { openSlotFindings, openSlotsOf } from './open-slots.js';
import { pictureOf } from './picture.js';
import type { NodeReading } from './read-nodes.js';
import { replicaFindings } from './replicas.js';

const ORDER: Record<Severity, number> = { problem: 0, warning: 1, note: 2 };

export function checkCluster(readings: NodeReading[]): CheckReport {
  const p = pictureOf(readings);
  const { map, claimedTwice } = servedMap(p);
  const { uncovered, findings: coverage } = coverageFindings(p, map, claimedTwice);
  const openSlots = openSlotsOf(p);
  const { rows, share } = masterRows(p, map);
  const findings: Finding[] = [
    ...nodeHealthFindings(p),
    ...coverage,
    ...openSlotFindings(openSlots),
    ...slotMapFindings(p),
    ...roleFindings(p),
    ...replicaFindings(
      p,
      rows.filter((r) => r.slots > 0).map((r) => r.id),
    ),
  ].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return {
    ok: !findings.some((f) => f.severity === 'problem'),
    nodes: p.byId.size,
    answered: p.answered.length,
    balancedShare: share,
    masters: rows,
    uncovered,
    openSlots,
    findings,
  };
}
