// `cutover cluster rebalance`, headless: read the cluster from one node, plan as redis-cli --cluster rebalance does
// (weights, --use-empty-masters, --threshold), show the table (per master: slots now and after, keys and bytes out and
// in) and the moves; nothing to do within the threshold (exit 0); --simulate stops there; else the typed word
// `rebalance` (or --yes) and the slot-move run shared with reshard (cluster-move-run.ts). Exit 0 done or nothing to
// do, 1 failed, 2 refused or bad input, 130 stopped.
import type { Registry } from 'prom-client';
import type { ClusterArgs } from '../options/cluster-args.js';
import { InputError } from '../options/endpoint.js';
import { entryFirst, planRebalance } from '../engine/cluster/move/rebalance-plan.js';
import { previewRebalance } from '../engine/cluster/move/rebalance-preview.js';
import { countOf, SLOTS } from '../engine/cluster/move/reshard-plan.js';
import { rangesOf } from '../engine/cluster/move/reshard-preview.js';
import { RESHARD_DEFAULTS } from '../engine/cluster/move/reshard.js';
import { EXIT } from '../headless/exit-codes.js';
import { writeNdjson } from '../headless/ndjson.js';
import { rebalancePlanText } from '../render/cluster-rebalance-text.js';
import { bigKeysRefusal, bigKeysText } from '../render/cluster-reshard-text.js';
import { findBigKeys } from '../engine/cluster/move/big-keys.js';
import { runMoves } from './cluster-move-run.js';
import { openCluster, refuseOpenSlots } from './cluster-move-start.js';

export async function runRebalance(c: ClusterArgs, registry?: Registry): Promise<number> {
  const a = c.rebalance!;
  const cluster = await openCluster(c);
  const { entry, conn, pool, view, myself } = cluster;
  try {
    refuseOpenSlots(view.open);
    const covered = view.masters.reduce((n, m) => n + countOf(m), 0);
    if (covered < SLOTS) {
      const n = SLOTS - covered;
      throw new InputError(`${n} slot${n === 1 ? ' has' : 's have'} no master: assign ${n === 1 ? 'it' : 'them'} first (cutover cluster fix), then rebalance; nothing was changed`);
    }
    const plan = planRebalance({ ...view, masters: entryFirst(view.masters, myself) }, { weights: a.weights, useEmptyMasters: a.useEmptyMasters, threshold: a.threshold });
    if (plan.needed && !a.yes && !a.dryRun && !process.stdin.isTTY) {
      throw new InputError('rebalance moves slots and asks for a typed confirmation, but stdin is not a terminal: add --yes to run it anyway (see the plan first with --simulate); nothing was changed');
    }
    const preview = await previewRebalance(plan, pool);
    const settings = { pipeline: a.pipeline, batchBytes: RESHARD_DEFAULTS.batchBytes, migrateTimeoutMs: a.migrateTimeoutMs, replace: a.replace };
    if (c.json) {
      let i = 0;
      const pairs = preview.pairs.map((p) => ({ ...p, ranges: rangesOf(plan.moves.slice(i, (i += p.slots)).map((m) => m.slot)) }));
      writeNdjson({ event: 'plan', ...preview, pairs, bytesEstimated: true, ...settings });
    } else process.stdout.write(rebalancePlanText(preview, plan.moves, settings));
    // the big keys of the slots that move (none when nothing does), listed and refused as in reshard's plan
    const big = plan.needed ? await findBigKeys(view.masters, plan.moves, pool, a) : undefined;
    if (big) {
      if (c.json) writeNdjson({ event: 'big-keys', ...big, memLimit: a.memLimit, maxBlockMs: a.maxBlockMs });
      else process.stdout.write(bigKeysText(big, a));
    }
    if (!plan.needed) {
      if (c.json) writeNdjson({ event: 'summary', status: 'balanced', slots: 0, threshold: plan.threshold });
      return EXIT.ok;
    }
    if (a.dryRun) {
      if (c.json) writeNdjson({ event: 'summary', status: 'dry-run', slots: preview.slots, keys: preview.keys });
      else process.stdout.write('simulate: nothing was changed\n');
      return EXIT.ok;
    }
    if (big?.overMaxBlock && !a.allowBigKeys) throw new InputError(bigKeysRefusal(big, a, 'rebalance'));
    const opts = { replace: a.replace, batchKeys: a.pipeline, migrateTimeoutMs: a.migrateTimeoutMs, maxBlockMs: a.maxBlockMs, memLimit: a.memLimit, allowBigKeys: a.allowBigKeys };
    return await runMoves({ word: 'rebalance', yes: a.yes, json: c.json, journal: a.journal, entry, conn, masters: view.masters, replicas: view.replicas, moves: plan.moves, opts, registry });
  } finally {
    await pool.close();
  }
}
