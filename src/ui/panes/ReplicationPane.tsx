// The replication pane: the source → target pair, the running job's progress bar (Scanning, then Verifying) or a
// live stream's Listening meters, its results, and the typed confirmation before a snapshot or a live replication
// writes anything.
import React from 'react';
import { Text } from 'ink';
import { wrapText } from '../../render/format.js';
import { count } from '../../format/counts.js';
import { seconds } from '../../format/durations.js';
import { liveLine, liveOffsets } from '../../render/live-text.js';
import { nodeName } from '../../render/node-text.js';
import { useApp, useConsole } from '../context.js';
import { Pane } from '../widgets/Pane.js';
import { meterCells } from '../widgets/meter.js';
import { Line } from '../widgets/Table.js';
import { confirmField } from '../typed-confirm.js';

const SPINNER = ['◐', '◓', '◑', '◒'];

/** Lines the pane takes: two of text while only a pair is marked, four with a job or a prompt. */
export function replicationPaneHeight(busy: boolean): number {
  return busy ? 6 : 4;
}

export function ReplicationPane(props: { width: number; height: number; now: number }) {
  const { theme, readOnly } = useConsole();
  const job = useApp((s) => s.job);
  const pair = useApp((s) => s.ui.pair);
  const prompt = useApp((s) => s.ui.prompt);
  const source = useApp((s) => (s.ui.pair.source ? s.nodes[s.ui.pair.source] : undefined));
  const target = useApp((s) => (s.ui.pair.target ? s.nodes[s.ui.pair.target] : undefined));
  const drillNode = useApp((s) => (s.ui.prompt?.node ? s.nodes[s.ui.prompt.node] : undefined));
  const inner = props.width - 2;
  const lines: React.ReactNode[] = [];
  const pairText = `${source ? nodeName(source) : '(S: mark a source)'} → ${target ? nodeName(target) : '(T: mark a target)'}`;

  if (prompt) {
    // what it does, wrapped into the rows the question and the input line leave (they always show)
    const what =
      prompt.kind === 'drill'
        ? `drill on ${prompt.node && drillNode ? nodeName(drillNode) : prompt.node}'s deployment: INCR 1000 counters at 1000 writes/s, read back, until d`
        : `${prompt.kind === 'live' ? 'live replication (PSYNC: the data, then every change until x)' : prompt.kind} ${pairText}`;
    const ask = prompt.kind === 'drill' ? 'writes cutover:drill:* keys into it: type yes and Enter, Esc to cancel' : `writes over the target${target?.keys ? ` (it holds ${count(target.keys)} keys)` : ''}: type yes and Enter, Esc to cancel`;
    const room = Math.max(1, props.height - 2 - 2);
    wrapText(what, inner)
      .slice(0, room)
      .forEach((l, i) => lines.push(<Text key={`p1${i}`} wrap="truncate">{l}</Text>));
    lines.push(
      <Text key="p2" color={theme.warn} bold wrap="truncate">
        {ask}
      </Text>,
    );
    lines.push(<Text key="p3" wrap="truncate">{confirmField(prompt.typed, inner)}</Text>);
  } else if (job) {
    const state = job.state === 'running' ? 'running · x stops it' : job.state === 'done' ? 'done' : job.state === 'stopped' ? 'STOPPED' : 'FAILED';
    lines.push(
      <Text key="j1" wrap="truncate">
        {`${job.kind} ${source && target ? pairText : `${job.source} → ${job.target}`} · `}
        <Text bold color={job.state === 'failed' ? theme.error : job.state === 'done' ? theme.ok : theme.warn}>
          {state}
        </Text>
        {` · ${seconds(((job.endedAt ?? props.now) - job.startedAt) / 1000)}`}
      </Text>,
    );
    const p = job.progress;
    const live = job.kind === 'live' ? job.live : undefined;
    if (job.state === 'running' && live) {
      // indefinite: a listening stream has no end to measure against
      const spin = SPINNER[Math.floor(props.now / 250) % SPINNER.length];
      lines.push(<Text key="l1" wrap="truncate">{liveLine(live).replace(' ▸ ', ` ${spin} `)}</Text>);
      lines.push(
        <Text key="l2" color={theme.muted} wrap="truncate">
          {`${liveOffsets(live)} · ${live.streams} stream${live.streams === 1 ? '' : 's'} · ${count(live.rdbKeys)} keys from the RDB${live.rdbBigKeys ? ` (${count(live.rdbBigKeys)} in pieces)` : ''}${live.failed ? ` · ${count(live.failed)} failed` : ''}`}
        </Text>,
      );
    } else if (job.state === 'running' && job.kind === 'live') {
      lines.push(<Text key="l0" wrap="truncate">{'Connecting to the source as a replica (PSYNC)…'}</Text>);
    } else if (job.state === 'running' && p) {
      const label = p.phase === 'snapshot' ? 'Scanning ' : 'Verifying';
      const frac = p.total ? Math.min(1, p.done / p.total) : 0;
      const tail = ` ${Math.floor(frac * 100)}% ${count(p.done)}/${count(p.total)} · ${count(p.keysPerSec)} keys/s${p.keysPerSec && p.total > p.done ? ` · ETA ${seconds((p.total - p.done) / p.keysPerSec)}` : ''}`;
      const bar = Math.max(10, inner - label.length - tail.length - 2);
      lines.push(<Text key="j2" wrap="truncate">{`${label} ${meterCells(frac, bar)}${tail}`}</Text>);
    }
    for (const r of job.results) {
      lines.push(
        <Text key={`r-${r.phase}`} wrap="truncate" color={r.ok ? undefined : theme.error} bold={!r.ok}>
          {`${r.ok ? '✓' : '✗'} ${r.phase === 'verify' ? 'verify  ' : r.phase} ${r.line}`}
        </Text>,
      );
    }
    if (job.message) lines.push(<Text key="j4" color={theme.error} wrap="truncate">{`✗ ${job.message}`}</Text>);
  } else {
    lines.push(<Text key="n1" wrap="truncate">{pairText}</Text>);
    lines.push(
      <Text key="n2" color={theme.muted} wrap="truncate">
        {pair.source && pair.target
          ? readOnly
            ? 'c: compare (reads only) · snapshot and live replication are off (--read-only)'
            : 's: snapshot · l: live (both ask first) · c: compare (reads only)'
          : 'select a node, then S to mark the source and T the target'}
      </Text>,
    );
  }
  return (
    <Pane title={prompt?.kind === 'drill' ? 'Drill · waiting for you' : 'Replication'} focused={!!prompt} width={props.width} height={props.height}>
      {lines.slice(0, props.height - 2).map((l, i) => (
        <Line key={i}>{l}</Line>
      ))}
    </Pane>
  );
}
