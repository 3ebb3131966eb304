// ? help: every key from the key table (with --read-only, those that change nothing), with what it does, wrapped to the width while there are rows for it.
import React from 'react';
import { Text } from 'ink';
import { wrapText } from '../../render/format.js';
import { confirmHelp, formHelp, offeredKeys, readOnlyHelp } from '../keys.js';
import { useApp, useConsole } from '../context.js';
import { Pane } from '../widgets/Pane.js';
import { Line } from '../widgets/Table.js';

const NOTES =
  "ROLE says ✗ DOWN for a node that does not answer. LAG is how far a replica is behind its master, in bytes and seconds; " +
  "its meter fills on a log scale up to 1 MB. NOTE holds SOURCE / TARGET (S and T), cutover's live stream on its master (stream lag), " +
  "slot ranges, a Sentinel's quorum and flags, or how long a node has been down. The footer shows the keys that do something now, as many as fit.";

const LABEL = 8;

/**
 * The help's lines for a pane `rows` tall and `width` wide inside its borders: each key on its own line first, then
 * the rest of their text wrapped (in table order; with --read-only, what is off first) while rows are free, then the notes. A key whose text does not
 * all fit ends in "…".
 */
/** The second key of a pair (↓ after ↑, PgDn after PgUp, T after S): folded into the first when rows run short. */
const SECOND: ReadonlySet<string> = new Set(['down', 'pageDown', 'markTarget']);

export function helpLines(width: number, rows: number, readOnly = false, cluster = false): Array<{ label?: string; text: string; muted?: boolean }> {
  const room = Math.max(1, width - LABEL);
  const offered = offeredKeys(readOnly).filter((b) => cluster || !b.cluster);
  const extras = readOnly ? [] : [{ label: 'wizard', text: confirmHelp() }, ...(cluster ? [{ label: 'reshard', text: formHelp() }] : [])];
  // a cluster's keys on a short terminal: the pairs share a line ("↑↓/jk"), so that every key keeps one
  const fold = offered.length + extras.length + (readOnly ? 1 : 0) > rows;
  const keys = offered.filter((b) => !fold || !SECOND.has(b.action)).map((b) => ({ label: fold && b.footerKey && b.footerKey.length < LABEL ? b.footerKey : b.label, text: b.help }));
  // with --read-only, what is off comes first (and the wizard's confirmation cannot open)
  const entries = readOnly ? [{ label: '', text: readOnlyHelp(cluster) }, ...keys] : [...keys, ...extras];
  const wrapped = entries.map((e) => wrapText(e.text, room, ''));
  let free = rows - entries.length;
  const keep = wrapped.map((w) => {
    const n = Math.max(1, Math.min(w.length, 1 + Math.max(0, free)));
    free -= n - 1;
    return n;
  });
  const out: Array<{ label?: string; text: string; muted?: boolean }> = [];
  wrapped.forEach((w, i) => {
    const shown = w.slice(0, keep[i]);
    if (keep[i] < w.length) shown[shown.length - 1] = `${shown[shown.length - 1].slice(0, room - 1)}…`;
    shown.forEach((t, j) => out.push({ label: j === 0 ? entries[i].label : '', text: t }));
  });
  const notes = wrapText(NOTES, width, '');
  if (free >= notes.length + 1) out.push({ text: '' }, ...notes.map((t) => ({ text: t, muted: true })));
  return out.slice(0, rows);
}

export function HelpOverlay(props: { width: number; height: number }) {
  const { theme, readOnly } = useConsole();
  const cluster = useApp((s) => s.deployment?.kind === 'cluster');
  const lines = helpLines(props.width - 2, props.height - 2, readOnly, cluster);
  return (
    <Pane title="Help · keys (Esc or ? to close)" focused width={props.width} height={props.height}>
      {lines.map((l, i) => (
        <Line key={i}>
          <Text wrap="truncate">
            {l.label !== undefined ? (
              <Text bold color={theme.accent}>
                {l.label.padEnd(LABEL)}
              </Text>
            ) : null}
            <Text color={l.muted ? theme.muted : undefined}>{l.text || ' '}</Text>
          </Text>
        </Line>
      ))}
    </Pane>
  );
}
