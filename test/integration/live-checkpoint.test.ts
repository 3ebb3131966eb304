// What --checkpoint records: only what the target acknowledged. A run whose writes the target refused leaves a
// checkpoint that asks for a full sync, so the next run, with a user that may write, lands every key. And a
// stream the source refused (liveonly, PSYNC forbidden) claims no offset.
// The target refuses the writes without the preflight seeing it coming (a user without write permission is refused
// before the start, exit 2): the user may write when cutover checks, and loses it (ACL SETUSER … -@write from an
// admin connection) once cutover asked the source for its stream, before anything reached the target.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, until } from './helpers.js';
import { Servers } from './live-helpers.js';
import { SyncGate } from './sync-gate.js';

let servers: Servers | undefined;
let gate: SyncGate | undefined;
afterEach(async () => {
  await gate?.stop();
  await servers?.stop();
  gate = undefined;
  servers = undefined;
});

/** A user that may write until the test takes it away, and one that always may. */
const USERS = ['user cutover on >cutover-pw-7 ~* &* +@all', 'user writer on >writer-pw-7 ~* &* +@all'];

/** What an operator does to a user from an admin connection: in effect for its open connections too. */
async function revokeWrites(admin: { call(...args: string[]): Promise<unknown> }): Promise<void> {
  await admin.call('ACL', 'SETUSER', 'cutover', '-@write');
}

function ndjson(stdout: string): Array<Record<string, any>> {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe('--checkpoint after writes the target refused', () => {
  it('asks for a full sync: the rerun with a user that may write lands every key', async () => {
    servers = new Servers();
    const src = await servers.start('ck-src');
    const dst = await servers.start('ck-dst', USERS);
    const p = src.redis.pipeline();
    for (let i = 0; i < 200; i++) p.set(`k:${i}`, `v${i}`);
    p.hset('h', 'a', '1', 'b', '2');
    await p.exec();
    // the source's answer to PSYNC (its RDB) waits in the gate until the user lost its write permission
    gate = await new SyncGate(src.server).start();
    const file = join(servers.dir, 'ck.json');
    const target = (user: string) => `redis://${user}:${user}-pw-7@${dst.server.address}`;

    const running = runCli(['replicate', '--mode', 'live', '--source', gate.address, '--target', target('cutover'), '--checkpoint', file, '--idle-timeout', '1s', '--json']);
    await until('cutover to ask for the sync (past its preflight)', () => gate!.syncs >= 1, 15_000);
    await revokeWrites(dst.redis);
    gate.release();
    const first = await running;
    expect(first.code).toBe(1);
    const summary = ndjson(first.stdout).find((e) => e.event === 'summary' && e.phase === 'live')!;
    expect(summary.stats.failed).toBe(201);
    expect(first.stdout).toMatch(/NOPERM/);
    expect(first.stdout).toMatch(/now asks for a full sync at the next start/);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    const entry = Object.values(saved.streams)[0] as { replId: string; offset: number; fullSync?: string };
    expect(entry.fullSync).toMatch(/a write of this stream is missing on the target \(offset \d+ or before\): NOPERM/);
    expect(await dst.redis.dbsize()).toBe(0);

    // a change while cutover was away: a partial resync would bring this one, and skip the 201 refused
    await src.redis.set('later', 'x');
    const second = await runCli(['replicate', '--mode', 'live', '--source', gate.address, '--target', target('writer'), '--checkpoint', file, '--idle-timeout', '1s', '--json']);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    const end = ndjson(second.stdout).find((e) => e.event === 'summary' && e.phase === 'live')!;
    expect(end.stats).toMatchObject({ failed: 0, fullResyncs: 1, partialResyncs: 0, rdbKeys: 202 });
    expect(second.stdout).toMatch(/asks for a full sync \(a write of this stream is missing on the target/);
    expect(await dst.redis.dbsize()).toBe(202);
    expect(await dst.redis.get('later')).toBe('x');
    expect(await dst.redis.hgetall('h')).toEqual({ a: '1', b: '2' });
    // clean now: the checkpoint holds a position a partial resync may resume from
    const after = Object.values(JSON.parse(readFileSync(file, 'utf8')).streams)[0] as { fullSync?: string };
    expect(after.fullSync).toBeUndefined();
    for (const out of [first, second]) expect(out.stdout + out.stderr).not.toMatch(/pw-7/);
  }, 60_000);
});

describe('--checkpoint with liveonly after writes the target refused', () => {
  it('the rerun syncs in full (the RDB applied), not from the current offset', async () => {
    servers = new Servers();
    const src = await servers.start('lock-src');
    const dst = await servers.start('lock-dst', USERS);
    const file = join(servers.dir, 'ck.json');
    const target = (user: string) => `redis://${user}:${user}-pw-7@${dst.server.address}`;
    const first = runCli(['replicate', '--mode', 'liveonly', '--source', src.server.address, '--target', target('cutover'), '--checkpoint', file, '--idle-timeout', '2s', '--json']);
    // the stream attached (cutover's replica on port 0), so past the preflight: what is written now reaches it as
    // commands, after the user lost its write permission
    for (const end = Date.now() + 15_000; !/slave0:.*port=0,state=online/.test(await src.redis.info('replication')); ) {
      if (Date.now() > end) throw new Error('the stream did not attach within 15 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    await revokeWrites(dst.redis);
    for (let i = 0; i < 20; i++) await src.redis.set(`k:${i}`, `v${i}`);
    const r1 = await first;
    expect(r1.code).toBe(1);
    expect(ndjson(r1.stdout).find((e) => e.event === 'summary' && e.phase === 'live')!.stats.failed).toBe(20);
    expect((Object.values(JSON.parse(readFileSync(file, 'utf8')).streams)[0] as { fullSync?: string }).fullSync).toMatch(/NOPERM/);
    expect(await dst.redis.dbsize()).toBe(0);
    const second = await runCli(['replicate', '--mode', 'liveonly', '--source', src.server.address, '--target', target('writer'), '--checkpoint', file, '--idle-timeout', '1s', '--json']);
    expect(second.code).toBe(0);
    expect(await dst.redis.dbsize()).toBe(20);
    expect(await dst.redis.get('k:7')).toBe('v7');
    for (const out of [r1, second]) expect(out.stdout + out.stderr).not.toMatch(/pw-7/);
  }, 60_000);
});

describe('liveonly when the source refuses PSYNC', () => {
  it('claims no offset: nothing was received, nothing applied', async () => {
    servers = new Servers();
    const src = await servers.start('lo-src', ['user nosync on >nosync-pw-3 ~* &* +@all -psync -sync']);
    // a real replica gives the source a backlog: its master_repl_offset moves with every write
    await servers.start('lo-replica', [`replicaof 127.0.0.1 ${src.server.port}`]);
    for (let i = 0; i < 20; i++) await src.redis.set(`k:${i}`, 'v');
    let offset = 0;
    for (const end = Date.now() + 10_000; offset === 0 && Date.now() < end; ) {
      offset = Number(/master_repl_offset:(\d+)/.exec(await src.redis.info('replication'))?.[1] ?? 0);
      if (!offset) await new Promise((r) => setTimeout(r, 50));
    }
    expect(offset).toBeGreaterThan(0);
    const dst = await servers.start('lo-dst');
    const r = await runCli(['replicate', '--mode', 'liveonly', '--source', `redis://nosync:nosync-pw-3@${src.server.address}`, '--target', dst.server.address, '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refused PSYNC/);
    const summary = ndjson(r.stdout).find((e) => e.event === 'summary' && e.phase === 'live')!;
    expect(summary.refused).toBe(true);
    expect(summary.stats.appliedOffset).toBe(0);
    expect(summary.stats.receivedOffset).toBe(0);
    expect(await dst.redis.dbsize()).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/nosync-pw-3/);
  }, 30_000);
});
