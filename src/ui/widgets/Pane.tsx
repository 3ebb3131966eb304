// A bordered pane with a title; the focused one says so in its title, not only by colour.
import React from 'react';
import { Box, Text } from 'ink';
import { useConsole } from '../context.js';

export function Pane(props: { title: string; focused: boolean; width?: number | string; height: number; children: React.ReactNode }) {
  const { theme } = useConsole();
  return (
    <Box
      flexDirection="column"
      borderStyle={props.focused ? 'double' : 'single'}
      borderColor={props.focused ? theme.focus : theme.border}
      width={props.width}
      height={props.height}
      overflow="hidden"
    >
      <Box position="absolute" marginTop={-1} marginLeft={1}>
        <Text bold={props.focused} color={props.focused ? theme.focus : undefined}>
          {props.focused ? `▶ ${props.title} ` : ` ${props.title} `}
        </Text>
      </Box>
      {props.children}
    </Box>
  );
}
