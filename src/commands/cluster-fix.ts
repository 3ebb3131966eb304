// `cutover cluster fix`, headless: read every node, find the open slots (as `cluster check` does), plan the steps
// that close each one as redis-cli --cluster fix would (fix-plan.ts), show them, ask for the typed word `fix` (or
// --yes), run them one at a time with a line each, journaled, then read the cluster again. Exit 0 when no slot is
// open after, 1 when one is (or a step failed), 2 bad input or not confirmed (nothing changed).
import type { ClusterArgs } from '../options/cluster-args.js';
import { InputError } from '../options/endpoint.js';
import { redact } from '../options/redact.js';
import { readClusterNodes } from '../engine/cluster/read-nodes.js';
import { pictureOf } from '../engine/cluster/picture.js';
import { openSlotsOf } from '../engine/cluster/open-slots.js';
import { planFix } from '../engine/cluster/fix/fix-plan.js';
import { planCover } from '../engine/cluster/fix/cover-plan.js';
import { coverageFindings, servedMap } from '../engine/cluster/coverage.js';
import type { ClusterPicture } from '../engine/cluster/picture.js';
import { mastersOf } from '../engine/cluster/fix/masters-of.js';
import { runFix, type FixEvent } from '../engine/cluster/fix/run-fix.js';
import { Emitter } from '../engine/emitter.js';
import type { Confirm } from '../engine/failover/types.js';
import { defaultJournalPath, FileJournal } from '../engine/failover/journal.js';
import { redactArgv } from '../engine/failover/redact-command.js';
import { terminalConfirm } from '../headless/confirm.js';
import { EXIT } from '../headless/exit-codes.js';
import { writeNdjson } from '../headless/ndjson.js';
import { fixPlanText, fixStepLine, fixSummaryText } from '../render/cluster-fix-text.js';
import { connectOptionsFor } from './connection.js';

/** how long the cluster may take to agree after the fix (gossip) before a slot is reported still open */
const SETTLE_MS = 5000;

export async function runFixCommand(c: ClusterArgs): Promise<number> {
  const a = c.fix!;
  const entry = c.uri!;
  if (!a.yes && !a.dryRun && !process.stdin.isTTY) {
    throw new InputError('fix changes slot states and asks for a typed confirmation, but stdin is not a terminal: add --yes to run it anyway (see the steps first with --dry-run); nothing was changed');
  }
  const conn = connectOptionsFor([entry], c.tlsFiles, { commandTimeoutMs: c.timeoutMs, connectTimeoutMs: c.timeoutMs });
  const openNow = async () => {
    const p = pictureOf(await readClusterNodes({ entry, conn }));
    return [...openSlotsOf(p).map((o) => o.slot), ...uncoveredOf(p).map(([x, y]) => (x === y ? `${x}` : `${x}-${y} (uncovered)`))];
  };
  const picture = pictureOf(await readClusterNodes({ entry, conn }));
  const open = openSlotsOf(picture);
  const uncovered = uncoveredOf(picture);
  const masters = mastersOf(picture);
  if (a.to !== undefined && !masters.some((m) => m.id === a.to || m.address === a.to)) {
    throw new InputError(`--to ${a.to}: no master of the cluster has this node id or address; give a node id from CLUSTER NODES; nothing was changed`);
  }
  if (!open.length && !uncovered.length) {
    if (c.json) writeNdjson({ event: 'summary', status: 'clean', openSlots: 0 });
    else process.stdout.write('no open slot: nothing to fix\n');
    return EXIT.ok;
  }
  const keysBy = new Map(picture.answered.map((r) => [r.address, r.slotKeys ?? {}]));
  const fixes = [...planFix(open, masters), ...planCover(uncovered, keysBy, masters, a.to)];
  if (c.json) writeNdjson({ event: 'plan', slots: fixes.map((f) => ({ ...f, steps: f.steps.map((s) => (s.kind === 'command' ? { ...s, argv: redactArgv(s.argv) } : s)) })) });
  else process.stdout.write(fixPlanText(fixes));
  if (a.dryRun) {
    if (c.json) writeNdjson({ event: 'summary', status: 'dry-run', openSlots: open.length });
    else process.stdout.write('dry run: nothing was changed\n');
    return EXIT.ok;
  }
  if (fixes.every((f) => f.refused)) {
    process.stderr.write('cutover: no open slot can be fixed automatically (see above); nothing was changed\n');
    return EXIT.failed;
  }
  const confirm: Confirm = terminalConfirm(a.yes);
  if (!(await confirm({ word: 'fix' } as Parameters<Confirm>[0]))) {
    process.stderr.write('cutover: not confirmed; nothing was changed\n');
    return EXIT.badInput;
  }
  const journal = new FileJournal(a.journal ?? defaultJournalPath('cluster-fix'));
  if (!c.json) process.stdout.write(`${a.yes ? 'confirmed: --yes' : 'confirmed: fix'}\njournal: ${journal.path}\n`);
  const events = new Emitter<FixEvent>();
  events.on((e) => {
    if (c.json) writeNdjson(e.type === 'step' ? { event: 'step', ...e, step: e.step.kind === 'command' ? { ...e.step, argv: redactArgv(e.step.argv) } : e.step } : { event: 'duplicates', ...e.duplicates });
    else if (e.type === 'step') process.stdout.write(redact(fixStepLine(e)));
    else process.stdout.write(`  · slot ${e.duplicates.slot}: keys on both sides: ${e.duplicates.identical.length} identical, ${e.duplicates.different.length} different${e.duplicates.replaced ? ' (replaced with the source\'s copy)' : ''}\n`);
  });
  let summary;
  try {
    const how = a.yes ? '--yes' : 'typed fix';
    const confirmed = { path: journal.path, close: () => journal.close(), write: (e: Parameters<typeof journal.write>[0]) => {
      journal.write(e);
      if (e.event === 'plan') journal.write({ event: 'confirm', procedure: 'cluster-fix', word: 'fix', granted: true, how });
    } };
    summary = await runFix(fixes, { entry, conn, journal: confirmed }, { replace: a.replace, batchKeys: a.pipeline, migrateTimeoutMs: a.migrateTimeoutMs }, events);
  } finally {
    journal.close();
  }
  // the other nodes learn an ADDSLOTSRANGE by gossip: read again until nothing is left, for a few seconds at most
  let still = await openNow();
  for (const end = Date.now() + SETTLE_MS; still.length && summary.status === 'done' && Date.now() < end; ) {
    await new Promise((r) => setTimeout(r, 200));
    still = await openNow();
  }
  if (c.json) writeNdjson({ event: 'summary', ...summary, stillOpen: still, journal: journal.path });
  else process.stdout.write(redact(fixSummaryText(summary, undefined, still)));
  return summary.status === 'done' && !still.length ? EXIT.ok : EXIT.failed;
}

function uncoveredOf(p: ClusterPicture): Array<[number, number]> {
  const { map, claimedTwice } = servedMap(p);
  return coverageFindings(p, map, claimedTwice).uncovered;
}
