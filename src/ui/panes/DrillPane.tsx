// The drill pane: the consistency checker's state, its per-second line, writes unavailable now (in words, bold),
// the recent windows of unavailability and, at the end, the verdict. Plain props: the console's store keeps a
// DrillView (engine/drill/view.ts: newDrillView, foldDrill) and passes it in.
import React from 'react';
import { Text } from 'ink';
import type { DrillView } from '../../store/drill.js';
import { count } from '../../format/counts.js';
import { clockMs, ms, seconds } from '../../format/durations.js';
import { countsLine, shortWindowLine, verdictLine, windowsLine } from '../../render/drill-text.js';
import { useConsole } from '../context.js';
import { Pane } from '../widgets/Pane.js';
import { Line } from '../widgets/Table.js';

export interface DrillPaneProps {
  width: number;
  height: number;
  /** the clock the console draws with (ages and "unavailable for") */
  now: number;
  focused?: boolean;
  /** undefined: no drill has run */
  drill?: DrillView;
}

/** Lines the pane wants: borders, three lines of state, and up to `maxWindows` recent windows. */
export function drillPaneHeight(drill: DrillView | undefined, maxWindows = 3): number {
  if (!drill) return 3;
  const closed = drill.windows.filter((w) => w.endedAt !== undefined).length;
  return 2 + 3 + Math.min(maxWindows, closed) + (drill.summary ? 1 : 0);
}

const STATE_WORD: Record<DrillView['state'], string> = {
  connecting: 'connecting',
  running: 'running',
  stopping: 'stopping: reading every counter back',
  done: 'done',
  failed: 'FAILED',
};

export function DrillPane(props: DrillPaneProps) {
  const { theme } = useConsole();
  const d = props.drill;
  const inner = props.width - 2;
  const lines: React.ReactNode[] = [];
  if (!d) {
    lines.push(
      <Text key="none" color={theme.muted} wrap="truncate">
        no drill running
      </Text>,
    );
  } else {
    const t = d.tick;
    const s = d.summary;
    const elapsed = s ? s.durationMs : t ? t.elapsedMs : Math.max(0, props.now - d.startedAt);
    const rate = t ? ` · ${count(t.perSecond.writes)} writes/s` : '';
    const where = t?.master ?? s?.masters.at(-1);
    const master = where ? ` → ${where}` : '';
    const stateColor = d.state === 'failed' ? theme.error : d.state === 'done' ? theme.ok : d.state === 'running' ? theme.ok : theme.warn;
    lines.push(
      <Text key="head" wrap="truncate">
        <Text bold color={stateColor}>
          {STATE_WORD[d.state]}
        </Text>
        {` · ${seconds(elapsed / 1000)}${rate}${master} · ${d.target || '…'}`}
      </Text>,
    );
    if (d.state === 'failed') {
      lines.push(
        <Text key="msg" color={theme.error} wrap="truncate">
          {`✗ ${d.message ?? 'could not start'}`}
        </Text>,
      );
    } else if (t || s) {
      const counts = s?.counts ?? t!.counts;
      const line = countsLine(counts, inner < 90);
      lines.push(
        <Text key="tick" wrap="truncate" color={counts.lost ? theme.error : undefined} bold={!!counts.lost}>
          {line}
        </Text>,
      );
    } else {
      lines.push(
        <Text key="wait" color={theme.muted} wrap="truncate">
          reading the counters…
        </Text>,
      );
    }
    const open = !s ? d.windows.filter((w) => w.endedAt === undefined) : [];
    if (open.length) {
      const w = open[0];
      lines.push(
        <Text key="open" wrap="truncate" color={theme.error} bold>
          {`✗ WRITES UNAVAILABLE for ${ms(Math.max(0, props.now - w.startedAt))} (since ${clockMs(w.startedAt)}${w.group === 'master' ? '' : `, ${w.group}`}${open.length > 1 ? `, +${open.length - 1} more` : ''}): ${w.firstError}`}
        </Text>,
      );
    } else if (d.state !== 'failed') {
      const totals = s?.windows ?? t?.windows;
      lines.push(
        <Text key="totals" wrap="truncate" color={totals?.count ? theme.warn : theme.muted}>
          {totals ? windowsLine(totals) : 'write unavailability: none yet'}
        </Text>,
      );
    }
    const closed = d.windows.filter((w) => w.endedAt !== undefined || s).reverse();
    const room = Math.max(0, props.height - 2 - lines.length - (s && d.state !== 'failed' ? 1 : 0));
    for (const w of closed.slice(0, room)) {
      lines.push(
        <Text key={`w${w.id}`} wrap="truncate" color={theme.muted}>
          {shortWindowLine(w)}
        </Text>,
      );
    }
    if (s && d.state !== 'failed') {
      const ok = s.reason !== 'failed' && s.lost === 0 && s.finalCheck.unchecked === 0;
      lines.push(
        <Text key="verdict" wrap="truncate" bold color={ok ? theme.ok : theme.error}>
          {`${ok ? '✓' : '✗'} ${verdictLine(s)}`}
        </Text>,
      );
    }
  }
  // short of rows, the verdict stays and the unavailability totals go (the verdict's line sums them up)
  const rows = Math.max(0, props.height - 2);
  if (lines.length > rows && d?.summary && d.state !== 'failed') {
    const at = lines.findIndex((l) => React.isValidElement(l) && l.key === 'totals');
    if (at >= 0) lines.splice(at, 1);
  }
  return (
    <Pane title={d ? `Drill · ${STATE_WORD[d.state].split(':')[0]}` : 'Drill'} focused={!!props.focused} width={props.width} height={props.height}>
      {lines.slice(0, rows).map((l, i) => (
        <Line key={i}>{l}</Line>
      ))}
    </Pane>
  );
}
