// A bordered pane with its title in the top border; the focused one says so in words (▶) and a double border, not only by colour.
import React from 'react';
import { Box, Text } from 'ink';
import { useConsole } from '../context.js';

const CORNERS = { single: ['┌', '─', '┐'], double: ['╔', '═', '╗'] } as const;

export function topBorder(title: string, width: number, style: keyof typeof CORNERS): string {
  const [l, h, r] = CORNERS[style];
  const inner = Math.max(0, width - 2);
  const label = inner >= 4 ? `${h} ${title} `.slice(0, inner) : '';
  return l + label + h.repeat(Math.max(0, inner - label.length)) + r;
}

export function Pane(props: { title: string; focused: boolean; width: number; height: number; children: React.ReactNode }) {
  const { theme } = useConsole();
  const style = props.focused ? 'double' : 'single';
  const color = props.focused ? theme.focus : theme.border;
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      <Text color={color} bold={props.focused} wrap="truncate">
        {topBorder(props.focused ? `▶ ${props.title}` : props.title, props.width, style)}
      </Text>
      <Box flexDirection="column" borderStyle={style} borderTop={false} borderColor={color} width={props.width} height={props.height - 1} overflow="hidden">
        {props.children}
      </Box>
    </Box>
  );
}
