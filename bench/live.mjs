#!/usr/bin/env node
// npm run bench:live [-- SECONDS] [--rates 1000,10000,max] [--sources psync,notifications] [--keys 10000] [--drain-cap 120]
// Live replication under load, for each change source (psync, notifications) and each write rate:
//   - a fresh standalone source (repl-diskless-sync-delay 0, notify-keyspace-events KA) and target, KEYS mixed keys
//     pre-loaded into the source (the lab dataset) so the RDB or snapshot part is real;
//   - cutover replicate --mode live --live-source X --json --idle-timeout 3s (CUTOVER_RUSAGE=1), started and
//     waited for until its NDJSON says phase "streaming";
//   - a writer (bench/live-writer.mjs, a process of its own) drives the source for SECONDS (default 30) at 1,000
//     then 10,000 commands/s, then as fast as it can: mixed commands on every type (SET, SET PX, INCR, HSET, LPUSH +
//     LTRIM, SADD, SREM, ZADD, ZINCRBY, XADD, EXPIRE, DEL, APPEND, HINCRBY, MULTI/EXEC), and 1,000 INCR-only counters
//     whose final values it knows;
//   - lag, two ways: cutover's own event age at apply time (ageP50Ms/ageP99Ms of its per-second lines while the
//     writer runs: the median of the p50s, the highest p99), and end to end: every 20 ms the bench SETs
//     bench:probe:N on the source and sees it land on the target through a keyspace-notification subscription there
//     (arrival − moment the SET was sent; precise to the event loop, no polling);
//   - "drain": from the writer's last reply to the last probe's arrival on the target (how far behind cutover was);
//     after --drain-cap seconds (default 120) without it, cutover is stopped with SIGINT and the row says so;
//   - after the writer (and a SCAN over its short-lived keys once they have expired: the source sends their DELs then,
//     not over minutes of its own sampling), cutover ends by itself 3 s after the last change and runs its compare (the
//     final compare); then every counter is read on the target: lost = Σ(expected − actual) where positive, extra
//     = Σ(actual − expected) where positive.
// Reported side by side: writer commands/s achieved, cutover applied/s (its `applied` count from the writer's start
// to the drain: psync applies the commands the source propagated, which leaves out writes that changed nothing, such
// as DEL or SREM of what is not there; notifications write keys, several events on one key once), lag, lost/extra
// counter increments, compare differences, resyncs, dropped events, peak RSS.
// Targets checked at the end: psync loses 0 writes at every rate, p99 end-to-end lag ≤ 100 ms at 10k writes/s.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const cli = join(dist, 'cli.js');
const writerScript = join(root, 'bench', 'live-writer.mjs');
const { findRedis } = await import(join(dist, 'lab', 'redis-binaries.js'));
const { LabServer } = await import(join(dist, 'lab', 'server.js'));
const { freePort } = await import(join(dist, 'lab', 'ports.js'));
const { loadDataset } = await import(join(dist, 'lab', 'dataset.js'));
const { track, trackDir } = await import(join(dist, 'lab', 'processes.js'));

// ---------------------------------------------------------------------------------------------- arguments

function usage(message) {
  console.error(`bench:live: ${message}\nusage: node bench/live.mjs [SECONDS] [--rates 1000,10000,max] [--sources psync,notifications] [--keys 10000] [--drain-cap 120]`);
  process.exit(2);
}
const opts = { seconds: 30, rates: [1000, 10_000, 'max'], sources: ['psync', 'notifications'], keys: 10_000, counters: 1000, drainCap: 120 };
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--rates') {
      opts.rates = next()
        .split(',')
        .map((r) => (r === 'max' ? 'max' : Number(r)));
      if (opts.rates.some((r) => r !== 'max' && !(r > 0))) usage('--rates takes positive numbers or max, comma-separated');
    } else if (a === '--sources') {
      opts.sources = next().split(',');
      if (opts.sources.some((s) => s !== 'psync' && s !== 'notifications')) usage('--sources takes psync and/or notifications');
    } else if (a === '--keys') {
      opts.keys = Number(next());
      if (!(opts.keys >= 0)) usage('--keys takes a whole number');
    } else if (a === '--drain-cap') {
      opts.drainCap = Number(next());
      if (!(opts.drainCap > 0)) usage('--drain-cap takes seconds');
    } else if (/^\d+(\.\d+)?$/.test(a)) opts.seconds = Number(a);
    else usage(`unknown argument ${a}`);
  }
}

const PROBE_MS = 20;
const IDLE_TIMEOUT = '3s';
const bins = findRedis();
const dir = mkdtempSync(join(tmpdir(), 'cutover-bench-live-'));
trackDir(dir);

// ---------------------------------------------------------------------------------------------- helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

/** Every complete line of a child's stream, as it comes. */
function lines(stream, onLine) {
  let rest = '';
  stream.on('data', (d) => {
    rest += d;
    let nl;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (line.trim()) onLine(line);
    }
  });
}

function client(port) {
  const c = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 2 });
  c.on('error', () => undefined);
  return c;
}

/** Waits for test() to be true, checking every 20 ms; false at the deadline. */
async function until(test, timeoutMs) {
  const deadline = now() + timeoutMs;
  while (now() < deadline) {
    if (test()) return true;
    await sleep(20);
  }
  return test();
}

function percentile(sorted, p) {
  if (!sorted.length) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const median = (xs) => percentile([...xs].sort((a, b) => a - b), 50);

/** cutover as a child process: its NDJSON lines as they arrive (with the bench's clock), its rusage line at exit. */
function startCutover(args) {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, CUTOVER_RUSAGE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  const run = { child, live: [], logs: [], summaries: [], stderr: [], rusage: undefined, code: undefined, exited: undefined };
  lines(child.stdout, (line) => {
    let e;
    try {
      e = JSON.parse(line);
    } catch {
      run.stderr.push(`(stdout) ${line}`);
      return;
    }
    e.t = now();
    if (e.event === 'live') run.live.push(e);
    else if (e.event === 'log') run.logs.push(e);
    else if (e.event === 'summary') run.summaries.push(e);
  });
  lines(child.stderr, (line) => {
    if (line.startsWith('{"rusage"')) run.rusage = JSON.parse(line).rusage;
    else run.stderr.push(line);
  });
  run.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve((run.code = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)))));
  return run;
}

/** The writer as a child process; resolves with its result once it is done. */
function startWriter(port, rate, seconds, seed) {
  const child = spawn(process.execPath, [writerScript, JSON.stringify({ port, rate, seconds, counters: opts.counters, keys: 10_000, seed })], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  const w = { child, startedAt: undefined, result: undefined, err: '' };
  let startedResolve;
  w.started = new Promise((r) => (startedResolve = r));
  lines(child.stdout, (line) => {
    const e = JSON.parse(line);
    if (e.event === 'started') {
      w.startedAt = now();
      startedResolve();
    } else if (e.event === 'done') {
      w.result = e;
      w.doneAt = now();
    }
  });
  child.stderr.on('data', (d) => (w.err += d));
  w.done = new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      startedResolve();
      if (code === 0 && w.result) resolve(w.result);
      else reject(new Error(`writer exited ${code}: ${w.err.trim().split('\n').slice(-3).join(' | ')}`));
    }),
  );
  w.done.catch(() => undefined);
  return w;
}

/**
 * End-to-end probes: SET bench:probe:N <ms> on the source every PROBE_MS, arrival seen by a PSUBSCRIBE on the
 * target's keyspace channel (the target publishes notifications for whatever writes them: SET, RESTORE, …).
 */
async function startProbes(sourcePort, targetPort) {
  const src = client(sourcePort);
  const sub = client(targetPort);
  const sentAt = new Map();
  const lags = [];
  let arrivedLast = 0;
  let n = 0;
  let timer;
  const prefix = '__keyspace@0__:bench:probe:';
  sub.on('pmessage', (_pattern, channel) => {
    const t = now();
    const id = Number(channel.slice(prefix.length));
    const at = sentAt.get(id);
    if (at === undefined) return; // a second event for the same key, or a probe of before
    sentAt.delete(id);
    lags.push(t - at);
    arrivedLast = Math.max(arrivedLast, id);
  });
  await sub.psubscribe(`${prefix}*`);
  const probe = () => {
    const id = ++n;
    sentAt.set(id, now());
    src.set(`bench:probe:${id}`, String(Date.now())).catch(() => undefined);
    return id;
  };
  return {
    lags,
    start() {
      timer = setInterval(probe, PROBE_MS);
    },
    /** stops probing; sends a last probe and returns its id */
    stop() {
      clearInterval(timer);
      return probe();
    },
    arrived: (id) => !sentAt.has(id) && id <= n,
    get sent() {
      return n;
    },
    get missing() {
      return sentAt.size;
    },
    close() {
      clearInterval(timer);
      src.disconnect();
      sub.disconnect();
    },
  };
}

// ---------------------------------------------------------------------------------------------- one run

async function runOne(liveSource, rate, seed) {
  const servers = [];
  const clients = [];
  const row = { liveSource, rate, notes: [] };
  const runStart = now();
  let cut;
  let writer;
  let probes;
  try {
    const start = async (name, config) => {
      const s = new LabServer(bins, dir, { name: `${name}-${liveSource}-${rate}`, kind: 'redis', port: await freePort(), config });
      servers.push(s);
      await s.start();
      return s;
    };
    const source = await start('source', ['repl-diskless-sync-delay 0', 'notify-keyspace-events KA']);
    const target = await start('target', ['notify-keyspace-events KA']);
    const src = client(source.port);
    const dst = client(target.port);
    clients.push(src, dst);
    if (opts.keys) await loadDataset(src, { keys: opts.keys, seed });
    probes = await startProbes(source.port, target.port);

    row.setupMs = now() - runStart;
    const t0 = now();
    cut = startCutover(['replicate', '--mode', 'live', '--live-source', liveSource, '--source', source.address, '--target', target.address, '--json', '--idle-timeout', IDLE_TIMEOUT]);
    // streaming, and the RDB's (or the snapshot's) keys all written
    const ready = (e) => e.phase === 'streaming' && e.queueDepth === 0;
    const streaming = await Promise.race([until(() => cut.live.some(ready), 120_000), cut.exited.then(() => false)]);
    if (!streaming) throw new Error(`cutover did not reach phase streaming (exit ${cut.code ?? 'none'}): ${[...cut.stderr, ...cut.logs.map((l) => l.message)].slice(-3).join(' | ')}`);
    row.syncMs = now() - t0;
    const appliedBefore = cut.live.findLast(ready).applied;

    writer = startWriter(source.port, rate, opts.seconds, seed);
    await writer.started;
    probes.start();
    const result = await writer.done;
    const lastProbe = probes.stop();
    const writerEnd = writer.doneAt;
    row.sent = result.sent;
    row.writerRate = result.sent / (result.ms / 1000);
    row.writerErrors = result.errors;
    if (result.errors) row.notes.push(`writer: ${result.errors} error replies (${result.firstError})`);

    // catching up: the last probe reaches the target; or (notifications may drop it) cutover's queue is empty a
    // second after the writer stopped; at most --drain-cap seconds, then cutover is stopped (SIGINT)
    const emptyAfter = (t) => cut.live.some((e) => e.t > t && e.queueDepth === 0);
    const caughtUp = () => probes.arrived(lastProbe) || (liveSource === 'notifications' && emptyAfter(writerEnd + 1000));
    const drained = await Promise.race([until(caughtUp, opts.drainCap * 1000), cut.exited.then(caughtUp)]);
    const drainEnd = now();
    if (drained) row.drainMs = drainEnd - writerEnd;
    else if (cut.code === undefined) {
      row.gaveUp = true;
      row.notes.push(`not caught up ${opts.drainCap} s after the writer stopped (queue ${cut.live[cut.live.length - 1]?.queueDepth}): stopped with SIGINT (raise --drain-cap)`);
      cut.child.kill('SIGINT');
    }

    // The writer's short-lived keys (w:t:*, PX ≤ 3.3 s) expire on the source, which sends a DEL for each as it finds
    // it: by its sampling that takes minutes for the last ones (each keeping cutover from going idle). Once they have
    // all run out, one SCAN over them makes the source find and delete them now.
    if (!row.gaveUp) await sleep(Math.max(0, writerEnd + 3500 - now()));
    for (let cursor = '0'; !row.gaveUp; ) {
      const [next] = await src.scan(cursor, 'MATCH', 'w:t:*', 'COUNT', 1000);
      cursor = next;
      if (cursor === '0') break;
    }

    // cutover ends by itself after IDLE_TIMEOUT without changes, then compares
    const ended = await Promise.race([cut.exited.then(() => true), sleep(120_000).then(() => false)]);
    if (!ended) {
      row.notes.push('cutover did not end by --idle-timeout within 2 min of catching up: stopped with SIGINT');
      cut.child.kill('SIGINT');
      await Promise.race([cut.exited, sleep(30_000)]);
      cut.child.kill('SIGKILL');
      await cut.exited;
    }
    row.exitCode = cut.code;
    row.endMs = now() - writerEnd;

    // lag: cutover's own (per-second lines while the writer ran, up to the drain) and end to end
    const during = cut.live.filter((e) => e.t >= writer.startedAt + 1000 && e.t <= drainEnd + 1000);
    const p50s = during.map((e) => e.ageP50Ms).filter((v) => typeof v === 'number');
    const p99s = during.map((e) => e.ageP99Ms).filter((v) => typeof v === 'number');
    row.ageP50 = median(p50s);
    row.ageP99 = p99s.length ? Math.max(...p99s) : undefined;
    const lags = [...probes.lags].sort((a, b) => a - b);
    row.e2eP50 = percentile(lags, 50);
    row.e2eP99 = percentile(lags, 99);
    row.e2eMax = lags[lags.length - 1];
    row.probesMissing = probes.missing;
    if (probes.missing) row.notes.push(`${probes.missing} of ${probes.sent} probes never reached the target`);

    const summary = cut.summaries.find((s) => s.phase === 'live');
    if (!summary) row.notes.push(`no live summary (exit ${cut.code}): ${cut.stderr.slice(-2).join(' | ')}`);
    const st = summary?.stats ?? cut.live[cut.live.length - 1] ?? {};
    row.applied = st.applied;
    row.appliedRate = st.applied !== undefined && row.drainMs !== undefined ? (st.applied - appliedBefore) / ((drainEnd - writer.startedAt) / 1000) : undefined;
    row.fullResyncs = st.fullResyncs ?? 0;
    row.partialResyncs = st.partialResyncs ?? 0;
    row.reconnects = st.reconnects ?? 0;
    row.failed = st.failed ?? 0;
    row.droppedEvents = st.droppedEvents ?? 0;
    row.overflows = st.overflows ?? 0;
    row.reason = summary?.reason;
    const counts = summary?.verify?.counts;
    if (counts) {
      row.compare = counts;
      row.differences = ['missing', 'type', 'value', 'ttl', 'extra'].reduce((s, k) => s + (counts[k] ?? 0), 0);
    } else row.notes.push(`no final compare (reason ${summary?.reason ?? 'none'})`);
    row.rssMb = cut.rusage?.maxRssMb;
    row.cpuSec = cut.rusage ? cut.rusage.userSec + cut.rusage.sysSec : undefined;
    for (const l of cut.logs) if (l.level !== 'info') row.notes.push(`cutover ${l.level}: ${l.message}`);

    // the counters: the writer knows what the source must hold; the target should hold the same
    const names = result.expected.map((_, i) => `w:ctr:${i}`);
    const [onTarget, onSource] = await Promise.all([dst.mget(names), src.mget(names)]);
    row.lost = 0;
    row.extra = 0;
    let sourceOff = 0;
    result.expected.forEach((want, i) => {
      const got = Number(onTarget[i] ?? 0);
      if (want > got) row.lost += want - got;
      else row.extra += got - want;
      if (Number(onSource[i] ?? 0) !== want) sourceOff++;
    });
    row.increments = result.expected.reduce((a, b) => a + b, 0);
    if (sourceOff) row.notes.push(`bench bug: ${sourceOff} counters on the source differ from the writer's count`);
    return row;
  } catch (err) {
    row.error = err.message;
    return row;
  } finally {
    probes?.close();
    if (cut && cut.code === undefined) {
      cut.child.kill('SIGKILL');
      await cut.exited;
    }
    if (writer && writer.child.exitCode === null) writer.child.kill('SIGKILL');
    for (const c of clients) c.disconnect();
    for (const s of servers) await s.kill();
  }
}

// ---------------------------------------------------------------------------------------------- table

const int = (v) => (v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));
const ms = (v) => (v === undefined ? '–' : v < 10 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US'));
const rateName = (r) => (r === 'max' ? 'max' : `${(r / 1000).toLocaleString('en-US')}k/s`);

function printTable(rows) {
  console.log('');
  console.log('| rate | source | writer cmds/s | cutover applied/s | lag p50 / p99 ms (cutover) | lag p50 / p99 / max ms (end to end) | drain s | lost / extra increments | compare differences | resyncs full / partial | dropped events | peak RSS MB |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    if (r.error) {
      console.log(`| ${rateName(r.rate)} | ${r.liveSource} | failed: ${r.error} |||||||||||`);
      continue;
    }
    const diff = r.differences === undefined ? '–' : r.differences === 0 ? '0' : `${r.differences} (${Object.entries(r.compare).filter(([k, v]) => ['missing', 'type', 'value', 'ttl', 'extra'].includes(k) && v).map(([k, v]) => `${k} ${v}`).join(', ')})`;
    const dropped = r.liveSource === 'notifications' ? `${int(r.droppedEvents)}${r.overflows ? ` (${r.overflows} overflows)` : ''}` : '–';
    console.log(
      `| ${rateName(r.rate)} | ${r.liveSource} | ${int(r.writerRate)} | ${int(r.appliedRate)} | ${ms(r.ageP50)} / ${ms(r.ageP99)} | ${ms(r.e2eP50)} / ${ms(r.e2eP99)} / ${ms(r.e2eMax)} | ${r.gaveUp ? `> ${opts.drainCap}` : r.drainMs === undefined ? '–' : (r.drainMs / 1000).toFixed(1)} | ${r.gaveUp ? `${int(r.lost)} not yet applied when stopped` : `${int(r.lost)} / ${int(r.extra)}`} of ${int(r.increments)} | ${diff} | ${r.fullResyncs} / ${r.partialResyncs} | ${dropped} | ${r.rssMb === undefined ? '–' : r.rssMb.toFixed(0)} |`,
    );
  }
}

function verdicts(rows) {
  const psync = rows.filter((r) => r.liveSource === 'psync');
  if (!psync.length) return;
  console.log('');
  const lossless = psync.every((r) => !r.error && !r.gaveUp && r.lost === 0 && r.extra === 0 && r.differences === 0 && r.probesMissing === 0);
  const detail = psync
    .map((r) => `${rateName(r.rate)}: ${r.error ? 'failed' : r.gaveUp ? `not caught up within ${opts.drainCap} s` : `${r.lost} lost, ${r.extra} extra, ${r.differences ?? '?'} compare differences`}`)
    .join('; ');
  console.log(`target: psync loses 0 writes at every rate ........ ${lossless ? 'MET' : 'NOT MET'} (${detail})`);
  const at10k = psync.find((r) => r.rate === 10_000);
  if (at10k && !at10k.error) {
    const ok = at10k.e2eP99 !== undefined && at10k.e2eP99 <= 100;
    console.log(`target: psync p99 lag ≤ 100 ms at 10k writes/s ...... ${ok ? 'MET' : 'NOT MET'} (end to end ${ms(at10k.e2eP99)} ms, cutover's own ${ms(at10k.ageP99)} ms)`);
  } else console.log('target: psync p99 lag ≤ 100 ms at 10k writes/s ...... not measured (10000 not among --rates)');
}

// ---------------------------------------------------------------------------------------------- main

const rows = [];
const began = now();
let exitCode = 0;
try {
  console.log(
    `bench:live · ${opts.seconds} s per rate · rates ${opts.rates.map(rateName).join(', ')} · ${opts.sources.join(' and ')} · ${opts.keys.toLocaleString('en-US')} keys pre-loaded · redis ${bins.version} · node ${process.version} · 2 cores`,
  );
  let seed = 1;
  for (const rate of opts.rates) {
    for (const liveSource of opts.sources) {
      const t = now();
      process.stdout.write(`${rateName(rate)} · ${liveSource} … `);
      const r = await runOne(liveSource, rate, seed++);
      rows.push(r);
      console.log(
        r.error
          ? `failed: ${r.error}`
          : `${int(r.sent)} commands at ${int(r.writerRate)}/s · lag p99 ${ms(r.e2eP99)} ms end to end · ${r.lost} lost / ${r.extra} extra · compare ${r.differences ?? '–'} · exit ${r.exitCode} · ${((now() - t) / 1000).toFixed(0)} s (set-up ${(r.setupMs / 1000).toFixed(1)}, sync ${(r.syncMs / 1000).toFixed(1)}, writer ${opts.seconds}, idle end + compare ${(r.endMs / 1000).toFixed(1)}) · cutover CPU ${r.cpuSec?.toFixed(1) ?? '–'} s`,
      );
      for (const n of [...new Set(r.notes)].slice(0, 8)) console.log(`    ${n}`);
    }
  }
  printTable(rows);
  verdicts(rows);
  console.log(`\n(${((now() - began) / 1000).toFixed(0)} s in all)`);
} catch (err) {
  console.error(`bench:live: ${err.stack ?? err.message}`);
  exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
  process.exit(exitCode);
}
