// Key hints, built from the same key table as the help and the dispatcher: the keys that do something now, as many
// as fit the width (by rank, "? help" always); while a failover wizard is on screen, its own keys (scrolling,
// stopping, closing, or the typed confirmation's). With --read-only the dangerous keys are left out. For a few
// seconds after a key was refused, that one line instead.
import React from 'react';
import { Text } from 'ink';
import { footerHints, type FooterContext, type FooterMode } from '../keys.js';
import { useApp, useConsole } from '../context.js';
import { toastText } from '../toast.js';

export function Footer(props: { width: number; mode?: FooterMode; context?: FooterContext; now?: number }) {
  const { theme } = useConsole();
  const toast = useApp((s) => s.ui.toast);
  const text = toastText(toast, props.now ?? Date.now());
  if (text) {
    return (
      <Text wrap="truncate" color={theme.warn} bold>
        {text}
      </Text>
    );
  }
  return (
    <Text wrap="truncate">
      {footerHints(props.mode, props.context, props.width).map((h, i) => (
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
