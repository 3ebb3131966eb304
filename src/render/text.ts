// The topology as plain text (a tree) or JSON: for `cutover topology`, and for the console when
// stdout is not a terminal. A second reader of the same state, not a second engine.
import type { DeploymentInfo, LogEntry, NodeState } from '../engine/topology/types.js';
import { topologyRows } from '../store/topology-rows.js';
import { pad, padLeft } from './format.js';
import { clock } from '../format/durations.js';
import { keysText, lagText, linkText, nodeName, noteText, roleText } from './node-text.js';

export function deploymentLine(d: DeploymentInfo | undefined, nodes: NodeState[]): string {
  const up = nodes.filter((n) => n.status === 'up').length;
  const down = nodes.filter((n) => n.status === 'down').length;
  const parts = [
    `deployment: ${d?.kind ?? 'unknown'}`,
    `entry ${d?.entry.join(', ') ?? '-'}`,
    d?.redisVersion ? `redis ${d.redisVersion}` : undefined,
    `${nodes.length} node${nodes.length === 1 ? '' : 's'} (${up} up${down ? `, ${down} DOWN` : ''})`,
  ];
  return parts.filter(Boolean).join(' · ');
}

export function topologyText(nodes: NodeState[], deployment?: DeploymentInfo, now = Date.now()): string {
  const byId = Object.fromEntries(nodes.map((n) => [n.id, n]));
  const rows = topologyRows(byId, nodes.map((n) => n.id));
  const nameWidth = Math.max(24, ...rows.map((r) => r.prefix.length + nodeName(r.node).length + 1));
  const lines = [deploymentLine(deployment, nodes)];
  lines.push(`${pad('NODE', nameWidth)} ${pad('ROLE', 12)} ${pad('LINK', 5)} ${padLeft('OFFSET', 12)}  ${pad('LAG', 14)} ${padLeft('KEYS', 7)}  NOTE`);
  for (const r of rows) {
    const n = r.node;
    lines.push(
      [
        pad(r.prefix + nodeName(n), nameWidth),
        pad(roleText(n), 12),
        pad(linkText(n), 5),
        padLeft(n.offset === undefined || n.role === 'sentinel' ? '' : String(n.offset), 12) + ' ',
        pad(lagText(n), 14),
        padLeft(keysText(n), 7) + ' ',
        noteText(n, now),
      ]
        .join(' ')
        .trimEnd(),
    );
  }
  return lines.join('\n') + '\n';
}

export function logLine(e: LogEntry): string {
  const mark = e.level === 'error' ? 'ERROR' : e.level === 'warn' ? 'WARN ' : 'info ';
  return `${clock(e.at)} ${mark} ${e.message}`;
}

/** JSON for scripts: the deployment and every node as the engine sees it. */
export function topologyJson(nodes: NodeState[], deployment?: DeploymentInfo): string {
  return JSON.stringify({ deployment, nodes }, null, 2) + '\n';
}
