// `cutover cluster reshard`, headless: read the cluster from one node, plan the slot moves as redis-cli does, show the
// plan (per source: node, slots, keys; the per-slot command order), ask for the typed word `reshard` (or --yes), run
// the slot-move engine with one progress line updating in place (NDJSON once a second with --json), journal every
// slot change, and stop after the slots in hand on Ctrl-C. Exit 0 done, 1 failed, 2 refused or bad input, 130 stopped.
import type { ClusterArgs } from '../options/cluster-args.js';
import { InputError, nodeId } from '../options/endpoint.js';
import { redact } from '../options/redact.js';
import { checkEndpoint, respLogin } from '../engine/redis/connect.js';
import { RespPool } from '../engine/redis/resp-pool.js';
import { clusterViewOf } from '../engine/cluster/move/cluster-view.js';
import { planReshard } from '../engine/cluster/move/reshard-plan.js';
import { previewReshard } from '../engine/cluster/move/reshard-preview.js';
import { Reshard, RESHARD_DEFAULTS } from '../engine/cluster/move/reshard.js';
import type { MoveEvent, ReshardSummary } from '../engine/cluster/move/types.js';
import type { Confirm } from '../engine/failover/types.js';
import { defaultJournalPath, FileJournal, type Journal } from '../engine/failover/journal.js';
import { terminalConfirm } from '../headless/confirm.js';
import { EXIT } from '../headless/exit-codes.js';
import { writeNdjson } from '../headless/ndjson.js';
import { onStopSignals } from '../headless/signals.js';
import { TtyLine } from '../headless/tty-line.js';
import { reshardPlanText, reshardProgressLine, reshardSummaryText } from '../render/cluster-reshard-text.js';
import { connectOptionsFor } from './connection.js';

const PROGRESS_EVERY_MS = 1000;

export async function runReshard(c: ClusterArgs): Promise<number> {
  const a = c.reshard!;
  const entry = c.uri!;
  if (!a.yes && !a.dryRun && !process.stdin.isTTY) {
    throw new InputError('reshard moves slots and asks for a typed confirmation, but stdin is not a terminal: add --yes to run it anyway (see the plan first with --dry-run); nothing was changed');
  }
  const conn = connectOptionsFor([entry], c.tlsFiles, { commandTimeoutMs: c.timeoutMs, connectTimeoutMs: c.timeoutMs });
  // the entry answers with these credentials and is a cluster node (one line otherwise: exit 1 unreachable or refused, 2 not a cluster)
  const { mode } = await checkEndpoint(entry, conn);
  if (mode !== 'cluster') throw new InputError(`${nodeId(entry.host, entry.port)} is not a Redis Cluster node (redis_mode ${mode ?? '?'}): give --uri the address of a node of the cluster`);
  const pool = new RespPool({ auth: respLogin(entry, conn) }, c.timeoutMs * 5);
  try {
    const nodes = await (await pool.get(nodeId(entry.host, entry.port))).pipeline();
    nodes.call('CLUSTER', ['NODES']);
    const [[err, text]] = await nodes.exec();
    if (err) throw new Error(`CLUSTER NODES on ${nodeId(entry.host, entry.port)}: ${err.message}`);
    const view = clusterViewOf(String(text));
    if (view.open.length) {
      throw new InputError(`slots are open already (${view.open.slice(0, 3).join('; ')}${view.open.length > 3 ? '; …' : ''}): close them first (cutover cluster check shows them; cutover cluster fix closes them); nothing was changed`);
    }
    const moves = planReshard(view, { to: a.to, from: a.from, slots: a.slots, ranges: a.ranges });
    const preview = await previewReshard(view.masters, moves, pool);
    const opts = { replace: a.replace, batchKeys: a.pipeline, migrateTimeoutMs: a.migrateTimeoutMs };
    if (c.json) writeNdjson({ event: 'plan', ...preview, pipeline: a.pipeline, batchBytes: RESHARD_DEFAULTS.batchBytes, migrateTimeoutMs: a.migrateTimeoutMs, replace: a.replace });
    else process.stdout.write(reshardPlanText(preview, { pipeline: a.pipeline, batchBytes: RESHARD_DEFAULTS.batchBytes, migrateTimeoutMs: a.migrateTimeoutMs, replace: a.replace }));
    if (a.dryRun) {
      if (c.json) writeNdjson({ event: 'summary', status: 'dry-run', slots: preview.slots, keys: preview.keys });
      else process.stdout.write('dry run: nothing was changed\n');
      return EXIT.ok;
    }
    const confirm: Confirm = terminalConfirm(a.yes);
    if (!(await confirm({ word: 'reshard' } as Parameters<Confirm>[0]))) {
      process.stderr.write('cutover: not confirmed; nothing was changed\n');
      return EXIT.badInput;
    }
    const journal = new FileJournal(a.journal ?? defaultJournalPath('reshard'));
    if (!c.json) process.stdout.write(`${a.yes ? 'confirmed: --yes' : 'confirmed: reshard'}\njournal: ${journal.path}\n`);
    const reshard = new Reshard(view.masters, moves, { entry, conn, journal: withConfirm(journal, a.yes ? '--yes' : 'typed reshard') }, opts);
    const detach = attachOutput(reshard, c.json);
    const signals = onStopSignals({
      stop: () => reshard.stop(),
      force: () => process.stderr.write(`cutover: reshard stopped during a slot that did not end: run cutover cluster check for open slots (the journal ${journal.path} has every command)\n`),
      notice: c.json ? undefined : 'cutover: stopping the reshard after the slots in hand (Ctrl-C again to quit now)',
    });
    let summary: ReshardSummary;
    try {
      summary = await reshard.run();
    } finally {
      signals.dispose();
      detach();
      journal.close();
    }
    if (c.json) writeNdjson({ event: 'summary', ...summary, journal: journal.path });
    else process.stdout.write(redact(reshardSummaryText(summary, journal.path)));
    return summary.status === 'done' ? EXIT.ok : summary.status === 'stopped' ? EXIT.stopped : EXIT.failed;
  } finally {
    await pool.close();
  }
}

/** The journal as the engine writes it, with the operator's confirmation right after the plan line. */
function withConfirm(journal: Journal, how: string): Journal {
  return {
    path: journal.path,
    write(entry) {
      journal.write(entry);
      if (entry.event === 'plan') journal.write({ event: 'confirm', procedure: 'reshard', word: 'reshard', granted: true, how });
    },
    close: () => journal.close(),
  };
}

/** The progress line in place on a terminal (notes above it), or NDJSON progress once a second; plain lines otherwise. */
function attachOutput(reshard: Reshard, json: boolean): () => void {
  const tty = !json && !!process.stdout.isTTY;
  const bar = new TtyLine();
  let last = 0;
  let drawn = '';
  const off = reshard.events.on((e: MoveEvent) => {
    if (e.type === 'note') {
      if (json) writeNdjson({ event: 'note', text: e.text, at: new Date(e.at).toISOString() });
      else bar.above(redact(`  · ${e.text}\n`));
      return;
    }
    if (e.type === 'duplicates' && json) return writeNdjson({ event: 'duplicates', ...e.duplicates });
    if (e.type !== 'progress') return;
    const now = Date.now();
    const finished = e.totals.slotsDone === e.totals.slotsTotal;
    if (json) {
      if (now - last < PROGRESS_EVERY_MS && !finished) return;
      last = now;
      const { inFlight, ...t } = e.totals;
      return writeNdjson({ event: 'progress', ...t, inFlight: inFlight.length, at: new Date(now).toISOString() });
    }
    if (tty) {
      if (now - last < 100 && !finished) return;
      last = now;
      const line = reshardProgressLine(e.totals);
      if (line !== drawn) bar.draw((drawn = line));
    } else if (now - last >= PROGRESS_EVERY_MS) {
      last = now;
      process.stdout.write(reshardProgressLine(e.totals) + '\n');
    }
  });
  return () => {
    off();
    bar.end();
  };
}
