// A slot-move plan run headless, once its plan is on screen: the typed word (or --yes), the journal, the slot-move
// engine with one progress line updating in place (NDJSON once a second with --json), Ctrl-C stopping after the slots
// in hand, and the summary. Shared by `cluster reshard` and `cluster rebalance`. Exit 0 done, 1 failed, 2 not
// confirmed, 130 stopped.
import type { Endpoint } from '../options/endpoint.js';
import { redact } from '../options/redact.js';
import type { ConnectOptions } from '../engine/redis/connect.js';
import type { Registry } from 'prom-client';
import { Reshard } from '../engine/cluster/move/reshard.js';
import { slotMoveMetrics } from '../metrics/slot-moves.js';
import type { ClusterView } from '../engine/cluster/move/reshard-plan.js';
import type { ClusterMaster, MoveEvent, ReshardOptions, ReshardSummary, SlotMove } from '../engine/cluster/move/types.js';
import type { Confirm } from '../engine/failover/types.js';
import { defaultJournalPath, FileJournal, type Journal } from '../engine/failover/journal.js';
import { terminalConfirm } from '../headless/confirm.js';
import { EXIT } from '../headless/exit-codes.js';
import { writeNdjson } from '../headless/ndjson.js';
import { onStopSignals } from '../headless/signals.js';
import { TtyLine } from '../headless/tty-line.js';
import { reshardProgressLine, reshardSummaryText, type MoveWord } from '../render/cluster-reshard-text.js';

const PROGRESS_EVERY_MS = 1000;

export interface MoveRun {
  /** the word the operator types, and the journal's procedure name */
  word: MoveWord;
  yes: boolean;
  json: boolean;
  /** --journal FILE */
  journal?: string;
  entry: Endpoint;
  conn: ConnectOptions;
  masters: ClusterMaster[];
  /** the replicas as the plan saw them (a master that fails over mid-move is followed to its replica) */
  replicas?: ClusterView['replicas'];
  moves: SlotMove[];
  opts: ReshardOptions;
  /** --metrics: the run's figures on this registry */
  registry?: Registry;
  /** the journal this run continues (--resume): named in the new journal's start line */
  resumes?: string;
}

export async function runMoves(r: MoveRun): Promise<number> {
  const confirm: Confirm = terminalConfirm(r.yes);
  if (!(await confirm({ word: r.word } as Parameters<Confirm>[0]))) {
    process.stderr.write('cutover: not confirmed; nothing was changed\n');
    return EXIT.badInput;
  }
  const journal = new FileJournal(r.journal ?? defaultJournalPath(r.word));
  if (!r.json) process.stdout.write(`${r.yes ? 'confirmed: --yes' : `confirmed: ${r.word}`}\njournal: ${journal.path}\n`);
  const reshard = new Reshard(r.masters, r.moves, { entry: r.entry, conn: r.conn, journal: withConfirm(journal, r.word, r.yes ? '--yes' : `typed ${r.word}`, r.resumes), procedure: r.word, replicas: r.replicas }, r.opts);
  const detach = attachOutput(reshard, r.json, r.word);
  if (r.registry) {
    const m = slotMoveMetrics(r.registry);
    reshard.events.on((e) => m.on(r.word, e));
  }
  const signals = onStopSignals({
    stop: () => reshard.stop(),
    force: () => process.stderr.write(`cutover: ${r.word} stopped during a slot that did not end: run cutover cluster check for open slots (the journal ${journal.path} has every command)\n`),
    notice: r.json ? undefined : `cutover: stopping the ${r.word} after the slots in hand (Ctrl-C again to quit now)`,
  });
  let summary: ReshardSummary;
  try {
    summary = await reshard.run();
  } finally {
    signals.dispose();
    detach();
    journal.close();
  }
  if (r.json) writeNdjson({ event: 'summary', ...summary, journal: journal.path });
  else process.stdout.write(redact(reshardSummaryText(summary, journal.path, r.word)));
  return summary.status === 'done' ? EXIT.ok : summary.status === 'stopped' ? EXIT.stopped : EXIT.failed;
}

/** The journal as the engine writes it, with the operator's confirmation right after the plan line (and the journal resumed, in the start line). */
function withConfirm(journal: Journal, word: string, how: string, resumes?: string): Journal {
  return {
    path: journal.path,
    write(entry) {
      journal.write(resumes && entry.event === 'start' ? { ...entry, resumes } : entry);
      if (entry.event === 'plan') journal.write({ event: 'confirm', procedure: word, word, granted: true, how });
    },
    writeAll: (entries) => (journal.writeAll ? journal.writeAll(entries) : entries.forEach((e) => journal.write(e))),
    close: () => journal.close(),
  };
}

/** The progress line in place on a terminal (notes above it), or NDJSON progress once a second; plain lines otherwise. */
function attachOutput(reshard: Reshard, json: boolean, word: MoveWord): () => void {
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
      const line = reshardProgressLine(e.totals, word);
      if (line !== drawn) bar.draw((drawn = line));
    } else if (now - last >= PROGRESS_EVERY_MS) {
      last = now;
      process.stdout.write(reshardProgressLine(e.totals, word) + '\n');
    }
  });
  return () => {
    off();
    bar.end();
  };
}
