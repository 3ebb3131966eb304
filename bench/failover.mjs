#!/usr/bin/env node
// npm run bench:failover [-- --runs 3] [--only ID,ID] [--rate 1000] [--stall-ms 100] [--down-after 1000] [--no-default-sentinel]
// The failovers of the issue, on the lab, each under the consistency checker (dist/engine/drill: INCR on 1,000
// counters at 1,000 writes/s, each read back before the next write, every acknowledged value remembered, every
// counter read back at the end) and each run through the cutover binary as an operator runs it (--yes --json; the
// summary's marks give the moment of confirmation). A run: the checker writes 1 s, the action, 1 s more, then the
// checker stops and reads everything back. Scenarios (ids for --only):
//   baseline            the plain deployment with no failover: the noise floor of this machine
//   plain-pause         planned, plain replication (master + 2 replicas, no Sentinel): the default, CLIENT PAUSE + REPLICAOF
//   plain-failover      the same by FAILOVER TO (--via failover), side by side
//   sentinel            planned, the lab's replication preset (master → r1 → r2, three Sentinels, down-after 30 s)
//   cluster             planned, the lab's cluster (3 masters + 3 replicas): CLUSTER FAILOVER, each run on another shard
//   clone               clone --reconfigure: a plain master with 2 replicas onto a fresh empty server
//   plain-unplanned     kill -9 the master, then at once cutover failover --unplanned --uri r1 --uri r2
//   sentinel-unplanned  kill -9 the master, then at once cutover failover --unplanned --sentinel … (Sentinels' down-after 30 s)
//   cluster-unplanned   kill -9 a shard's master, then at once cutover failover --unplanned --uri its replica (FORCE)
//   sentinel-auto       kill -9 the master, no cutover: Sentinel's own failover with down-after --down-after (1000 ms)
//   sentinel-auto-30s   the same once at Sentinel's default down-after-milliseconds 30000 (skip: --no-default-sentinel)
// Planned runs fail over back and forth on one deployment (the next run starts once every replica is linked and
// every Sentinel or cluster node agrees; on the cluster each run takes another shard: Redis 7.0 keeps a replica's last
// election for 4 × cluster-node-timeout, and failing back sooner holds writes 5 s, see cluster() below); clone and
// unplanned plain/Sentinel runs get a fresh deployment each; unplanned cluster runs restart the killed node and wait
// for the cluster to heal. Each scenario runs --runs times (3); figures are "median (min–max)". About 3.5 minutes.
// Sentinel's defaults: the lab's automatic failover at --down-after is measured, 30 s + its part after down-after is
// the estimate for down-after-milliseconds 30000, and one run at 30 s measures it. BENCH_TRACE=1 shows each run's
// checker log and cutover steps as they happen.
// Per run: acknowledged writes lost (the checker's read-back), its windows of unavailability (writes failing, or
// slower than --stall-ms: count, longest, total), the slowest acknowledged write (a pause shorter than the stall limit
// opens no window but shows here), and after a kill the moment writes were accepted again: from cutover's
// confirmation and from the kill. "Unavailable" for the planned target is the longer of the longest window and the
// slowest write. Targets: planned 0 lost and ≤ 1 s unavailable; clone --reconfigure 0 lost; unplanned ≤ 2 s from
// confirmation to writes accepted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterDisagrees, deployKit, settleCluster, settlePlain, settleSentinel, shardOfSlot, sleep } from './failover-deploy.mjs';
import { measureKit } from './failover-measure.mjs';
import { printDetail, printSentinelComparison, printTable } from './failover-report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const { findRedis } = await import(join(dist, 'lab', 'redis-binaries.js'));
const { trackDir } = await import(join(dist, 'lab', 'processes.js'));

// ---------------------------------------------------------------------------------------------- arguments

const IDS = ['baseline', 'plain-pause', 'plain-failover', 'sentinel', 'cluster', 'clone', 'plain-unplanned', 'sentinel-unplanned', 'cluster-unplanned', 'sentinel-auto', 'sentinel-auto-30s'];
function usage(message) {
  console.error(`bench:failover: ${message}\nusage: node bench/failover.mjs [--runs N] [--only ${IDS.join(',')}] [--rate 1000] [--stall-ms 100] [--down-after 1000] [--no-default-sentinel]`);
  process.exit(2);
}
const opts = { runs: 3, only: IDS, rate: 1000, stallMs: 100, downAfterMs: 1000, defaultSentinel: true };
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i] ?? usage(`${a} needs a value`);
    const num = (what) => {
      const n = Number(next());
      if (!(n > 0) || !Number.isFinite(n)) usage(`${a} takes ${what}`);
      return n;
    };
    if (a === '--help' || a === '-h') {
      console.log(`usage: node bench/failover.mjs [--runs N] [--only ${IDS.join(',')}] [--rate 1000] [--stall-ms 100] [--down-after 1000] [--no-default-sentinel]\n(npm run bench:failover builds first; see the comment at the top of bench/failover.mjs)`);
      process.exit(0);
    } else if (a === '--runs') opts.runs = Math.round(num('a whole number ≥ 1'));
    else if (a === '--rate') opts.rate = num('writes a second');
    else if (a === '--stall-ms') opts.stallMs = num('milliseconds');
    else if (a === '--down-after') opts.downAfterMs = num('milliseconds');
    else if (a === '--no-default-sentinel') opts.defaultSentinel = false;
    else if (a === '--only') {
      opts.only = next().split(',');
      const bad = opts.only.find((id) => !IDS.includes(id));
      if (bad) usage(`unknown scenario ${bad}`);
    } else usage(`unknown argument ${a}`);
  }
  if (!opts.defaultSentinel) opts.only = opts.only.filter((id) => id !== 'sentinel-auto-30s');
}
const wanted = (id) => opts.only.includes(id);

const SCENARIOS = {
  baseline: { name: 'baseline: no failover (plain replication)', target: 'none' },
  'plain-pause': { name: 'planned · plain replication · CLIENT PAUSE + REPLICAOF (default)', target: 'planned' },
  'plain-failover': { name: 'planned · plain replication · FAILOVER TO (--via failover)', target: 'planned' },
  sentinel: { name: 'planned · Sentinel (CLIENT PAUSE + SENTINEL FAILOVER)', target: 'planned' },
  cluster: { name: 'planned · Cluster (CLUSTER FAILOVER)', target: 'planned' },
  clone: { name: 'clone --reconfigure (master + 2 replicas → empty server)', target: 'clone' },
  'plain-unplanned': { name: 'unplanned · plain replication (kill -9, --unplanned)', target: 'unplanned' },
  'sentinel-unplanned': { name: 'unplanned · Sentinel (kill -9, --unplanned --sentinel)', target: 'unplanned' },
  'cluster-unplanned': { name: 'unplanned · Cluster (kill -9, --unplanned: FORCE)', target: 'unplanned' },
  'sentinel-auto': { name: `Sentinel alone (kill -9, no cutover), down-after ${opts.downAfterMs} ms`, target: 'none' },
  'sentinel-auto-30s': { name: 'Sentinel alone (kill -9, no cutover), down-after 30 s (default)', target: 'none' },
};

// ---------------------------------------------------------------------------------------------- set-up

const bins = findRedis();
const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-failover-'));
trackDir(dir);
const deploy = await deployKit(dist, bins, dir);
const { cutover, measure, writesBack, now } = await measureKit(dist, dir, opts);
/** scenario id → its runs' figures */
const results = new Map();
/** stop functions of whatever is running, for the finally */
const running = new Set();

async function using(start, body) {
  const d = await start();
  const stop = () => (d.lab ? d.lab.stop() : d.stop());
  running.add(stop);
  try {
    return await body(d);
  } finally {
    running.delete(stop);
    await stop();
  }
}

async function record(id, index, fn) {
  const t = now();
  process.stdout.write(`${id} #${index + 1} … `);
  let r;
  try {
    r = await fn();
  } catch (err) {
    r = { error: err.message, notes: [`failed: ${err.message}`] };
  }
  r.seconds = (now() - t) / 1000;
  if (!results.has(id)) results.set(id, []);
  results.get(id).push(r);
  printDetail(r);
}

const plainConn = (m) => ({ uri: m.address });
const sentinelConn = (d) => ({ sentinels: d.sentinels, masterName: d.masterName });
const sentinelArgs = (d) => [...d.sentinels.flatMap((s) => ['--sentinel', s]), '--master-name', d.masterName];

// ---------------------------------------------------------------------------------------------- scenarios

async function plainPlanned() {
  if (!['baseline', 'plain-pause', 'plain-failover'].some(wanted)) return;
  await using(deploy.plain, async (d) => {
    if (wanted('baseline')) for (let i = 0; i < opts.runs; i++) await record('baseline', i, async () => measure(plainConn(await settlePlain(d.servers)), () => sleep(1000)));
    for (const [id, extra] of [
      ['plain-pause', []],
      ['plain-failover', ['--via', 'failover']],
    ]) {
      if (!wanted(id)) continue;
      for (let i = 0; i < opts.runs; i++) {
        await record(id, i, async () => {
          const m = await settlePlain(d.servers);
          return measure(plainConn(m), async () => ({ cut: await cutover(['failover', '--uri', m.address, ...extra]) }));
        });
      }
    }
  });
}

async function sentinelPlanned() {
  if (!wanted('sentinel')) return;
  await using(
    () => deploy.sentinelLab(30_000),
    async (d) => {
      for (let i = 0; i < opts.runs; i++) {
        await record('sentinel', i, async () => {
          const m = await settleSentinel(d);
          return measure(sentinelConn(d), async () => ({ cut: await cutover(['failover', '--uri', m.address]) }));
        });
      }
    },
  );
}

/**
 * Each run fails over another shard (the one holding slot 0, 5461, 10923 in turn): Redis 7.0 keeps a replica's last
 * election for 4 × cluster-node-timeout, and a replica asked to fail over again within that time "wins" at once with
 * its old config epoch, which the other nodes reject (see the report). A run whose cluster does not agree on the
 * new owner of the shard's slots afterwards fails, whatever cutover's exit code.
 */
const SHARD_SLOTS = [0, 5461, 10923];

async function cluster() {
  if (!wanted('cluster') && !wanted('cluster-unplanned')) return;
  let d = await deploy.clusterLab();
  const stop = () => d.lab.stop();
  running.add(stop);
  const agreed = async (r, slot, old) => {
    const broken = await clusterDisagrees(d.nodes, slot, old);
    if (broken) {
      r.brokenCluster = true;
      r.notes.push(`the cluster does not agree on the new owner of slot ${slot} 10 s after the run: ${broken}`);
    }
    return r;
  };
  try {
    if (wanted('cluster')) {
      for (let i = 0; i < opts.runs; i++) {
        await record('cluster', i, async () => {
          await settleCluster(d.nodes);
          const slot = SHARD_SLOTS[i % 3];
          const shard = await shardOfSlot(d.nodes, slot);
          const r = await measure({ uri: d.nodes.find((n) => n !== shard.master).address }, async () => ({ cut: await cutover(['failover', '--uri', shard.master.address]) }));
          return agreed(r, slot, shard.master.address);
        });
      }
    }
    if (wanted('cluster-unplanned')) {
      for (let i = 0; i < opts.runs; i++) {
        await record('cluster-unplanned', i, async () => {
          let fresh;
          try {
            await settleCluster(d.nodes);
          } catch (err) {
            // a cluster that did not heal from the last run: a fresh one, said in the run's notes
            await d.lab.stop();
            d = await deploy.clusterLab();
            await settleCluster(d.nodes);
            fresh = `on a fresh cluster (${err.message})`;
          }
          const slot = SHARD_SLOTS[i % 3];
          const shard = await shardOfSlot(d.nodes, slot);
          const [replica] = shard.replicas;
          if (!replica) throw new Error(`slot ${slot}'s master ${shard.master.address} has no replica`);
          const r = await measure({ uri: replica.address }, async () => {
            const killAt = now();
            await shard.master.kill();
            return { killAt, killed: shard.master.address, cut: await cutover(['failover', '--unplanned', '--uri', replica.address]) };
          });
          if (fresh) r.notes.push(fresh);
          await agreed(r, slot, shard.master.address);
          await shard.master.restart();
          return r;
        });
      }
    }
  } finally {
    running.delete(stop);
    await d.lab.stop();
  }
}

async function clone() {
  if (!wanted('clone')) return;
  for (let i = 0; i < opts.runs; i++) {
    await record('clone', i, () =>
      using(
        async () => {
          const p = await deploy.plain();
          const c = await deploy.server('clone');
          return { servers: [...p.servers, c], stop: async () => Promise.all([p.stop(), c.kill()]) };
        },
        async (d) => {
          const [m, , , c] = d.servers;
          return measure(plainConn(m), async () => ({ cut: await cutover(['clone', '--origin', m.address, '--clone', c.address, '--reconfigure']) }));
        },
      ),
    );
  }
}

async function plainUnplanned() {
  if (!wanted('plain-unplanned')) return;
  for (let i = 0; i < opts.runs; i++) {
    await record('plain-unplanned', i, () =>
      using(deploy.plain, async (d) => {
        const [m, r1, r2] = d.servers;
        return measure(plainConn(m), async () => {
          const killAt = now();
          await m.kill();
          return { killAt, killed: m.address, cut: await cutover(['failover', '--unplanned', '--uri', r1.address, '--uri', r2.address]) };
        });
      }),
    );
  }
}

async function sentinelUnplanned() {
  if (!wanted('sentinel-unplanned')) return;
  for (let i = 0; i < opts.runs; i++) {
    await record('sentinel-unplanned', i, () =>
      using(
        () => deploy.sentinelLab(30_000),
        async (d) => {
          const [m, r1, r2] = d.data;
          return measure(sentinelConn(d), async () => {
            const killAt = now();
            await m.kill();
            return { killAt, killed: m.address, cut: await cutover(['failover', '--unplanned', '--uri', r1.address, '--uri', r2.address, ...sentinelArgs(d)]) };
          });
        },
      ),
    );
  }
}

async function sentinelAlone(id, downAfterMs, runs) {
  if (!wanted(id)) return;
  for (let i = 0; i < runs; i++) {
    await record(id, i, () =>
      using(
        () => deploy.sentinelLab(downAfterMs),
        async (d) => {
          const [m] = d.data;
          const r = await measure(sentinelConn(d), async (checker) => {
            const killAt = now();
            await m.kill();
            await writesBack(checker, killAt, downAfterMs + 60_000);
            return { killAt, killed: m.address };
          });
          r.downAfterMs = downAfterMs;
          return r;
        },
      ),
    );
  }
}

// ---------------------------------------------------------------------------------------------- main

const began = now();
let exitCode = 0;
try {
  console.log(
    `bench:failover · checker ${opts.rate.toLocaleString('en-US')} writes/s, stall limit ${opts.stallMs} ms · ${opts.runs} run${opts.runs > 1 ? 's' : ''} per scenario · redis ${bins.version} · node ${process.version} · 2 cores`,
  );
  await plainPlanned();
  await sentinelPlanned();
  await cluster();
  await clone();
  await plainUnplanned();
  await sentinelUnplanned();
  await sentinelAlone('sentinel-auto', opts.downAfterMs, opts.runs);
  await sentinelAlone('sentinel-auto-30s', 30_000, 1);
  printTable(SCENARIOS, results, opts);
  printSentinelComparison(results, opts);
  console.log(`\n(${((now() - began) / 1000).toFixed(0)} s in all)`);
} catch (err) {
  console.error(`bench:failover: ${err.stack ?? err.message}`);
  exitCode = 1;
} finally {
  for (const stop of running) await stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  process.exit(exitCode);
}
