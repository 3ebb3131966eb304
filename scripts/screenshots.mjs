#!/usr/bin/env node
// Regenerates screenshots/ from real lab runs: cutover runs in a tmux pane, keys are sent with
// send-keys, and the screen is read back with capture-pane. Run after `npm run build`:
//   npm run screenshots
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'screenshots');
const cli = join(root, 'dist', 'cli.js');
const { findRedis } = await import(join(root, 'dist', 'lab', 'redis-binaries.js'));

try {
  execFileSync('tmux', ['-V'], { stdio: 'ignore' });
} catch {
  console.error('screenshots: tmux is not installed: apt-get install tmux');
  process.exit(1);
}

const tmux = (...args) => execFileSync('tmux', args, { encoding: 'utf8' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const capture = (s) => tmux('capture-pane', '-p', '-t', s).replace(/\s+$/gm, '').trimEnd() + '\n';

async function until(session, what, test, ms = 60_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const screen = capture(session);
    if (test(screen)) return screen;
    await sleep(250);
  }
  throw new Error(`screenshots: timed out waiting for ${what}:\n${capture(session)}`);
}

function save(name, screen) {
  writeFileSync(join(out, name), screen);
  console.log(`screenshots/${name}`);
}

async function session(name, cols, rows, args) {
  try {
    tmux('kill-session', '-t', name);
  } catch {
    /* none */
  }
  // in a temporary folder: a failover's journal lands there, not in the project
  tmux('new-session', '-d', '-s', name, '-c', tmpdir(), '-x', String(cols), '-y', String(rows), `NO_COLOR= node ${cli} ${args}`);
  const pid = Number(tmux('display', '-p', '-t', name, '#{pane_pid}').trim());
  return { name, pid };
}

function manifestOf(pid) {
  const dir = readdirSync(tmpdir()).find((d) => d.startsWith(`cutover-lab-${pid}-`));
  return JSON.parse(readFileSync(join(tmpdir(), dir, 'lab.json'), 'utf8'));
}

async function quit(s) {
  tmux('send-keys', '-t', s.name, 'q');
  await sleep(1500);
  try {
    tmux('kill-session', '-t', s.name);
  } catch {
    /* already gone */
  }
}

mkdirSync(out, { recursive: true });

// 1. The quick start's lab (migration preset), 100x30: the chain, the Sentinels, the target.
{
  const s = await session('cutover-shots', 100, 30, 'lab --preset migration --keys 200000 --workload');
  await until(s.name, 'the migration lab', (x) => x.includes('target') && (x.match(/sentinel /g) ?? []).length >= 3 && x.includes('ago'));
  await sleep(2500);
  save('console-migration.txt', capture(s.name));

  // the one-shot report, entered from the end of the chain
  const r2addr = `127.0.0.1:${manifestOf(s.pid).servers.find((x) => x.name === 'r2').port}`;
  const report = execFileSync(process.execPath, [cli, 'topology', r2addr], { encoding: 'utf8' });
  save('topology.txt', report.replace(/\s+$/gm, '') + '\n');

  // Enter on r1: its details
  tmux('send-keys', '-t', s.name, 'j');
  await sleep(300);
  tmux('send-keys', '-t', s.name, 'Enter');
  await until(s.name, 'details of r1', (x) => x.includes('Details · r1'));
  await sleep(1200);
  save('console-details.txt', capture(s.name));
  tmux('send-keys', '-t', s.name, 'Escape');

  // kill -9 r2: down on screen, then back up
  const m = manifestOf(s.pid);
  const r2 = m.servers.find((x) => x.name === 'r2');
  process.kill(r2.pid, 'SIGKILL');
  await until(s.name, 'r2 down', (x) => x.includes('DOWN'), 10_000);
  await sleep(1500);
  save('console-replica-down.txt', capture(s.name));
  const bins = findRedis();
  const revived = spawn(bins.server, [join(r2.dir, 'redis.conf')], { cwd: r2.dir, env: { ...process.env, ...bins.env }, stdio: 'ignore' });
  await until(s.name, 'r2 back', (x) => !x.includes('✗ DOWN') && x.includes('is back'), 20_000);
  await sleep(1200);
  save('console-replica-back.txt', capture(s.name));

  tmux('send-keys', '-t', s.name, '?');
  await until(s.name, 'help', (x) => x.includes('Help · keys'));
  save('console-help.txt', capture(s.name));
  tmux('send-keys', '-t', s.name, 'Escape');

  // a snapshot master → target from the console: the typed confirmation, the bars, the result
  tmux('send-keys', '-t', s.name, 's');
  await until(s.name, 'the confirmation', (x) => x.includes('type yes and Enter'));
  tmux('send-keys', '-t', s.name, 'y', 'e', 's');
  await sleep(300);
  save('console-snapshot-confirm.txt', capture(s.name));
  tmux('send-keys', '-t', s.name, 'Enter');
  await until(s.name, 'the Scanning bar', (x) => /Scanning .*%/.test(x), 20_000);
  save('console-snapshot-running.txt', capture(s.name));
  await until(s.name, 'the verification result', (x) => /verify\s+\d+ missing/.test(x), 60_000);
  save('console-snapshot-done.txt', capture(s.name));

  // live replication master → target from the console: l, yes, the Listening meters while the workload writes
  tmux('send-keys', '-t', s.name, 'l');
  await until(s.name, 'the live confirmation', (x) => x.includes('live replication (PSYNC'));
  tmux('send-keys', '-t', s.name, 'y', 'e', 's', 'Enter');
  await until(s.name, 'the Listening meters', (x) => /Listening . [\d,]+ applied/.test(x) && /age p50 \d/.test(x), 60_000);
  await sleep(3000);
  save('console-live.txt', capture(s.name));
  tmux('send-keys', '-t', s.name, 'x');
  await until(s.name, 'the live result', (x) => /✓ live [\d,]+ applied/.test(x), 20_000);
  await quit(s);
  revived.kill('SIGKILL');
}

// 2. The same console in 80x24.
{
  const s = await session('cutover-shots-80', 80, 24, 'lab --preset replication --keys 5000 --workload');
  await until(s.name, 'the replication lab', (x) => (x.match(/sentinel /g) ?? []).length >= 3 && x.includes('ago'));
  await sleep(2500);
  save('console-80x24.txt', capture(s.name));
  await quit(s);
}

// 2b. The console with --read-only at 80x24: d (a drill) pressed, refused with one line.
{
  const s = await session('cutover-shots-ro', 80, 24, 'lab --preset replication --keys 5000 --read-only');
  await until(s.name, 'the replication lab', (x) => (x.match(/sentinel /g) ?? []).length >= 3 && x.includes('ago'));
  tmux('send-keys', '-t', s.name, 'd');
  save('console-read-only.txt', await until(s.name, 'the refusal', (x) => x.includes('read-only: drill')));
  await quit(s);
}

// 3. The failover wizard on the replication lab, 120x40: f on r1, the plan; then its run with a drill alongside.
{
  const s = await session('cutover-shots-failover', 120, 40, 'lab --preset replication --keys 5000 --workload');
  await until(s.name, 'the replication lab', (x) => (x.match(/sentinel /g) ?? []).length >= 3 && x.includes('ago'));
  await sleep(2000);
  tmux('send-keys', '-t', s.name, 'j');
  await sleep(300);
  tmux('send-keys', '-t', s.name, 'f');
  const plan = await until(s.name, 'the failover plan', (x) => x.includes('Failover · waiting for you'), 30_000);
  save('console-failover-plan.txt', plan);
  const word = /type (\S+) and Enter/.exec(plan)[1];
  tmux('send-keys', '-t', s.name, 'Tab');
  await sleep(300);
  tmux('send-keys', '-t', s.name, word, 'Enter');
  await until(s.name, 'the failover done and the drill verdict', (x) => x.includes('Failover · done') && x.includes('Drill · done'), 60_000);
  await sleep(500);
  save('console-failover-done.txt', capture(s.name));
  await quit(s);
}

// 4. The cluster preset.
{
  const s = await session('cutover-shots-cluster', 120, 24, 'lab --preset cluster --keys 20000 --workload');
  await until(s.name, 'the cluster lab', (x) => (x.match(/ 0-5460| 5461-10922| 10923-16383/g) ?? []).length >= 3 && x.includes('ago'), 90_000);
  await sleep(2500);
  save('console-cluster.txt', capture(s.name));
  await quit(s);
}

// 4b. The cluster at 80×24 with an empty master: the slot map, a check (C), the reshard wizard (R) onto the empty
// master, its plan, and the run in progress (the slot bar, keys/s, MB/s, ETA, the topology's ranges changing).
{
  const s = await session('cutover-shots-slots', 80, 24, 'lab --preset cluster --spare 1 --keys 600000');
  await until(s.name, 'the slot map', (x) => x.includes('Slots ·'), 120_000);
  await sleep(2500);
  save('console-slot-map.txt', capture(s.name));
  tmux('send-keys', '-t', s.name, 'C');
  await until(s.name, 'the check report', (x) => /Cluster check · (all is well|PROBLEMS)/.test(x), 30_000);
  await sleep(500);
  save('console-cluster-check.txt', capture(s.name));
  tmux('send-keys', '-t', s.name, 'Escape');
  await sleep(500);
  tmux('send-keys', '-t', s.name, 'R');
  await until(s.name, 'the reshard form', (x) => x.includes('Reshard · choose'), 10_000);
  // the target: from the selected master (c1) back to the last, the empty spare1 (its count: the balanced share)
  tmux('send-keys', '-t', s.name, 'Left');
  await until(s.name, 'spare1 as the target', (x) => /to +spare1/.test(x), 10_000);
  tmux('send-keys', '-t', s.name, 'Enter');
  await until(s.name, 'the plan', (x) => x.includes('type reshard'), 30_000);
  save('console-reshard-plan.txt', capture(s.name));
  tmux('send-keys', '-t', s.name, '-l', 'reshard');
  tmux('send-keys', '-t', s.name, 'Enter');
  await until(s.name, 'the reshard running', (x) => /Reshard · running/.test(x) && /keys\/s/.test(x), 30_000);
  await sleep(700);
  save('console-reshard-running.txt', capture(s.name));
  await until(s.name, 'the reshard done', (x) => /Reshard · done/.test(x), 120_000);
  await sleep(1500);
  save('console-reshard-done.txt', capture(s.name));
  await quit(s);
}

// 4c. A rebalance from the console (B) onto the empty master: the plan's table, and the run.
{
  const s = await session('cutover-shots-rebalance', 80, 24, 'lab --preset cluster --spare 1 --keys 400000');
  await until(s.name, 'the slot map with the empty master', (x) => /spare1 .* 0 \(none\)/.test(x), 120_000);
  await sleep(1500);
  tmux('send-keys', '-t', s.name, 'B');
  await until(s.name, 'the rebalance form', (x) => x.includes('Rebalance · choose'), 10_000);
  tmux('send-keys', '-t', s.name, 'Enter');
  await until(s.name, 'the rebalance plan', (x) => x.includes('type rebalance'), 30_000);
  for (let i = 0; i < 3; i++) tmux('send-keys', '-t', s.name, 'Down');
  await sleep(500);
  save('console-rebalance-plan.txt', capture(s.name));
  tmux('send-keys', '-t', s.name, '-l', 'rebalance');
  tmux('send-keys', '-t', s.name, 'Enter');
  await until(s.name, 'the rebalance running', (x) => /Rebalance · running/.test(x) && /keys\/s/.test(x), 30_000);
  await sleep(500);
  save('console-rebalance-running.txt', capture(s.name));
  await until(s.name, 'the rebalance done', (x) => /Rebalance · done/.test(x), 120_000);
  await quit(s);
}

// 5. Put the captures into the README, between <!-- screen:NAME --> and <!-- /screen --> markers.
{
  const readme = join(root, 'README.md');
  const text = readFileSync(readme, 'utf8').replace(/<!-- screen:([\w.-]+) -->[\s\S]*?<!-- \/screen -->/g, (_m, name) => {
    const body = readFileSync(join(out, name), 'utf8').trimEnd();
    return `<!-- screen:${name} -->\n\`\`\`\n${body}\n\`\`\`\n<!-- /screen -->`;
  });
  writeFileSync(readme, text);
  console.log('README.md screens updated');
}
