// ? help: every key from the key table, with what it does.
import React from 'react';
import { Text } from 'ink';
import { KEY_TABLE } from '../keys.js';
import { useConsole } from '../context.js';
import { Pane } from '../widgets/Pane.js';
import { Line } from '../widgets/Table.js';

const NOTES =
  "ROLE says ✗ DOWN for a node that does not answer. LAG is how far a replica is behind its master, in bytes and seconds; " +
  "its meter fills on a log scale up to 1 MB. NOTE holds slot ranges, a Sentinel's quorum and flags, or how long a node has been down.";

export function HelpOverlay(props: { width: number; height: number }) {
  const { theme } = useConsole();
  return (
    <Pane title="Help · keys (Esc or ? to close)" focused width={props.width} height={props.height}>
      {KEY_TABLE.map((b) => (
        <Line key={b.action}>
          <Text wrap="truncate">
            <Text bold color={theme.accent}>
              {b.label.padEnd(8)}
            </Text>
            <Text>{b.help}</Text>
          </Text>
        </Line>
      ))}
      <Text> </Text>
      <Text color={theme.muted} wrap="wrap">
        {NOTES}
      </Text>
    </Pane>
  );
}
