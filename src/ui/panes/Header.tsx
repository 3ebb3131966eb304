// Always visible: what deployment this is (READ-ONLY when started with --read-only), where we entered, the Redis version, the poll interval and how fresh the picture is.
import React from 'react';
import { Box, Text } from 'ink';
import { seconds } from '../../format/durations.js';
import { useApp, useConsole } from '../context.js';

export function Header(props: { width: number; now: number; title?: string }) {
  const { theme, readOnly } = useConsole();
  const d = useApp((s) => s.deployment);
  const lastPollAt = useApp((s) => s.lastPollAt);
  const nodes = useApp((s) => s.nodes);
  const all = Object.values(nodes);
  const down = all.filter((n) => n.status === 'down').length;
  const age = lastPollAt ? (props.now - lastPollAt) / 1000 : undefined;
  const stale = d && age !== undefined && age * 1000 > 3 * d.intervalMs;
  return (
    <Box flexDirection="column" width={props.width}>
      <Text wrap="truncate">
        <Text bold color={theme.accent}>
          cutover{props.title ? ` ${props.title}` : ''}
        </Text>
        {readOnly ? (
          <Text color={theme.warn} bold>
            {' · READ-ONLY'}
          </Text>
        ) : null}
        <Text> · {d?.kind ?? 'discovering'} · entry {d?.entry.join(', ') ?? '…'}</Text>
      </Text>
      <Text wrap="truncate">
        <Text color={theme.muted}>redis </Text>
        <Text>{d?.redisVersion ?? '?'}</Text>
        <Text color={theme.muted}> · poll every </Text>
        <Text>{d ? seconds(d.intervalMs / 1000) : '?'}</Text>
        <Text color={theme.muted}> · last poll </Text>
        <Text color={stale ? theme.warn : undefined} bold={!!stale}>
          {age === undefined ? 'never' : `${seconds(Math.max(0, age))} ago${stale ? ' (STALE)' : ''}`}
        </Text>
        <Text color={theme.muted}> · nodes </Text>
        <Text>{all.length}</Text>
        {down ? (
          <Text color={theme.error} bold>
            {' '}
            ({down} DOWN)
          </Text>
        ) : null}
      </Text>
    </Box>
  );
}
