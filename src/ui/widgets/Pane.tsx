// A bordered pane with its title in the top border; the focused one says so with ▶ and a bold title, not only by colour.
// The border style never changes between renders: ink 6.8 mis-lays a box whose borderStyle changes while borderTop is off.
import React from 'react';
import { Box, Text } from 'ink';
import { useConsole } from '../context.js';

export function topBorder(title: string, width: number): string {
  const [l, h, r] = ['┌', '─', '┐'];
  const inner = Math.max(0, width - 2);
  const label = inner >= 4 ? `${h} ${title} `.slice(0, inner) : '';
  return l + label + h.repeat(Math.max(0, inner - label.length)) + r;
}

export function Pane(props: { title: string; focused: boolean; width: number; height: number; children: React.ReactNode }) {
  const { theme } = useConsole();
  const color = props.focused ? theme.focus : theme.border;
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      <Text color={color} bold={props.focused} wrap="truncate">
        {topBorder(props.focused ? `▶ ${props.title}` : props.title, props.width)}
      </Text>
      <Box flexDirection="column" borderStyle="single" borderTop={false} borderColor={color} width={props.width} height={props.height - 1} overflow="hidden">
        {props.children}
      </Box>
    </Box>
  );
}
