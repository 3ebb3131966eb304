#!/usr/bin/env node
// npm run bench:cluster [-- --keys 1000000] [--rate 1000] [--stall-ms 100] [--only cli,cutover,resume]
// Issue 11's benchmark, on the lab: a cluster of 3 masters with a replica each holding --keys mixed keys (the lab's
// dataset, the same seed each time), plus one empty master met into it. The balanced share moves onto the empty
// master by
//   cli      redis-cli --cluster rebalance --cluster-use-empty-masters --cluster-yes   (the baseline)
//   cutover  cutover cluster rebalance --use-empty-masters --yes
//   resume   cutover cluster rebalance killed with SIGKILL half-way, then cutover cluster fix --yes, then
//            cutover cluster rebalance --use-empty-masters --yes again to finish the plan
// each from the same starting state (a fresh lab each), each under the drill's consistency checker (INCR on 1,000
// counters at --rate writes/s, every acknowledged value remembered and read back at the end). Per run: seconds (the
// procedure's process, start to exit), keys and MB that moved (DBSIZE and MEMORY USAGE of the empty master after:
// the same count for both tools), keys/s and MB/s, acknowledged writes lost, unavailability windows (writes failing or
// slower than --stall-ms) and the slowest write, and `redis-cli --cluster check` on the result. After the resume: the
// slots left open after the kill, keys before and after (the sum of DBSIZE over masters, the checker's counters left
// out), and DEBUG DIGEST-VALUE of a sample of 2,000 keys taken before, equal after. Targets: cutover ≥ 3× redis-cli's
// keys/s, 0 lost, no write slower than 1 s, check clean after cutover and after the resume, every key once.
import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { measureKit, onNdjson } from './failover-measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const exec = promisify(execFile);
const { startLab } = await import(join(dist, 'lab', 'lab.js'));
const { trackDir, track } = await import(join(dist, 'lab', 'processes.js'));
const { preciseNow } = await import(join(dist, 'engine', 'drill', 'stats.js'));

const IDS = ['cli', 'cutover', 'resume'];
const CHECKER_PREFIX = 'bench:failover:'; // failover-measure.mjs's checker prefix
function usage(message) {
  console.error(`bench:cluster: ${message}\nusage: node bench/cluster.mjs [--keys N] [--rate 1000] [--stall-ms 100] [--only ${IDS.join(',')}]`);
  process.exit(2);
}
const opts = { keys: 1_000_000, rate: 1000, stallMs: 100, only: IDS };
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i] ?? usage(`${a} needs a value`);
    const num = () => {
      const n = Number(next());
      if (!(n > 0) || !Number.isFinite(n)) usage(`${a} takes a positive number`);
      return n;
    };
    if (a === '--help' || a === '-h') usage('see the comment at the top of bench/cluster.mjs');
    else if (a === '--keys') opts.keys = Math.round(num());
    else if (a === '--rate') opts.rate = num();
    else if (a === '--stall-ms') opts.stallMs = num();
    else if (a === '--only') {
      opts.only = next().split(',');
      const bad = opts.only.find((id) => !IDS.includes(id));
      if (bad) usage(`unknown run ${bad}`);
    } else usage(`unknown argument ${a}`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-cluster-'));
const untrack = trackDir(dir);
const { cutover, measure } = await measureKit(dist, dir, { rate: opts.rate, stallMs: opts.stallMs });
const cli = join(dist, 'cli.js');
const int = (n) => (n === undefined ? '–' : Math.round(n).toLocaleString('en-US'));
const fixed = (n, d = 1) => (n === undefined ? '–' : n.toFixed(d));

async function ask(port, ...argv) {
  const c = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return await c.call(...argv);
  } finally {
    c.disconnect();
  }
}

async function freshLab() {
  const t0 = Date.now();
  const lab = await startLab({ preset: 'cluster', cluster: { masters: 3, replicas: 1, spare: 1 }, keys: opts.keys });
  process.stdout.write(`  lab: 3 masters + 3 replicas + 1 empty master, ${int(opts.keys)} keys loaded in ${fixed((Date.now() - t0) / 1000)} s\n`);
  return lab;
}

/** Keys of the dataset over the masters (the checker's counters left out), open slots, the spare's keys and bytes. */
async function state(lab) {
  let keys = 0;
  let checker = 0;
  const open = [];
  for (const s of lab.servers.filter((x) => x.running)) {
    const role = String(await ask(s.port, 'ROLE').then((r) => r[0]));
    const mine = String(await ask(s.port, 'CLUSTER', 'NODES')).split('\n').find((l) => l.includes('myself')) ?? '';
    for (const m of mine.matchAll(/\[(\d+)-([<>])-/g)) open.push(`${s.name} ${m[1]} ${m[2] === '>' ? 'migrating' : 'importing'}`);
    if (role !== 'master') continue;
    keys += Number(await ask(s.port, 'DBSIZE'));
    let cursor = '0';
    do {
      const [next, found] = await ask(s.port, 'SCAN', cursor, 'MATCH', `${CHECKER_PREFIX}*`, 'COUNT', 10000);
      checker += found.length;
      cursor = String(next);
    } while (cursor !== '0');
  }
  return { keys: keys - checker, checker, open };
}

/** Keys and bytes (MEMORY USAGE) on the spare: what moved onto it. */
async function moved(lab) {
  const port = lab.server('spare1').port;
  const c = new Redis({ host: '127.0.0.1', port });
  let keys = 0;
  let bytes = 0;
  let cursor = '0';
  try {
    do {
      const [next, found] = await c.scan(cursor, 'COUNT', 2000);
      cursor = next;
      const names = found.filter((k) => !k.startsWith(CHECKER_PREFIX));
      if (!names.length) continue;
      const p = c.pipeline();
      for (const k of names) p.call('MEMORY', 'USAGE', k);
      for (const [, v] of await p.exec()) bytes += Number(v ?? 0);
      keys += names.length;
    } while (cursor !== '0');
  } finally {
    c.disconnect();
  }
  return { keys, bytes };
}

/**
 * DEBUG DIGEST-VALUE of `n` keys picked at random (RANDOMKEY on each master), or of `names`: asked of every master
 * (DEBUG names no key, so no node redirects it; a master without the key answers zeros). A key two masters hold is
 * marked as such.
 */
async function sampleDigests(lab, n, names) {
  const masters = [];
  for (const s of lab.servers.filter((x) => x.running)) if (String((await ask(s.port, 'ROLE'))[0]) === 'master') masters.push(new Redis({ host: '127.0.0.1', port: s.port }));
  try {
    if (!names) {
      const picked = new Set();
      for (let i = 0; picked.size < n && i < n * 10; i++) {
        const k = await masters[i % masters.length].randomkey();
        if (k && !k.startsWith(CHECKER_PREFIX)) picked.add(k);
      }
      names = [...picked];
    }
    const zero = /^0+$/;
    const replies = await Promise.all(masters.map((m) => {
      const p = m.pipeline();
      for (const k of names) p.call('DEBUG', 'DIGEST-VALUE', k);
      return p.exec();
    }));
    const out = new Map();
    names.forEach((k, i) => {
      const held = replies.map((r) => String(r[i][1] ?? '')).filter((d) => d && !zero.test(d));
      out.set(k, held.length === 1 ? held[0] : held.length ? `held by ${held.length} masters` : 'missing');
    });
    return out;
  } finally {
    for (const m of masters) m.disconnect();
  }
}

/** "c2: 64 migrating (6357-6420)" per node. */
function openText(open) {
  if (!open.length) return 'none';
  const by = new Map();
  for (const o of open) {
    const [node, slot, how] = o.split(' ');
    const k = `${node} ${how}`;
    by.set(k, [...(by.get(k) ?? []), Number(slot)]);
  }
  return [...by].map(([k, slots]) => `${k} ${slots.length} (${slots[0]}…${slots.at(-1)})`).join(', ');
}

async function check(lab) {
  const r = await exec(lab.bins.cli, ['--cluster', 'check', lab.server('c1').address], { env: { ...process.env, ...lab.bins.env }, maxBuffer: 1 << 26 }).catch((e) => e);
  const out = String(r.stdout ?? '');
  const bad = out.split('\n').filter((l) => /\[(ERR|WARNING)\]/.test(l));
  return bad.length ? `not clean: ${bad[0].replace(/\x1b\[[0-9;]*m/g, '').trim()}` : 'clean';
}

/** One process timed start to exit; its exit code. */
function timed(cmd, args, env = process.env) {
  return new Promise((resolve) => {
    const t0 = preciseNow();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    track(child);
    let err = '';
    child.stdout.resume();
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, ms: preciseNow() - t0, stderr: err.trim() }));
  });
}

const rows = [];

async function runCli() {
  console.log('(a) redis-cli --cluster rebalance --cluster-use-empty-masters');
  const lab = await freshLab();
  try {
    let t;
    const r = await measure({ uri: `redis://${lab.server('c1').address}` }, async () => {
      t = await timed(lab.bins.cli, ['--cluster', 'rebalance', lab.server('c1').address, '--cluster-use-empty-masters', '--cluster-yes'], { ...process.env, ...lab.bins.env });
    });
    const m = await moved(lab);
    rows.push({ name: '(a) redis-cli --cluster rebalance', ms: t.ms, exit: t.code, ...m, r, check: await check(lab) });
  } finally {
    await lab.stop();
  }
}

async function runCutover() {
  console.log('(b) cutover cluster rebalance --use-empty-masters --yes');
  const lab = await freshLab();
  try {
    let cut;
    const r = await measure({ uri: `redis://${lab.server('c1').address}` }, async () => {
      cut = await cutover(['cluster', 'rebalance', '--uri', `redis://${lab.server('c1').address}`, '--use-empty-masters'], { timeoutMs: 600_000 });
      return {};
    });
    const m = await moved(lab);
    rows.push({ name: '(b) cutover cluster rebalance', ms: cut.exitedAt - cut.startedAt, exit: cut.code, ...m, r, check: await check(lab), engineKeysPerSec: cut.summary?.totals?.keysPerSec });
  } finally {
    await lab.stop();
  }
}

let resume;
async function runResume() {
  console.log('(c) cutover cluster rebalance killed half-way (SIGKILL), then cluster fix, then rebalance again');
  const lab = await freshLab();
  try {
    const uri = `redis://${lab.server('c1').address}`;
    const before = await state(lab);
    const digests = await sampleDigests(lab, 2000);
    let openAfterKill = [];
    let killedAt;
    let fix;
    let again;
    const r = await measure({ uri }, async () => {
      // killed once half of the slots are done (its NDJSON progress, once a second)
      await new Promise((resolve) => {
        const child = spawn(process.execPath, [cli, 'cluster', 'rebalance', '--uri', uri, '--use-empty-masters', '--yes', '--json', '--journal', join(dir, 'resume.jsonl')], { stdio: ['ignore', 'pipe', 'pipe'] });
        track(child);
        onNdjson(child.stdout, (e) => {
          if (e.event === 'progress' && e.slotsDone >= e.slotsTotal / 2 && killedAt === undefined) {
            killedAt = e.slotsDone;
            child.kill('SIGKILL');
          }
        });
        child.on('exit', resolve);
      });
      openAfterKill = (await state(lab)).open;
      fix = await cutover(['cluster', 'fix', '--uri', uri], { timeoutMs: 600_000 });
      again = await cutover(['cluster', 'rebalance', '--uri', uri, '--use-empty-masters'], { timeoutMs: 600_000 });
      return {};
    });
    const after = await state(lab);
    const digestsAfter = await sampleDigests(lab, 0, [...digests.keys()]);
    const differ = [...digests].filter(([k, v]) => digestsAfter.get(k) !== v).length;
    resume = { killedAt, openAfterKill, fix: fix.code, fixMs: fix.exitedAt - fix.startedAt, againMs: again.exitedAt - again.startedAt, again: again.code, againSummary: again.summary, before: before.keys, after: after.keys, openAfter: after.open, sample: digests.size, differ, r, check: await check(lab) };
  } finally {
    await lab.stop();
  }
}

try {
  if (opts.only.includes('cli')) await runCli();
  if (opts.only.includes('cutover')) await runCutover();
  if (opts.only.includes('resume')) await runResume();
} finally {
  untrack();
  rmSync(dir, { recursive: true, force: true });
}

console.log('');
console.log(`bench:cluster · ${int(opts.keys)} keys · 3 masters + 3 replicas + 1 empty master · checker ${int(opts.rate)} writes/s, stall ${opts.stallMs} ms`);
console.log('');
console.log('| run | s | keys moved | MB moved | keys/s | MB/s | vs (a) | lost acknowledged writes | windows | longest window ms | slowest write ms | exit | redis-cli --cluster check |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
const base = rows.find((x) => x.name.startsWith('(a)'));
const rate = (x) => (x.keys * 1000) / x.ms;
for (const x of rows) {
  const vs = base && x !== base ? `${fixed(rate(x) / rate(base), 2)}×` : '';
  console.log(`| ${x.name} | ${fixed(x.ms / 1000)} | ${int(x.keys)} | ${fixed(x.bytes / 1e6)} | ${int(rate(x))} | ${fixed(x.bytes / 1e3 / x.ms)} | ${vs} | ${int(x.r.lost)} | ${int(x.r.windows)} | ${fixed(x.r.longestMs, 0)} | ${fixed(x.r.slowestMs, 0)} | ${x.exit} | ${x.check} |`);
}
if (resume) {
  console.log('');
  console.log('(c) resume: killed with SIGKILL half-way, then cutover cluster fix --yes, then cutover cluster rebalance --use-empty-masters --yes');
  console.log(`  killed after ${int(resume.killedAt)} slots; slots open after the kill: ${openText(resume.openAfterKill)}`);
  console.log(`  fix exit ${resume.fix} in ${fixed(resume.fixMs / 1000)} s; rebalance again exit ${resume.again} in ${fixed(resume.againMs / 1000)} s (${int(resume.againSummary?.totals?.slotsDone)} slots, ${int(resume.againSummary?.totals?.keys)} keys)`);
  console.log(`  keys before ${int(resume.before)}, after ${int(resume.after)} (${resume.before === resume.after ? 'equal' : 'DIFFERENT'}); slots open after: ${openText(resume.openAfter)}`);
  console.log(`  DEBUG DIGEST-VALUE of ${int(resume.sample)} sampled keys: ${resume.differ ? `${resume.differ} differ` : 'all equal, each on one master'}`);
  console.log(`  lost acknowledged writes ${int(resume.r.lost)}, windows ${int(resume.r.windows)}, longest ${fixed(resume.r.longestMs, 0)} ms, slowest write ${fixed(resume.r.slowestMs, 0)} ms; redis-cli --cluster check: ${resume.check}`);
}
const a = rows.find((x) => x.name.startsWith('(a)'));
const b = rows.find((x) => x.name.startsWith('(b)'));
const missed = [];
if (a && b && rate(b) < 3 * rate(a)) missed.push(`(b) ${fixed(rate(b) / rate(a), 2)}× the keys/s of (a); the target is 3×`);
for (const x of [...rows.filter((y) => y !== a), ...(resume ? [{ name: '(c)', ...resume }] : [])]) {
  if (x.r.lost) missed.push(`${x.name}: ${x.r.lost} acknowledged writes lost`);
  if (Math.max(x.r.slowestMs ?? 0, x.r.longestMs ?? 0) > 1000) missed.push(`${x.name}: a write waited more than 1 s`);
  if (x.check !== 'clean') missed.push(`${x.name}: redis-cli --cluster check ${x.check}`);
}
if (resume && (resume.before !== resume.after || resume.differ || resume.openAfter.length)) missed.push('(c): keys or digests differ, or a slot is open, after the resume');
console.log('');
console.log(missed.length ? missed.map((m) => `missed: ${m}`).join('\n') : 'every target met');
process.exit(0);
