// The topology: one row a node, masters with their replicas below, lag as a meter, down nodes in words.
import React, { useMemo } from 'react';
import { Box, Text } from 'ink';
import type { NodeState } from '../../engine/topology/types.js';
import { count } from '../../format/counts.js';
import { seconds } from '../../format/durations.js';
import { bytes, rate } from '../../format/units.js';
import { keysText, lagText, linkText, nodeName, noteRoom, noteText, roleText, taggedNote } from '../../render/node-text.js';
import { topologyRows } from '../../store/topology-rows.js';
import { useApp, useConsole } from '../context.js';
import { logFraction, meterCells } from '../widgets/meter.js';
import { Pane } from '../widgets/Pane.js';
import { TableHeader, TableRow, type Cell, type Column } from '../widgets/Table.js';
import type { Theme } from '../theme.js';

const LAG_SCALE = 1024 * 1024; // a full meter is 1 MB behind
const METER = 4;

/** Optional columns, added in this order while the row still has room for a useful NOTE (KEYS needs the least). */
const OPTIONAL: Column[] = [
  { title: 'KEYS', width: 7, align: 'right' },
  { title: 'RATE', width: 10, align: 'right' },
  { title: 'MEM', width: 8, align: 'right' },
  { title: 'CLI', width: 4, align: 'right' },
];
const NOTE_MIN = 14;
const NAME_MIN = 16;
const NAME_MAX = 30;

/**
 * The columns for `inner` characters: NODE as wide as the longest name (within bounds), the fixed ones, then the
 * optional ones while NOTE keeps its least (KEYS) or `noteWant` (the rest: a marked source's live stream), so NOTE
 * gets what is left.
 */
export function columnsFor(inner: number, nameWant = NAME_MAX, noteWant = 0): { columns: Column[]; extra: string[] } {
  const fixed: Column[] = [
    { title: 'ROLE', width: 8 },
    { title: 'LINK', width: 4 },
    { title: 'OFFSET', width: inner >= 100 ? 12 : 10, align: 'right' },
    { title: 'LAG', width: inner >= 100 ? 18 : 16 },
  ];
  const width = (cols: Column[]) => cols.reduce((s, c) => s + c.width + 1, 0);
  // room for "├─ master 127.0.0.1:45735" at 80 columns; NOTE gets the rest
  const nameWidth = Math.max(NAME_MIN, Math.min(NAME_MAX, nameWant, inner - width(fixed) - 10));
  const extras: Column[] = [];
  for (const col of OPTIONAL) {
    const least = col.title === 'KEYS' ? NOTE_MIN : Math.max(NOTE_MIN, noteWant);
    if (nameWidth + 1 + width(fixed) + width(extras) + col.width + 1 + least <= inner) extras.push(col);
  }
  const note = Math.max(0, inner - nameWidth - 1 - width(fixed) - width(extras));
  return {
    columns: [{ title: 'NODE', width: nameWidth }, ...fixed, ...extras, { title: 'NOTE', width: note }],
    extra: extras.map((c) => c.title),
  };
}

function lagCell(n: NodeState, theme: Theme, width: number): Cell {
  if (n.role !== 'replica' || n.status !== 'up') return { text: '' };
  if (n.lagBytes === undefined) return { text: '?' };
  const words = lagText(n);
  const color = n.lagBytes > 64 * 1024 ? theme.warn : theme.ok;
  return { text: `${meterCells(logFraction(n.lagBytes, LAG_SCALE), METER)} ${words}`.slice(0, width), color };
}

function extraCell(title: string, n: NodeState): Cell {
  const up = n.status === 'up';
  switch (title) {
    case 'KEYS':
      return { text: keysText(n) };
    case 'RATE':
      return { text: n.role === 'sentinel' || !up ? '' : rate(n.offsetRate) };
    case 'MEM':
      return { text: bytes(n.usedMemory) };
    default:
      return { text: count(n.connectedClients) };
  }
}

/** SOURCE / TARGET for the nodes marked with S and T. */
function pairTag(id: string, pair: { source?: string; target?: string }): string {
  return id === pair.source ? 'SOURCE' : id === pair.target ? 'TARGET' : '';
}

function cells(n: NodeState, prefix: string, theme: Theme, extra: string[], noteWidth: number, now: number, lagWidth: number, tag: string): Cell[] {
  const down = n.status === 'down';
  const roleColor = down ? theme.error : n.role === 'master' ? theme.accent : n.role === 'sentinel' ? theme.muted : undefined;
  const link = linkText(n);
  return [
    { text: prefix + nodeName(n), color: down ? theme.error : undefined },
    { text: (down ? '✗ ' : '') + roleText(n), color: roleColor, bold: down || n.role === 'master' },
    { text: link, color: link === 'down' ? theme.error : link === 'sync' ? theme.warn : undefined, bold: link === 'down' },
    { text: n.offset === undefined || n.role === 'sentinel' ? '' : String(n.offset) },
    lagCell(n, theme, lagWidth),
    ...extra.map((title) => extraCell(title, n)),
    // a marked node's note in the accent colour: "SOURCE · stream lag 0 B"
    tag
      ? { text: taggedNote(tag, n, now, noteWidth), color: theme.accent, bold: true }
      : { text: noteText(n, now, noteWidth), color: down ? theme.error : theme.muted },
  ];
}

export function TopologyPane(props: { width: number; height: number; focused: boolean; now: number }) {
  const { theme } = useConsole();
  const nodes = useApp((s) => s.nodes);
  const order = useApp((s) => s.order);
  const selected = useApp((s) => s.ui.selected);
  const pair = useApp((s) => s.ui.pair);
  const rows = useMemo(() => topologyRows(nodes, order), [nodes, order]);
  const inner = props.width - 2;
  const nameWant = Math.max(0, ...rows.map((r) => r.prefix.length + nodeName(r.node).length));
  const noteWant = Math.max(0, ...rows.map((r) => noteRoom(r.node, pairTag(r.id, pair))));
  const { columns, extra } = columnsFor(inner, nameWant, noteWant);
  const visible = Math.max(1, props.height - 3);
  const at = Math.max(0, rows.findIndex((r) => r.id === selected));
  const start = Math.min(Math.max(0, at - visible + 1), Math.max(0, rows.length - visible));
  const down = rows.filter((r) => r.node.status === 'down').length;
  const title = `Topology · ${rows.length} nodes${down ? ` · ${down} DOWN` : ''}${rows.length > visible ? ` · ${at + 1}/${rows.length}` : ''}`;
  return (
    <Pane title={title} focused={props.focused} width={props.width} height={props.height}>
      <TableHeader columns={columns} color={theme.muted} />
      {rows.length === 0 ? <Text color={theme.muted}>discovering…</Text> : null}
      {rows.slice(start, start + visible).map((r) => (
        <TableRow key={r.id} columns={columns} selected={r.id === selected} cells={cells(r.node, r.prefix, theme, extra, columns[columns.length - 1].width, props.now, columns[4].width, pairTag(r.id, pair))} />
      ))}
      <Box flexGrow={1} />
    </Pane>
  );
}
