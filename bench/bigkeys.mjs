#!/usr/bin/env node
// npm run bench:bigkeys [-- --scale N]
// Live replication (psync) of a source holding a few very big keys, twice on the same data:
//   (a) baseline: every RDB key held whole (--mem-limit 4GB: one RESTORE per key, as before big keys were read in pieces)
//   (b) cutover's default: a key whose RDB record passes 8 MB (or that inflates past it) read and written in pieces
// The source: a 2,000,000-member set, a 1,000,000-field hash, a 2,000,000-element list, a 500,000-member sorted set,
// a 300,000-entry stream with a consumer group, a 200 MB incompressible string and a 400 MB compressible one
// (a few MB in the RDB), times --scale (default 1). cutover runs as its own process until the RDB is applied (its
// NDJSON says streaming with nothing queued), then Ctrl-C; the figures are that time, its peak RSS (polled from
// /proc every 20 ms, and its own at exit), its CPU, and the keys whose value (DEBUG DIGEST-VALUE, independent of
// the encoding), type or TTL differ between source and target.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const cli = join(dist, 'cli.js');
const { findRedis } = await import(join(dist, 'lab', 'redis-binaries.js'));
const { LabServer } = await import(join(dist, 'lab', 'server.js'));
const { freePort } = await import(join(dist, 'lab', 'ports.js'));
const { track, trackDir } = await import(join(dist, 'lab', 'processes.js'));

let scale = 1;
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--scale' && Number(argv[i + 1]) > 0) scale = Number(argv[++i]);
    else {
      console.error(`bench:bigkeys: unknown argument ${argv[i]}\nusage: node bench/bigkeys.mjs [--scale N]`);
      process.exit(2);
    }
  }
}

const bins = findRedis();
const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-bigkeys-'));
trackDir(dir);
const config = ['repl-diskless-sync-delay 0', 'client-output-buffer-limit replica 0 0 0', 'proto-max-bulk-len 1gb', 'enable-debug-command local'];

function client(port) {
  const c = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 2 });
  c.on('error', () => undefined);
  return c;
}

async function server(name) {
  const s = new LabServer(bins, dir, { name, kind: 'redis', port: await freePort(), config });
  await s.start();
  return s;
}

async function load(r) {
  const n = (x) => Math.round(x * scale);
  const batch = 5000;
  const t0 = performance.now();
  for (let i = 0; i < n(2_000_000); i += batch) {
    const p = r.pipeline();
    const ids = Array.from({ length: Math.min(batch, n(2_000_000) - i) }, (_, j) => i + j);
    p.sadd('big:set', ...ids.map((k) => `member:${k}`));
    p.rpush('big:list', ...ids.map((k) => `item:${k}:${k * 7919}`));
    if (i < n(1_000_000)) p.hset('big:hash', ...ids.flatMap((k) => [`field:${k}`, `value:${k}`]));
    if (i < n(500_000)) p.zadd('big:zset', ...ids.flatMap((k) => [String(k / 3), `m:${k}`]));
    if (i < n(300_000)) for (const k of ids) p.xadd('big:stream', '*', 'n', String(k), 'v', 'payload-' + k);
    await p.exec();
  }
  await r.xgroup('CREATE', 'big:stream', 'readers', '0');
  await r.xreadgroup('GROUP', 'readers', 'alice', 'COUNT', 1000, 'STREAMS', 'big:stream', '>');
  for (let i = 0; i < n(200); i++) await r.append('big:raw', randomBytes(1024 * 1024));
  const chunk = 'abcdefghijklmnop'.repeat(65536); // 1 MB
  for (let i = 0; i < n(400); i++) await r.append('big:lzf', chunk);
  await r.pexpire('big:hash', 3_600_000);
  const mem = Number(/used_memory:(\d+)/.exec(await r.info('memory'))[1]);
  console.log(`source loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${await r.dbsize()} keys, used_memory ${(mem / 2 ** 20).toFixed(0)} MB`);
}

/** cutover until its RDB is applied (streaming, nothing queued), then Ctrl-C; its peak RSS polled from /proc. */
function run(args) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, CUTOVER_RUSAGE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let out = '';
    let err = '';
    let synced;
    let peak = 0;
    const poll = setInterval(() => {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
        peak = Math.max(peak, kb / 1024);
      } catch {
        // gone
      }
    }, 20);
    child.stdout.on('data', (d) => {
      out += d;
      // the RDB applied: the first per-second line in phase streaming with nothing queued
      if (synced === undefined && /"phase":"streaming"[^\n]*"queueDepth":0/.test(String(d))) {
        synced = (performance.now() - t0) / 1000;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      clearInterval(poll);
      const lines = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const live = lines.filter((e) => e.event === 'summary' && e.phase === 'live').pop();
      const rusage = err.split('\n').map((l) => { try { return JSON.parse(l).rusage; } catch { return undefined; } }).find((o) => o && o.maxRssMb);
      resolve({ code, synced, peak: Math.round(Math.max(peak, rusage?.maxRssMb ?? 0)), live, rusage, err: err.split('\n').filter((l) => l && !l.startsWith('{')).join(' | ') });
    });
  });
}

/** Keys whose values differ (DEBUG DIGEST-VALUE: the value's content, whatever its encoding), missing, or whose TTL is off by more than 5 s. */
async function differing(from, to) {
  const bad = [];
  for (const key of await from.keys('*')) {
    const [[, da], [, db]] = await Promise.all([from.call('DEBUG', 'DIGEST-VALUE', key), to.call('DEBUG', 'DIGEST-VALUE', key)]);
    const [ta, tb] = await Promise.all([from.pttl(key), to.pttl(key)]);
    if (String(da) !== String(db) || (await to.type(key)) !== (await from.type(key)) || Math.abs(ta - tb) > 5000) bad.push(key);
  }
  return bad;
}

const [src, a, b] = [await server('source'), await server('target-a'), await server('target-b')];
const rows = [];
try {
  const source = client(src.port);
  await load(source);
  for (const [label, target, extra] of [
    ['(a) baseline: every key held whole (--mem-limit 4GB)', a, ['--mem-limit', '4GB']],
    ['(b) big keys in pieces (default: 8 MB)', b, []],
  ]) {
    const r = await run(['replicate', '--mode', 'live', '--source', src.address, '--target', target.address, '--json', ...extra]);
    const s = r.live?.stats ?? {};
    const bad = await differing(source, client(target.port));
    rows.push({ label, code: r.code, synced: r.synced, peak: r.peak, cpu: r.rusage && r.rusage.userSec + r.rusage.sysSec, rdbKeys: s.rdbKeys, big: s.rdbBigKeys, failed: s.failed, bad, err: r.err });
  }
} finally {
  await Promise.all([src.kill(), a.kill(), b.kill()]);
}

const base = rows[0];
console.log('\n| run | RDB applied s | peak RSS MB | vs (a) | CPU s | RDB keys | in pieces | failed | keys differing |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  const ratio = base.peak && r.peak ? `${(r.peak / base.peak).toFixed(2)}×` : '–';
  console.log(`| ${r.label} | ${r.synced?.toFixed(1) ?? 'never'} | ${r.peak} | ${ratio} | ${r.cpu?.toFixed(1) ?? '?'} | ${r.rdbKeys ?? '?'} | ${r.big ?? '?'} | ${r.failed ?? '?'} | ${r.bad.length ? r.bad.join(' ') : 0} |`);
  if (r.err) console.log(`  ${r.label}: ${r.err}`);
}
process.exit(0);
