// Key hints, built from the same key table as the help and the dispatcher.
import React from 'react';
import { Text } from 'ink';
import { footerHints } from '../keys.js';
import { useConsole } from '../context.js';

export function Footer(props: { width: number }) {
  const { theme } = useConsole();
  return (
    <Text wrap="truncate">
      {footerHints().map((h, i) => (
        <Text key={h.key}>
          {i ? '  ' : ''}
          <Text bold color={theme.accent}>
            {h.key}
          </Text>
          <Text color={theme.muted}> {h.hint}</Text>
        </Text>
      ))}
    </Text>
  );
}
