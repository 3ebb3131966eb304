// `cutover cluster reshard --resume JOURNAL` (and `cluster rebalance --resume`, through the same function): the plan of
// a reshard that was stopped, killed or lost a node, less what the cluster shows done (resume-plan.ts), shown and run
// like a fresh reshard, to a new journal whose start line names the one it resumes. The options are the journal's
// (its start line) unless given again. Exit codes as for reshard; 0 with a line when nothing is left to move.
import { readFileSync } from 'node:fs';
import type { Registry } from 'prom-client';
import type { ClusterArgs, ReshardArgs } from '../options/cluster-args.js';
import { InputError } from '../options/endpoint.js';
import { parseJournal, resumePlanOf } from '../engine/cluster/move/resume-plan.js';
import { EXIT } from '../headless/exit-codes.js';
import { writeNdjson } from '../headless/ndjson.js';
import { resumeText } from '../render/cluster-reshard-text.js';
import { openCluster, previewAndRun } from './cluster-move-start.js';

/** What a resume needs of the command line: reshard's options (rebalance has the same names). */
export type ResumeArgs = Pick<ReshardArgs, 'yes' | 'dryRun' | 'replace' | 'pipeline' | 'migrateTimeoutMs' | 'journal' | 'memLimit' | 'maxBlockMs' | 'allowBigKeys' | 'given'> & { resume: string };

function readJournal(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read the journal '${path}': ${(err as NodeJS.ErrnoException).code ?? String(err)}; give --resume the journal file the reshard printed ('journal: …')`);
  }
}

/** An option given again wins; else the journal's start line; else the command line's default. */
function pick<T>(given: boolean, mine: T, journal: unknown, ok: (v: unknown) => v is T): T {
  return given || !ok(journal) ? mine : journal;
}
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

export async function runResume(c: Pick<ClusterArgs, 'uri' | 'tlsFiles' | 'timeoutMs' | 'json'>, a: ResumeArgs, registry?: Registry): Promise<number> {
  const lines = parseJournal(readJournal(a.resume), a.resume);
  const cluster = await openCluster(c);
  try {
    const r = resumePlanOf(lines, cluster.view, a.resume);
    const o = r.options;
    const has = (name: string) => a.given.includes(name);
    const replace = pick(has('replace'), a.replace, o.replace, isBoolean);
    const pipeline = pick(has('pipeline'), a.pipeline, o.batchKeys, isNumber);
    const migrateTimeoutMs = pick(has('timeout'), a.migrateTimeoutMs, o.migrateTimeoutMs, isNumber);
    const memLimit = pick(has('mem-limit'), a.memLimit, o.memLimit, isNumber);
    const maxBlockMs = pick(has('max-block'), a.maxBlockMs, o.maxBlockMs, isNumber);
    const allowBigKeys = pick(has('allow-big-keys'), a.allowBigKeys, o.allowBigKeys, isBoolean);
    const counts = { planned: r.planned, done: r.done.length, toMove: r.moves.length, elsewhere: r.elsewhere.map((e) => ({ owner: e.owner, slots: e.slots.length })), unowned: r.unowned.length };
    if (c.json) writeNdjson({ event: 'resume', journal: a.resume, procedure: r.procedure, ...(r.ended ? { ended: r.ended } : {}), ...counts });
    else process.stdout.write(resumeText(r, a.resume));
    if (!r.moves.length) {
      if (c.json) writeNdjson({ event: 'summary', status: 'nothing-left', ...counts });
      else process.stdout.write(`nothing left to move: every slot of the plan ${r.elsewhere.length || r.unowned.length ? 'is on its target or left as said above' : 'is on its target'}; nothing was changed\n`);
      return EXIT.ok;
    }
    return await previewAndRun({
      word: r.procedure,
      json: c.json,
      yes: a.yes,
      dryRun: a.dryRun,
      journal: a.journal,
      cluster,
      masters: cluster.view.masters,
      moves: r.moves,
      replace,
      pipeline,
      migrateTimeoutMs,
      limits: { memLimit, maxBlockMs, allowBigKeys },
      resumes: a.resume,
      registry,
    });
  } finally {
    await cluster.pool.close();
  }
}
