// What an operator's test of live replication found, against real servers: the end's verification honours
// --check-extra (and checks extra keys itself after an unforwarded FLUSH), checkpoint and database mistakes are
// refused before anything is written, a checkpoint resumes without --yes, a changed password ends the run in one
// line, the target's restart is named as the reason of the full resync, and --enable-notifications is undone.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, until } from './helpers.js';
import { Servers, startLive } from './live-helpers.js';

const servers = new Servers();
const dirs: string[] = [];
afterAll(async () => {
  await servers.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** NDJSON lines of a run. */
function events(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const FAST = ['repl-diskless-sync-delay 0'];

describe('live replication: the operator test', () => {
  it('--check-extra reaches the verification: an extra key on the target fails the run; the summary has line and db like compare', async () => {
    const [src, dst] = await Promise.all([servers.start('ce-source', FAST), servers.start('ce-target')]);
    await src.redis.set('k', 'v');
    await dst.redis.set('k', 'v');
    await dst.redis.set('only-on-target', '1');
    const r = await runCli(['replicate', '--source', src.server.address, '--target', dst.server.address, '--mode', 'liveonly', '--check-extra', '--show-diffs', '--yes', '--idle-timeout', '1s', '--json']);
    expect(r.code).toBe(1);
    const compare = events(r.stdout).find((e) => e.event === 'summary' && e.phase === 'compare')!;
    expect(compare).toMatchObject({ db: 0, line: '0 missing, 0 type, 0 value, 0 ttl, 1 extra', checkExtra: true, counts: expect.objectContaining({ extra: 1 }) });
    expect(compare.diffs).toEqual([expect.objectContaining({ kind: 'extra', key: 'only-on-target' })]);
  });

  it('after a FLUSHDB that is not forwarded, the verification counts the keys the target kept as extra, and says why', async () => {
    const [src, dst] = await Promise.all([servers.start('fl-source', FAST), servers.start('fl-target')]);
    for (let i = 0; i < 50; i++) await src.redis.set(`k${i}`, 'v');
    const live = await startLive(src.server.address, dst.server.address, { idleTimeoutMs: 1000 });
    await live.caughtUp();
    await src.redis.flushdb();
    await src.redis.set('after', '1');
    const summary = await live.done;
    expect(summary.reason).toBe('idle');
    expect(summary.verify).toMatchObject({ checkExtra: true, counts: expect.objectContaining({ extra: 50, missing: 0 }) });
    expect(live.logs.join('\n')).toMatch(/FLUSHDB on db 0 on the source: not forwarded .*the verification at the end counts them as extra/);
    expect(live.logs.join('\n')).toMatch(/the verification counts keys only the target has too \(a FLUSH on the source not forwarded\)/);
  });

  it('an unusable --checkpoint is refused in one line before anything is written', async () => {
    const [src, dst] = await Promise.all([servers.start('cp-source', FAST), servers.start('cp-target')]);
    await src.redis.set('k', 'v');
    const r = await runCli(['replicate', '--source', src.server.address, '--target', dst.server.address, '--mode', 'live', '--checkpoint', '/nonexistent/dir/ck.json', '--idle-timeout', '1s', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cutover: --checkpoint \/nonexistent\/dir\/ck\.json: the directory \/nonexistent\/dir does not exist/)]);
    expect(r.stdout).toBe('');
    expect(await dst.redis.dbsize()).toBe(0);
    expect(await src.redis.info('replication')).toMatch(/connected_slaves:0/);
  });

  it('a database the server does not have is refused in one line (live and snapshot); the non-empty refusal counts the db named', async () => {
    const [src, dst] = await Promise.all([servers.start('db-source', FAST), servers.start('db-target')]);
    await src.redis.set('k', 'v');
    const base = ['replicate', '--source', src.server.address, '--target', dst.server.address, '--json'];
    const idle = ['--idle-timeout', '1s'];
    for (const extra of [['--mode', 'live', '--target-db', '99', ...idle], ['--mode', 'live', '--source-db', '99', ...idle], ['--target-db', '99'], ['--source-db', '99'], ['--mode', 'liveonly', '--target-db', '16', ...idle]]) {
      const r = await runCli([...base, ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cutover: database (99|16) does not exist on .*\(it has 16: 0 to 15, its 'databases' setting\)/)]);
      expect(r.stdout).toBe('');
    }
    expect(await dst.redis.dbsize()).toBe(0);
    // db 0 of the target holds keys, db 3 two: the refusal names db 3's
    for (let i = 0; i < 7; i++) await dst.redis.set(`zero${i}`, 'x');
    const d3 = servers.client(dst.server.port);
    await d3.select(3);
    await d3.mset('a', '1', 'b', '2');
    const r = await runCli([...base, '--mode', 'live', '--target-db', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cutover: target redis:\/\/127\.0\.0\.1:\d+\/3 already holds 2 keys:/);
  });

  it('--all-dbs: a source db the target does not have is refused before anything is written (snapshot and live)', async () => {
    const [src, dst] = await Promise.all([servers.start('ad-source', FAST), servers.start('ad-target', ['databases 4'])]);
    await src.redis.set('zero', '1');
    const d7 = servers.client(src.server.port);
    await d7.select(7);
    await d7.set('seven', '7');
    for (const mode of ['snapshot', 'live']) {
      const r = await runCli(['replicate', '--source', src.server.address, '--target', dst.server.address, '--all-dbs', '--mode', mode, '--json']);
      expect(r.code, mode).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cutover: --all-dbs: the source holds keys in db 7, which .* does not have \(it has 4: 0 to 3/)]);
      expect(await dst.redis.dbsize()).toBe(0);
    }
  });

  it('a target that refuses the writer for good (its password changed) ends the run as failed, not retried forever', async () => {
    const [src, dst] = await Promise.all([servers.start('wf-source', FAST), servers.start('wf-target')]);
    const live = await startLive(src.server.address, dst.server.address);
    await src.redis.set('a', '1');
    await live.caughtUp();
    await dst.redis.config('SET', 'requirepass', 'changed-pw');
    await dst.redis.call('AUTH', 'changed-pw');
    await dst.redis.client('KILL', 'SKIPME', 'yes');
    await src.redis.set('b', '2');
    const summary = await live.done;
    expect(summary.reason).toBe('failed');
    expect(summary.error).toMatch(/^target 127\.0\.0\.1:\d+ refuses cutover's connection: NOAUTH/);
    expect(summary.stats.failed).toBeGreaterThan(0);
    await dst.redis.config('SET', 'requirepass', '');
  });

  it('a checkpoint holding this source resumes without --yes, and says so', async () => {
    const [src, dst] = await Promise.all([servers.start('rs-source', FAST), servers.start('rs-target')]);
    const dir = mkdtempSync(join(tmpdir(), 'cutover-ck-'));
    dirs.push(dir);
    for (let i = 0; i < 100; i++) await src.redis.set(`k${i}`, String(i));
    const args = ['replicate', '--source', src.server.address, '--target', dst.server.address, '--mode', 'live', '--checkpoint', join(dir, 'ck.json'), '--idle-timeout', '1s', '--json'];
    expect((await runCli(args)).code).toBe(0);
    expect(readdirSync(dir)).toEqual(['ck.json']);
    await src.redis.set('later', '1');
    const again = await runCli(args);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    const logs = events(again.stdout).filter((e) => e.event === 'log').map((e) => String(e.message));
    expect(logs.join('\n')).toMatch(/resuming from the checkpoint .*ck\.json .*the target already holds what was applied before/);
    expect(logs.join('\n')).toMatch(/partial resync/);
    expect(await dst.redis.get('later')).toBe('1');
    // without the checkpoint, the same target is refused as ever
    const other = await runCli(['replicate', '--source', src.server.address, '--target', dst.server.address, '--mode', 'live', '--checkpoint', join(dir, 'other.json'), '--json']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/already holds 101 keys/);
  });

  it("a source whose password changes mid-run: one line naming the source, never the password, exit 1", async () => {
    const [src, dst] = await Promise.all([servers.start('pw-source', [...FAST, 'requirepass old-secret-1']), servers.start('pw-target')]);
    const admin = new Redis({ host: '127.0.0.1', port: src.server.port, password: 'old-secret-1', retryStrategy: () => null });
    admin.on('error', () => undefined);
    const run = runCli(['replicate', '--source', `redis://:old-secret-1@${src.server.address}`, '--target', dst.server.address, '--mode', 'live', '--json']);
    for (let i = 0; i < 100; i++) {
      if (/slave0:.*state=online/.test(await admin.info('replication'))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await admin.config('SET', 'requirepass', 'new-secret-2');
    await admin.client('KILL', 'TYPE', 'replica');
    const r = await run;
    admin.disconnect();
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cutover: source 127\.0\.0\.1:\d+ refuses cutover's login \(WRONGPASS .*\), 3 times in a row: was its password changed\?/)]);
    expect(r.stdout + r.stderr).not.toMatch(/old-secret-1|new-secret-2/);
  });

  it('a target restart: the full resync says why, rdbKeys is the last RDB, a reconnect is one line', async () => {
    const [src, dst] = await Promise.all([servers.start('tr-source', FAST), servers.start('tr-target')]);
    for (let i = 0; i < 300; i++) await src.redis.set(`k${i}`, 'v');
    const live = await startLive(src.server.address, dst.server.address);
    await live.caughtUp();
    expect(live.last().rdbKeys).toBe(300);
    await dst.server.restart();
    await src.redis.set('poke', '1'); // the writer finds the new run_id when it writes
    await until('the full resync', () => live.last().fullResyncs >= 1, 20_000);
    await live.caughtUp();
    expect(live.last().rdbKeys).toBe(301);
    expect(await dst.redis.dbsize()).toBe(301);
    expect(live.logs.join('\n')).toMatch(/FULL resync \(.*\): cutover asked for it: the target restarted \(new run_id\)/);
    expect(live.logs.join('\n')).not.toMatch(/could not continue from where we were/);
    // the source goes away for a moment: each attempt is one line, with its reason
    await src.server.kill();
    await new Promise((r) => setTimeout(r, 700));
    await src.server.start();
    await until('reconnected', () => live.last().fullResyncs >= 2, 20_000);
    const lines = live.logs.filter((l) => /stream from/.test(l));
    expect(lines.some((l) => /closed \(.*ECONNREFUSED.*\): connecting again in \d+ ms/.test(l))).toBe(true);
    expect(lines.filter((l) => /^warn: stream from [\d.:]+: connect ECONNREFUSED/.test(l))).toEqual([]);
    await live.stop();
  });

  it('--enable-notifications: says KA and what Redis shows, sets the old value back at exit; no offsets in its meters', async () => {
    const [src, dst] = await Promise.all([servers.start('nt-source', ['notify-keyspace-events Ex']), servers.start('nt-target')]);
    let numpat = 0;
    const poll = setInterval(() => void src.redis.call('PUBSUB', 'NUMPAT').then((n) => (numpat = Number(n))), 50);
    const run = runCli(['replicate', '--source', src.server.address, '--target', dst.server.address, '--mode', 'liveonly', '--live-source', 'notifications', '--enable-notifications', '--idle-timeout', '2s', '--json']);
    // liveonly: the change must come after the subscription
    await until('the subscription', () => numpat > 0, 15_000).catch(() => undefined);
    clearInterval(poll);
    await src.redis.set('n', '1');
    const r = await run;
    expect(r.code).toBe(0);
    const out = events(r.stdout);
    const logs = out.filter((e) => e.event === 'log').map((e) => String(e.message)).join('\n');
    expect(logs).toMatch(/notify-keyspace-events was "xE", set to KA \(Redis shows it as "[^"]+"\) for this run \(--enable-notifications\); set back to "xE" when cutover stops/);
    expect(logs).toMatch(/notify-keyspace-events set back to "xE"/);
    expect(((await src.redis.config('GET', 'notify-keyspace-events')) as string[])[1]).toBe('xE');
    const meters = out.filter((e) => e.event === 'live');
    expect(meters.length).toBeGreaterThan(0);
    for (const m of meters) expect(Object.keys(m)).not.toEqual(expect.arrayContaining(['sourceOffset']));
    expect(await dst.redis.get('n')).toBe('1');
  });

  it('a password given to a target that needs none is one line', async () => {
    const [src, dst] = await Promise.all([servers.start('np-source', FAST), servers.start('np-target')]);
    await src.redis.set('k', 'v');
    const r = await runCli(['replicate', '--source', src.server.address, '--target', `redis://:not-needed-7@${dst.server.address}`, '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cutover: target: 127\.0\.0\.1:\d+ has no password set but one was given: drop it/)]);
    expect(r.stderr).not.toMatch(/not-needed-7/);
    expect(await dst.redis.dbsize()).toBe(0);
  });
});
