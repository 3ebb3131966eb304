// The cluster pane's operation as lines to draw, in the failover wizard's shape (a document that scrolls, the lines
// pinned under it): a check's report (masters with slots, keys, memory, deviation; findings; verdict), or the
// reshard or rebalance wizard (the form, the plan, the typed word, the slot bar with keys/s, MB/s and ETA, the
// outcome; the rebalance's own screens in rebalance-view.ts). Pure.
import type { CheckReport } from '../engine/cluster/check-types.js';
import { RESHARD_WORD } from '../engine/cluster/cluster-ops.js';
import { RESHARD_DEFAULTS } from '../engine/cluster/move/reshard.js';
import { checkVerdict } from '../render/cluster-check-text.js';
import { reshardPlanText, reshardSummaryText } from '../render/cluster-reshard-text.js';
import { pad, padLeft, slotList, wrapText } from '../render/format.js';
import { reshardFiguresLine, slotProgressBar } from '../render/reshard-progress.js';
import { shortRanges, slotCount, slotMapName } from '../render/slot-map-row.js';
import { thousands } from '../format/counts.js';
import { seconds } from '../format/durations.js';
import { bytes } from '../format/units.js';
import { CLUSTER_OP_ENDED, FORM_FIELDS, sourceChoices, sourceSlots, type ClusterOpView } from '../store/cluster-ops.js';
import { confirmField } from './typed-confirm.js';
import { rebalanceFormLines, rebalanceHeadLine, rebalancePlanLines } from './rebalance-view.js';
import type { ViewLine, WizardLayout } from './wizard-view.js';

function push(out: ViewLine[], text: string, width: number, style: Omit<ViewLine, 'text'> = {}, indent = '  '): void {
  for (const t of wrapText(text, width, indent)) out.push({ text: t, ...style });
}

/** The pane's title: what it is and where it stands. */
export function clusterPaneTitle(v: ClusterOpView): string {
  const phase: Record<ClusterOpView['phase'], string> = {
    checking: 'reading every node',
    checked: v.report?.ok ? 'all is well' : 'PROBLEMS',
    'check-failed': 'could not read the cluster',
    form: 'choose',
    planning: 'reading the plan',
    confirm: 'waiting for you',
    starting: 'starting',
    running: 'running',
    done: 'done',
    stopped: 'STOPPED',
    failed: 'FAILED',
    declined: 'not confirmed: nothing changed',
    error: 'could not run',
  };
  return `${v.kind === 'check' ? 'Cluster check' : v.kind === 'rebalance' ? 'Rebalance' : 'Reshard'} · ${phase[v.phase]}`;
}

/** The verdict first, then the findings (problems first), then the masters: what matters in the fewest rows. */
function checkLines(r: CheckReport, doc: ViewLine[], width: number): void {
  const keys = r.masters.reduce((s, m) => s + (m.keys ?? 0), 0);
  push(doc, checkVerdict(r), width, { tone: r.ok ? 'ok' : 'error', bold: true });
  for (const f of r.findings) push(doc, `${f.severity}: ${f.text}`, width, { tone: f.severity === 'problem' ? 'error' : f.severity === 'warning' ? 'warn' : 'muted' });
  push(doc, `${r.nodes} nodes (${r.answered} answered), ${r.masters.length} masters, ${thousands(keys)} keys; balanced share ${r.balancedShare} slots a master`, width, { bold: true });
  const head = (m: CheckReport['masters'][number]) =>
    `${pad(m.address, 21)} ${padLeft(thousands(m.slots), 6)} slots ${padLeft(m.keys === undefined ? '?' : thousands(m.keys), 9)} keys ${padLeft(m.memoryBytes === undefined ? '?' : bytes(m.memoryBytes), 8)} ${padLeft(`${m.deviationPct > 0 ? '+' : ''}${m.deviationPct.toFixed(1)}%`, 7)}`;
  for (const m of r.masters) {
    const h = head(m);
    doc.push({ text: `${h} ${shortRanges(m.ranges, Math.max(6, width - h.length - 1))}`.slice(0, width) });
  }
}

function formLines(v: ClusterOpView, doc: ViewLine[], width: number): void {
  const f = v.form!;
  const name = (id: string) => {
    const m = v.masters.find((x) => x.id === id);
    return m ? `${slotMapName(m)} (${m.id.slice(0, 8)})` : id.slice(0, 8);
  };
  const to = v.masters.find((m) => m.id === f.to);
  const sources = sourceChoices(v.masters, f.to).length - 1;
  const held = sourceSlots(v.masters, f);
  const values: Record<(typeof FORM_FIELDS)[number], string> = {
    to: `${name(f.to)} · ${thousands(to ? slotCount(to.slots) : 0)} slots now`,
    from: f.from === 'all' ? `all masters with slots but the target (${sources}) · ${thousands(held)} slots` : `${name(f.from)} · ${thousands(held)} slots`,
    slots: `${thousands(f.slots)}${f.typing ? '▌' : ''} of ${thousands(held)}`,
  };
  push(doc, 'Reshard: move slots and their keys to one master (as redis-cli --cluster reshard); nothing changes before the plan and your typed word', width, { bold: true });
  for (const field of FORM_FIELDS) {
    const on = field === f.field;
    push(doc, `${on ? '▸' : ' '} ${pad(field, 5)} ${values[field]}${on ? '   ←→' : ''}`, width, { bold: on }, '        ');
  }
  if (v.message) push(doc, `✗ ${v.message}`, width, { tone: 'error' });
}

function runLines(v: ClusterOpView, doc: ViewLine[], width: number): number {
  const p = v.preview;
  let anchor = 0;
  const from = p && (p.sources.length === 1 ? p.sources[0].address : `${p.sources.length} masters`);
  if (p) push(doc, `${thousands(p.slots)} slot${p.slots === 1 ? '' : 's'} → ${p.to.address} (${p.to.id.slice(0, 8)}) from ${from}`, width, { bold: true });
  const head = rebalanceHeadLine(v);
  if (head) push(doc, head, width, { bold: true });
  if (v.phase === 'starting') push(doc, v.drill ? 'confirmed: the drill writes for a second before the first slot moves…' : 'confirmed: opening the journal…', width, { tone: 'muted' });
  const t = v.totals;
  if (t) {
    anchor = doc.length;
    doc.push({ text: slotProgressBar(t, Math.max(10, Math.min(40, width - 24))), bold: v.phase === 'running' });
    push(doc, reshardFiguresLine(t, v.phase === 'running'), width);
    if (v.phase === 'running' && t.inFlight.length) push(doc, `in flight: slot${t.inFlight.length === 1 ? '' : 's'} ${slotList(t.inFlight).replace(/,/g, ', ')}`, width, { tone: 'muted' });
  }
  for (const f of v.failed) push(doc, `✗ ${f}`, width, { tone: 'error' });
  for (const n of v.notes.slice(-3)) push(doc, `· ${n}`, width, { tone: 'muted' });
  if (v.summary) {
    anchor = doc.length;
    const lines = reshardSummaryText(v.summary, undefined, v.kind === 'rebalance' ? 'rebalance' : 'reshard').trimEnd().split('\n');
    lines.forEach((l, i) => push(doc, l, width, { tone: i === 0 ? (v.phase === 'done' ? 'ok' : 'error') : undefined, bold: i === 0 }, '    '));
  }
  return anchor;
}

/** The rows the cluster pane asks for at least: its borders, the pinned lines and up to six of its text. */
export function clusterMinHeight(layout: WizardLayout): number {
  return 2 + layout.pinned.length + Math.min(6, layout.doc.length);
}

/** `inner` is the pane's width inside its borders; `now` for the running clock. */
export function clusterLayout(v: ClusterOpView, inner: number, now: number): WizardLayout {
  const width = Math.max(10, inner);
  const doc: ViewLine[] = [];
  const pinned: ViewLine[] = [];
  let anchor = 0;
  if (v.kind === 'check') {
    if (v.phase === 'checking') push(doc, `cluster check from ${v.entry ?? 'the cluster'}: reading every node (CLUSTER NODES, CLUSTER INFO, DBSIZE, COUNTKEYSINSLOT)…`, width, { tone: 'muted' });
    if (v.report) checkLines(v.report, doc, width);
    if (v.phase === 'check-failed') push(doc, `✗ ${v.message ?? 'the cluster could not be read'}`, width, { tone: 'error', bold: true });
  } else if (v.phase === 'form' || v.phase === 'planning') {
    if (v.kind === 'rebalance') rebalanceFormLines(v, doc, width);
    else formLines(v, doc, width);
    if (v.phase === 'planning') push(doc, 'reading the cluster, planning the slots and counting their keys (reads only)…', width, { tone: 'muted' });
    else push(pinned, `${v.kind === 'rebalance' ? '←→ change the line' : 'digits type the slot count'} · Enter shows the plan (reads only): nothing changes yet`, width, { tone: 'muted' });
  } else if (v.phase === 'confirm' && v.kind === 'rebalance' && v.rebalance) {
    rebalancePlanLines(v, doc, pinned, width, confirmField);
  } else if (v.phase === 'confirm' && v.preview) {
    const text = reshardPlanText(v.preview, { pipeline: RESHARD_DEFAULTS.batchKeys, batchBytes: RESHARD_DEFAULTS.batchBytes, migrateTimeoutMs: RESHARD_DEFAULTS.migrateTimeoutMs, replace: false });
    text.trimEnd().split('\n').forEach((l, i) => push(doc, l, width, { bold: i === 0 }, '    '));
    push(pinned, `type ${RESHARD_WORD} and Enter to run it · Esc: nothing changes · Tab: drill alongside [${v.drill ? 'on' : 'off'}]`, width, { tone: 'warn', bold: true });
    pinned.push({ text: confirmField(v.typed, width) });
  } else if (v.phase === 'declined') {
    push(doc, 'not confirmed: nothing was changed', width, { tone: 'muted', bold: true });
  } else {
    anchor = runLines(v, doc, width);
    if (v.phase === 'error') {
      anchor = doc.length;
      push(doc, `✗ ${v.message ?? `the ${v.kind} could not run`}`, width, { tone: 'error', bold: true });
    }
  }
  if (v.phase === 'running' || v.phase === 'starting') {
    pinned.push({ text: `running ${seconds(Math.max(0, now - (v.confirmedAt ?? v.startedAt)) / 1000)} · x stops after the slots in hand (none is left open)`, tone: 'muted' });
  } else if (CLUSTER_OP_ENDED.has(v.phase)) {
    push(pinned, `${v.journal ? `journal ${v.journal} · ` : ''}${v.kind === 'check' ? 'C checks again · ' : ''}Esc closes`, width, { tone: 'muted' });
  }
  return { doc, anchor, pinned };
}
