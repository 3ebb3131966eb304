#!/usr/bin/env node
// npm run bench:snapshot [-- KEYS]   (default 1000000)
// In one run on the lab: load KEYS mixed keys (strings, hashes, lists, sets, sorted sets, streams; a third with TTLs)
// into a standalone source, then time each of these on the same data:
//   (a) native replication: a full sync by REPLICAOF
//   (b) redis-cli --cluster import --cluster-copy --cluster-replace into the lab cluster
//   (c) a straightforward ioredis copy: SCAN 1000, pipelined DUMP+PTTL, pipelined RESTORE, 500 keys a batch, 4 batches in flight
//   (d) cutover snapshot, standalone → standalone, dump       (and again at a tenth of the keys, for memory)
//   (e) cutover snapshot, standalone → standalone, struct
//   (f) cutover snapshot, standalone → cluster
//   (g) cutover compare
// and print keys/s for each, cutover's ratios to (a), (b) and (c), its CPU seconds per million keys and its peak RSS.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const cli = join(dist, 'cli.js');
const { findRedis } = await import(join(dist, 'lab', 'redis-binaries.js'));
const { LabServer } = await import(join(dist, 'lab', 'server.js'));
const { freePort } = await import(join(dist, 'lab', 'ports.js'));
const { loadDataset } = await import(join(dist, 'lab', 'dataset.js'));
const { startLab } = await import(join(dist, 'lab', 'lab.js'));

const KEYS = Number(process.argv[2] ?? 1_000_000);
const bins = findRedis();
const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-'));
const run = promisify(execFile);
const servers = [];
let cluster;

async function server(name) {
  const s = new LabServer(bins, dir, { name, kind: 'redis', port: await freePort(), config: ['repl-diskless-sync yes'] });
  await s.start();
  servers.push(s);
  const c = new Redis({ host: '127.0.0.1', port: s.port });
  c.on('error', () => undefined);
  return { s, c, uri: `127.0.0.1:${s.port}` };
}

async function clusterDbsize() {
  let n = 0;
  for (const name of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']) {
    const c = new Redis({ host: '127.0.0.1', port: cluster.server(name).port });
    if ((await c.info('replication')).includes('role:master')) n += await c.dbsize();
    c.disconnect();
  }
  return n;
}

async function flushCluster() {
  for (const name of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']) {
    const c = new Redis({ host: '127.0.0.1', port: cluster.server(name).port });
    if ((await c.info('replication')).includes('role:master')) await c.flushall();
    c.disconnect();
  }
}

/** cutover as a child process; its own CPU and peak RSS come back through CUTOVER_RUSAGE. */
function cutover(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, ...args, '--json'], { env: { ...process.env, CUTOVER_RUSAGE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      const rusage = JSON.parse(err.trim().split('\n').filter((l) => l.startsWith('{"rusage"')).pop() ?? '{"rusage":{}}').rusage;
      const summaries = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.event === 'summary');
      if (code !== 0) return reject(new Error(`cutover ${args.join(' ')} exited ${code}: ${err.trim().split('\n')[0]}`));
      resolve({ ms, rusage, summaries });
    });
  });
}

async function ioredisFloor(src, dst) {
  const started = performance.now();
  let cursor = '0';
  const inflight = [];
  let copied = 0;
  const copy = async (keys) => {
    const read = src.pipeline();
    for (const k of keys) read.dumpBuffer(k).pttl(k);
    const r = await read.exec();
    const write = dst.pipeline();
    keys.forEach((k, i) => {
      const dump = r[2 * i][1];
      const ttl = r[2 * i + 1][1];
      if (dump) write.restore(k, ttl > 0 ? ttl : 0, dump, 'REPLACE');
    });
    await write.exec();
    copied += keys.length;
  };
  let pending = [];
  do {
    const [next, keys] = await src.scanBuffer(cursor, 'COUNT', 1000);
    cursor = next.toString();
    pending.push(...keys);
    while (pending.length >= 500 || (cursor === '0' && pending.length)) {
      inflight.push(copy(pending.splice(0, 500)));
      if (inflight.length >= 4) await inflight.shift();
    }
  } while (cursor !== '0');
  await Promise.all(inflight);
  return { ms: performance.now() - started, copied };
}

const rate = (keys, ms) => Math.round(keys / (ms / 1000));
const rows = [];
const add = (name, keys, ms, extra = {}) => rows.push({ name, keys, ms, rate: rate(keys, ms), ...extra });

try {
  console.log(`bench:snapshot · ${KEYS.toLocaleString('en-US')} keys · redis ${bins.version} · node ${process.version} · 2 cores`);
  const source = await server('source');
  const t0 = performance.now();
  const loaded = await loadDataset(source.c, { keys: KEYS });
  console.log(`loaded ${loaded.loaded} keys in ${Math.round(performance.now() - t0)} ms (${loaded.withTtl} with TTL)`);

  // (a) native full sync
  {
    const r = await server('replica');
    const started = performance.now();
    await r.c.replicaof('127.0.0.1', source.s.port);
    for (;;) {
      const info = await r.c.info('replication');
      if (info.includes('master_link_status:up') && !info.includes('master_sync_in_progress:1')) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    add('(a) native REPLICAOF full sync', await r.c.dbsize(), performance.now() - started);
    await r.s.kill();
  }

  cluster = await startLab({ preset: 'cluster' });
  // (b) redis-cli --cluster import
  {
    const started = performance.now();
    await run(bins.cli, ['--cluster', 'import', `127.0.0.1:${cluster.server('c1').port}`, '--cluster-from', `127.0.0.1:${source.s.port}`, '--cluster-copy', '--cluster-replace'], {
      env: { ...process.env, ...bins.env },
      maxBuffer: 1 << 30,
    });
    add('(b) redis-cli --cluster import --cluster-copy', await clusterDbsize(), performance.now() - started);
    await flushCluster();
  }

  const target = await server('target');
  // (c) the floor
  {
    const { ms } = await ioredisFloor(source.c, target.c);
    add('(c) ioredis copy: SCAN, DUMP+PTTL, RESTORE', await target.c.dbsize(), ms);
    await target.c.flushall();
  }

  const cut = async (name, args, keysOf) => {
    const r = await cutover(args);
    add(name, keysOf(r), r.ms, { cpuPerM: ((r.rusage.userSec + r.rusage.sysSec) * 1e6) / KEYS, rssMb: r.rusage.maxRssMb });
    return r;
  };
  const written = (r) => r.summaries.find((s) => s.phase === 'snapshot').counts.written;
  await cut('(d) cutover snapshot, dump', ['replicate', '--source', source.uri, '--target', target.uri, '--no-verify'], written);
  await cut('(g) cutover compare', ['compare', '--source', source.uri, '--target', target.uri], (r) => r.summaries.find((s) => s.phase === 'compare').counts.compared);
  await target.c.flushall();
  await cut('(e) cutover snapshot, struct', ['replicate', '--source', source.uri, '--target', target.uri, '--type', 'struct', '--no-verify'], written);
  await cut('(f) cutover snapshot → cluster', ['replicate', '--source', source.uri, '--target', `127.0.0.1:${cluster.server('c1').port}`, '--no-verify'], written);

  // memory at a tenth of the keys, same settings as (d)
  const small = await server('small');
  await loadDataset(small.c, { keys: Math.round(KEYS / 10) });
  await target.c.flushall();
  const tenth = await cutover(['replicate', '--source', small.uri, '--target', target.uri, '--no-verify']);

  const byName = (p) => rows.find((r) => r.name.startsWith(p));
  const [a, b, c] = [byName('(a)'), byName('(b)'), byName('(c)')];
  console.log('');
  console.log('| run | keys | seconds | keys/s | vs (a) | vs (b) | vs (c) | CPU s / 1M keys | peak RSS MB |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const mine = r.cpuPerM !== undefined;
    const ratio = (base) => (mine ? `${(r.rate / base.rate).toFixed(2)}×` : '');
    console.log(`| ${r.name} | ${r.keys.toLocaleString('en-US')} | ${(r.ms / 1000).toFixed(1)} | ${r.rate.toLocaleString('en-US')} | ${ratio(a)} | ${ratio(b)} | ${ratio(c)} | ${mine ? r.cpuPerM.toFixed(1) : ''} | ${mine ? r.rssMb.toFixed(0) : ''} |`);
  }
  const d = byName('(d)');
  console.log('');
  console.log(`peak RSS of (d): ${d.rssMb.toFixed(0)} MB at ${KEYS.toLocaleString('en-US')} keys, ${tenth.rusage.maxRssMb.toFixed(0)} MB at ${Math.round(KEYS / 10).toLocaleString('en-US')} keys: ratio ${(d.rssMb / tenth.rusage.maxRssMb).toFixed(2)}`);
} finally {
  for (const s of servers) await s.kill();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
