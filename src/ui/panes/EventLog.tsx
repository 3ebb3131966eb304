// Role changes, links going up and down, syncs, Sentinel and cluster events: newest at the bottom.
import React from 'react';
import { Text } from 'ink';
import { clock } from '../../format/durations.js';
import { useApp, useConsole } from '../context.js';
import { Pane } from '../widgets/Pane.js';

export function EventLog(props: { width: number; height: number; focused: boolean }) {
  const { theme } = useConsole();
  const log = useApp((s) => s.log);
  const scroll = useApp((s) => s.ui.logScroll);
  const visible = Math.max(1, props.height - 2);
  // scrolled back as far as it goes, the oldest lines fill the pane: no blank rows
  const end = Math.max(Math.min(visible, log.length), log.length - scroll);
  const shown = log.slice(Math.max(0, end - visible), end);
  const title = `Events · ${log.length}${end < log.length ? ` · ${log.length - end} newer below` : ''}`;
  return (
    <Pane title={title} focused={props.focused} width={props.width} height={props.height}>
      {shown.length === 0 ? <Text color={theme.muted}>no events yet</Text> : null}
      {shown.map((e, i) => (
        <Text key={end - shown.length + i} wrap="truncate">
          <Text color={theme.muted}>{clock(e.at)} </Text>
          <Text color={e.level === 'error' ? theme.error : e.level === 'warn' ? theme.warn : undefined} bold={e.level !== 'info'}>
            {e.level === 'error' ? '✗ ' : e.level === 'warn' ? '! ' : '· '}
            {e.message}
          </Text>
        </Text>
      ))}
    </Pane>
  );
}
