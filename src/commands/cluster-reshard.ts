// `cutover cluster reshard`, headless: read the cluster from one node, plan the slot moves as redis-cli does (or take
// what is left of a journal's plan with --resume: cluster-resume.ts), show the plan with the big keys of its slots
// (cluster-move-start.ts), ask for the typed word `reshard` (or --yes), run the slot-move engine (cluster-move-run.ts:
// progress, journal, Ctrl-C after the slots in hand). Exit 0 done, 1 failed, 2 refused or bad input, 130 stopped.
import type { Registry } from 'prom-client';
import type { ClusterArgs } from '../options/cluster-args.js';
import { InputError } from '../options/endpoint.js';
import { planReshard } from '../engine/cluster/move/reshard-plan.js';
import { openCluster, previewAndRun, refuseOpenSlots } from './cluster-move-start.js';
import { runResume } from './cluster-resume.js';

export async function runReshard(c: ClusterArgs, registry?: Registry): Promise<number> {
  const a = c.reshard!;
  if (!a.yes && !a.dryRun && !process.stdin.isTTY) {
    throw new InputError(`reshard moves slots and asks for a typed confirmation, but stdin is not a terminal: add --yes to run it anyway (see the plan first with --dry-run); nothing was changed`);
  }
  if (a.resume) return runResume(c, { ...a, resume: a.resume }, registry);
  const cluster = await openCluster(c);
  try {
    const { view } = cluster;
    refuseOpenSlots(view.open);
    const moves = planReshard(view, { to: a.to, from: a.from, slots: a.slots, ranges: a.ranges });
    return await previewAndRun({ word: 'reshard', json: c.json, yes: a.yes, dryRun: a.dryRun, journal: a.journal, cluster, masters: view.masters, moves, replace: a.replace, pipeline: a.pipeline, migrateTimeoutMs: a.migrateTimeoutMs, limits: a, registry });
  } finally {
    await cluster.pool.close();
  }
}
