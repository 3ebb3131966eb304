// The selected node's details: its INFO replication and its cluster or Sentinel facts.
import React from 'react';
import { Text } from 'ink';
import { nodeDetail } from '../../render/node-detail.js';
import { useApp, useConsole } from '../context.js';
import { Pane } from '../widgets/Pane.js';

export function DetailPane(props: { width: number; height: number; focused: boolean; now: number }) {
  const { theme } = useConsole();
  const node = useApp((s) => (s.ui.selected ? s.nodes[s.ui.selected] : undefined));
  const scroll = useApp((s) => s.ui.detailScroll);
  const lines = node ? nodeDetail(node, props.now) : [];
  const visible = Math.max(1, props.height - 2);
  const start = Math.min(scroll, Math.max(0, lines.length - visible));
  const more = lines.length > visible ? ` · ${start + 1}-${Math.min(lines.length, start + visible)}/${lines.length} ↑↓` : '';
  return (
    <Pane title={node ? `Details · ${node.label ?? node.id}${more}` : 'Details'} focused={props.focused} width={props.width} height={props.height}>
      {node ? null : <Text color={theme.muted}>no node selected</Text>}
      {lines.slice(start, start + visible).map(([label, value], i) => (
        <Text key={i} wrap="truncate">
          <Text color={theme.muted}>{label.padEnd(10)}</Text>
          <Text color={label === 'status' || label === 'error' ? theme.error : undefined}>{value}</Text>
        </Text>
      ))}
    </Pane>
  );
}
