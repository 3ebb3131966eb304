// `cutover cluster check` as text for a terminal: one row per master (slots, keys, memory, replicas, deviation from
// the balanced share), then each finding as one line, its severity in words, then a one-line verdict. Pure.
import type { CheckReport, Finding, MasterRow } from '../engine/cluster/check-types.js';
import { thousands } from '../format/counts.js';
import { bytes } from '../format/units.js';
import { pad, padLeft, slotRanges } from './format.js';

const COLUMNS: Array<{ title: string; width: number; right?: boolean; cell: (m: MasterRow) => string }> = [
  { title: 'master', width: 22, cell: (m) => m.address },
  { title: 'id', width: 9, cell: (m) => m.id.slice(0, 8) },
  { title: 'slots', width: 6, right: true, cell: (m) => String(m.slots) },
  { title: 'ranges', width: 24, cell: (m) => slotRanges(m.ranges) || '(none)' },
  { title: 'keys', width: 10, right: true, cell: (m) => (m.keys === undefined ? '?' : thousands(m.keys)) },
  { title: 'memory', width: 9, right: true, cell: (m) => (m.memoryBytes === undefined ? '?' : bytes(m.memoryBytes)) },
  { title: 'replicas', width: 8, right: true, cell: (m) => String(m.replicas) },
  { title: 'vs share', width: 9, right: true, cell: (m) => `${m.deviationPct > 0 ? '+' : ''}${m.deviationPct.toFixed(1)}%` },
];

function row(cells: string[]): string {
  return cells
    .map((c, i) => (COLUMNS[i].right ? padLeft(c, COLUMNS[i].width) : pad(c, COLUMNS[i].width)))
    .join('  ')
    .trimEnd();
}

function findingLine(f: Finding): string {
  return `${f.severity}: ${f.text}`;
}

/** The one-line verdict: all is well, or the count of problems and warnings. */
export function checkVerdict(r: CheckReport): string {
  const n = (sev: Finding['severity']) => r.findings.filter((f) => f.severity === sev).length;
  const [problems, warnings] = [n('problem'), n('warning')];
  const plural = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  if (r.ok) return `cluster check: all is well${warnings ? ` (${plural(warnings, 'warning')})` : ''}: 16384 slots covered, no open slot, every node agrees and answers`;
  return `cluster check: ${plural(problems, 'problem')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}`;
}

export function clusterCheckText(r: CheckReport): string {
  const keys = r.masters.reduce((s, m) => s + (m.keys ?? 0), 0);
  const lines = [
    `${r.nodes} nodes (${r.answered} answered), ${r.masters.length} masters, ${thousands(keys)} keys; balanced share ${r.balancedShare} slots a master`,
    '',
    row(COLUMNS.map((c) => c.title)),
    ...r.masters.map((m) => row(COLUMNS.map((c) => c.cell(m)))),
    '',
    ...r.findings.map(findingLine),
    ...(r.findings.length ? [''] : []),
    checkVerdict(r),
  ];
  return lines.join('\n') + '\n';
}

/** --json: the report as it is (addresses, never a password). */
export function clusterCheckJson(r: CheckReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}
