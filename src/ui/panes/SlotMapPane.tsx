// The cluster's slot map: one compact row per master (its name, a bar over the 16384 slots, its slot count, its
// open slots in words, its ranges), from the masters' own CLUSTER NODES lines as the topology polls them, so the
// ranges change on screen while a reshard moves slots.
import React, { useMemo } from 'react';
import { Box, Text } from 'ink';
import { clusterIds, clusterMasters } from '../../store/cluster-masters.js';
import { openSlotCount, peerNamer, slotMapLayout, slotMapRow } from '../../render/slot-map-row.js';
import { useApp, useConsole } from '../context.js';
import { Pane } from '../widgets/Pane.js';
import { Line } from '../widgets/Table.js';

/** The pane's rows: its borders and one row a master (none without masters). */
export function slotMapHeight(masters: number): number {
  return masters ? masters + 2 : 0;
}

export function SlotMapPane(props: { width: number; height: number }) {
  const { theme } = useConsole();
  const nodes = useApp((s) => s.nodes);
  const order = useApp((s) => s.order);
  const masters = useMemo(() => clusterMasters(nodes, order), [nodes, order]);
  const peer = useMemo(() => peerNamer(masters, clusterIds(nodes)), [masters, nodes]);
  const inner = props.width - 2;
  const layout = slotMapLayout(masters, inner);
  const open = openSlotCount(masters.flatMap((m) => m.migrations));
  const visible = Math.max(0, props.height - 2);
  const title = `Slots · ${layout.cells} cells of ${16384 / layout.cells} · █ all · ▌ some · · none${open ? ` · ${open} slot${open === 1 ? '' : 's'} OPEN` : ''}`;
  return (
    <Pane title={title} focused={false} width={props.width} height={props.height}>
      {masters.slice(0, visible).map((m) => (
        <Line key={m.id}>
          <Text wrap="truncate" color={!m.up ? theme.error : m.migrations.length ? theme.warn : undefined}>
            {slotMapRow(m, inner, layout, peer, !m.up)}
          </Text>
        </Line>
      ))}
      <Box flexGrow={1} />
    </Pane>
  );
}
