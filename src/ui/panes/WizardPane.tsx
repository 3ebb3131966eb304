// The failover wizard: the plan's checks and notes, every step as a checklist line (its exact command, then its
// result), the typed confirmation, and the outcome with the way back. The live topology stays on screen above.
import React from 'react';
import { Text } from 'ink';
import { checkLine, stepTitle } from '../../render/failover-text.js';
import { seconds } from '../../render/format.js';
import type { WizardState, WizardStep } from '../../store/wizard.js';
import { useApp, useConsole } from '../context.js';
import { Pane } from '../widgets/Pane.js';
import { Line } from '../widgets/Table.js';

const PHASE: Record<WizardState['phase'], string> = {
  preparing: 'preparing',
  confirm: 'waiting for you',
  running: 'running',
  done: 'done',
  failed: 'FAILED',
  cancelled: 'STOPPED',
  declined: 'not confirmed: nothing changed',
  'dry-run': 'dry run',
  refused: 'REFUSED: nothing changed',
  error: 'could not prepare',
};

const MARK: Record<WizardStep['status'], string> = { pending: '·', running: '▸', done: '✓', failed: '✗', skipped: '-' };

export function WizardPane(props: { width: number; height: number; now: number }) {
  const { theme } = useConsole();
  const w = useApp((s) => s.wizard);
  const typed = useApp((s) => s.ui.wizardTyped);
  if (!w) return null;
  const head: React.ReactNode[] = [];
  const body: React.ReactNode[] = [];
  const foot: React.ReactNode[] = [];
  const p = w.plan;
  head.push(
    <Text key="t" wrap="truncate" bold>
      {p ? p.title : `${w.unplanned ? 'unplanned' : 'planned'} failover around ${w.node}: discovering the deployment, reading offsets, choosing the candidate…`}
    </Text>,
  );
  if (p) {
    // the checks one a line (the failed ones first) while there is room for them and a few steps
    const failed = p.checks.filter((c) => !c.ok && !c.warn);
    const ordered = [...failed, ...p.checks.filter((c) => c.ok || c.warn)];
    const room = Math.max(1, Math.min(ordered.length, props.height - 2 - 8));
    ordered.slice(0, room).forEach((c, i) =>
      head.push(
        <Text key={`c${i}`} wrap="truncate" color={!c.ok && !c.warn ? theme.error : c.warn ? theme.warn : undefined}>
          {i === room - 1 && ordered.length > room ? `${checkLine(c)} (+${ordered.length - room} more checks)` : checkLine(c)}
        </Text>,
      ),
    );
    for (const [i, n] of [...(p.estimate ? [`write pause: ${p.estimate}`] : []), ...p.notes].slice(0, 2).entries()) {
      head.push(
        <Text key={`n${i}`} wrap="truncate" color={theme.muted}>
          {`· ${n}`}
        </Text>,
      );
    }
  }
  w.steps.forEach((s, i) => {
    const text = s.line ?? `${MARK[s.status]} ${s.view.index + 1}/${w.steps.length} ${s.view.kind === 'wait' ? 'wait ' : ''}${stepTitle(s.view)}${s.view.changesRole ? '   [changes roles]' : ''}`;
    const color = s.status === 'failed' ? theme.error : s.status === 'pending' || s.status === 'skipped' ? theme.muted : undefined;
    body.push(
      <Text key={`s${i}`} wrap="truncate" color={color} bold={s.status === 'running'}>
        {s.status === 'running' ? `▸ ${s.view.index + 1}/${w.steps.length} ${stepTitle(s.view)}${w.progress ? `  ${w.progress}` : ''}` : text}
      </Text>,
    );
  });
  if (w.phase === 'confirm' && p) {
    foot.push(
      <Text key="q" wrap="truncate" color={theme.warn} bold>
        {`type ${p.confirmWord} and Enter to run it · Esc: nothing changes · Tab: drill alongside [${w.drill ? 'on' : 'off'}]`}
      </Text>,
    );
    foot.push(<Text key="a" wrap="truncate">{`> ${typed}▌`}</Text>);
  } else if (w.phase === 'running') {
    foot.push(
      <Text key="r" wrap="truncate" color={theme.muted}>
        {`running ${seconds((props.now - w.startedAt) / 1000)} · x stops after the current step (then the way back is shown)`}
      </Text>,
    );
  } else if (w.phase === 'error') {
    foot.push(
      <Text key="e" wrap="truncate" color={theme.error}>
        {`✗ ${w.message ?? 'could not prepare the failover'} · Esc closes`}
      </Text>,
    );
  } else if (w.summary) {
    const lines = w.summary.trimEnd().split('\n');
    const ok = w.phase === 'done';
    lines.slice(0, 8).forEach((l, i) =>
      foot.push(
        <Text key={`o${i}`} wrap="truncate" bold={i === 0} color={i === 0 ? (ok ? theme.ok : theme.error) : undefined}>
          {l}
        </Text>,
      ),
    );
    foot.push(
      <Text key="j" wrap="truncate" color={theme.muted}>
        {`${w.outcome?.journal ? `journal ${w.outcome.journal} · ` : ''}Esc closes`}
      </Text>,
    );
  }
  // what fits: the head, the steps around the first unfinished one, the foot
  const room = Math.max(0, props.height - 2 - head.length - foot.length);
  const firstOpen = w.steps.findIndex((s) => s.status === 'pending' || s.status === 'running');
  const anchor = firstOpen < 0 ? w.steps.length : firstOpen;
  const start = Math.max(0, Math.min(anchor - Math.floor(room / 2), body.length - room));
  const lines = [...head, ...body.slice(start, start + room), ...foot].slice(0, Math.max(0, props.height - 2));
  const title = `Failover · ${PHASE[w.phase]}${body.length > room ? ` · steps ${start + 1}-${Math.min(body.length, start + room)}/${body.length}` : ''}`;
  return (
    <Pane title={title} focused={w.phase === 'confirm'} width={props.width} height={props.height}>
      {lines.map((l, i) => (
        <Line key={i}>{l}</Line>
      ))}
    </Pane>
  );
}
