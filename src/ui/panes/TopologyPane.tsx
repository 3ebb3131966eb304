// The topology: one row a node, masters with their replicas below, lag as a meter, down nodes in words.
import React, { useMemo } from 'react';
import { Box, Text } from 'ink';
import type { NodeState } from '../../engine/topology/types.js';
import { bytes, count, rate, seconds } from '../../render/format.js';
import { keysText, linkText, nodeName, noteText, roleText } from '../../render/node-text.js';
import { topologyRows } from '../../store/topology-rows.js';
import { useApp, useConsole } from '../context.js';
import { logFraction, meterCells } from '../widgets/Meter.js';
import { Pane } from '../widgets/Pane.js';
import { TableHeader, TableRow, type Cell, type Column } from '../widgets/Table.js';
import type { Theme } from '../theme.js';

const LAG_SCALE = 1024 * 1024; // a full meter is 1 MB behind
const METER = 4;

function columnsFor(inner: number): { columns: Column[]; wide: boolean } {
  const wide = inner >= 100;
  const fixed: Column[] = wide
    ? [
        { title: 'ROLE', width: 8 },
        { title: 'LINK', width: 4 },
        { title: 'OFFSET', width: 12, align: 'right' },
        { title: 'LAG', width: 18 },
        { title: 'RATE', width: 10, align: 'right' },
        { title: 'KEYS', width: 7, align: 'right' },
        { title: 'CLI', width: 4, align: 'right' },
        { title: 'MEM', width: 8, align: 'right' },
      ]
    : [
        { title: 'ROLE', width: 8 },
        { title: 'LINK', width: 4 },
        { title: 'OFFSET', width: 10, align: 'right' },
        { title: 'LAG', width: 16 },
      ];
  const used = fixed.reduce((s, c) => s + c.width + 1, 0);
  const nameWidth = wide ? 30 : Math.max(18, Math.min(30, inner - used - 12));
  const note = Math.max(0, inner - used - nameWidth - 1);
  return { columns: [{ title: 'NODE', width: nameWidth }, ...fixed, { title: 'NOTE', width: note }], wide };
}

function lagCell(n: NodeState, theme: Theme, width: number): Cell {
  if (n.role !== 'replica' || n.status !== 'up') return { text: '' };
  if (n.lagBytes === undefined) return { text: '?' };
  const words = n.lagBytes === 0 ? '0 B' : `${bytes(n.lagBytes)} ${seconds(n.lagSeconds)}`;
  const color = n.lagBytes > 64 * 1024 ? theme.warn : theme.ok;
  return { text: `${meterCells(logFraction(n.lagBytes, LAG_SCALE), METER)} ${words}`.slice(0, width), color };
}

function cells(n: NodeState, prefix: string, theme: Theme, wide: boolean, now: number, lagWidth: number): Cell[] {
  const down = n.status === 'down';
  const roleColor = down ? theme.error : n.role === 'master' ? theme.accent : n.role === 'sentinel' ? theme.muted : undefined;
  const link = linkText(n);
  const base: Cell[] = [
    { text: prefix + nodeName(n), color: down ? theme.error : undefined },
    { text: (down ? '✗ ' : '') + roleText(n), color: roleColor, bold: down || n.role === 'master' },
    { text: link, color: link === 'down' ? theme.error : link === 'sync' ? theme.warn : undefined, bold: link === 'down' },
    { text: n.offset === undefined || n.role === 'sentinel' ? '' : String(n.offset) },
    lagCell(n, theme, lagWidth),
  ];
  const extra: Cell[] = wide
    ? [
        { text: n.role === 'sentinel' || n.status !== 'up' ? '' : rate(n.offsetRate) },
        { text: keysText(n) },
        { text: count(n.connectedClients) },
        { text: bytes(n.usedMemory) },
      ]
    : [];
  return [...base, ...extra, { text: noteText(n, now, !wide), color: down ? theme.error : theme.muted }];
}

export function TopologyPane(props: { width: number; height: number; focused: boolean; now: number }) {
  const { theme } = useConsole();
  const nodes = useApp((s) => s.nodes);
  const order = useApp((s) => s.order);
  const selected = useApp((s) => s.ui.selected);
  const rows = useMemo(() => topologyRows(nodes, order), [nodes, order]);
  const inner = props.width - 2;
  const { columns, wide } = columnsFor(inner);
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
        <TableRow key={r.id} columns={columns} selected={r.id === selected} cells={cells(r.node, r.prefix, theme, wide, props.now, columns[4].width)} />
      ))}
      <Box flexGrow={1} />
    </Pane>
  );
}
