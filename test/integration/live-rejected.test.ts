// Live replication when the target rejects a value: an RDB key whose payload the target refuses (RESTORE: "Bad
// data format") and whose typed writes cannot be built either fails that key alone: counted, named, exit 1,
// the other keys land, one sync, and the run ends promptly (never the same batch resent forever). A record found
// bad is met mid-stream only with --diskless-load; by default the RDB is checked whole first and such a file is
// refused before anything is written (as Redis refuses to load it).
import { spawn } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildListpack, buildZiplist, len, rdbFile, str } from '../fixtures/rdb/build.js';
import { CLI, until } from './helpers.js';
import { Servers, startLive } from './live-helpers.js';
import { MAX_SENDS } from '../../src/engine/live/writer.js';
import { RdbMaster, respCommand } from './rdb-master.js';

let servers: Servers | undefined;
let master: RdbMaster | undefined;
let breaker: Server | undefined;
afterEach(async () => {
  breaker?.close();
  breaker = undefined;
  await master?.stop();
  await servers?.stop();
  master = undefined;
  servers = undefined;
});

const TYPE_STRING = 0;
const TYPE_HASH_ZIPLIST = 13;
const TYPE_ZSET_LISTPACK = 17;

function rdbKey(type: number, key: string, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), str(key), str(value)]);
}

/** RDB 9 (Redis 5–7.0 read it): good strings, a good ziplist hash and one hash whose ziplist is 4 bytes long. */
function rdbWithCorruptHash(): Buffer {
  const good = buildZiplist([Buffer.from('a'), Buffer.from('1'), Buffer.from('b'), Buffer.from('2')]);
  return rdbFile(9, [
    Buffer.from([0xfe]),
    len(0),
    rdbKey(TYPE_STRING, 'good:1', Buffer.from('one')),
    rdbKey(TYPE_HASH_ZIPLIST, 'bad:hash', Buffer.from([4, 0, 0, 0])),
    rdbKey(TYPE_STRING, 'good:2', Buffer.from('two')),
    rdbKey(TYPE_HASH_ZIPLIST, 'good:hash', good),
  ]);
}

/** A proxy in front of a real server that breaks any connection whose bytes name `poison` (counts them). */
async function poisonProxy(to: number): Promise<{ address: string; broken: () => number }> {
  let broken = 0;
  const sockets = new Set<Socket>();
  breaker = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: to });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.on('data', (d) => {
      if (d.includes('poison')) {
        broken++;
        client.destroy();
        upstream.destroy();
      } else upstream.write(d);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  breaker.on('close', () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((r) => breaker!.listen(0, '127.0.0.1', () => r()));
  const a = breaker.address();
  return { address: `127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, broken: () => broken };
}

/** The built CLI, killed after `limitMs` (a run that does not end is a failure of its own). */
function run(args: string[], limitMs: number) {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  let killed = false;
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, limitMs);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string; ms: number; killed: boolean }>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, ...out, ms: Date.now() - started, killed });
    }),
  );
  return { out, done, kill: (sig: NodeJS.Signals) => child.kill(sig) };
}

describe('live replication: a value the target rejects', () => {
  it('without --diskless-load the RDB holding it is refused whole: one line naming the key, nothing written', async () => {
    servers = new Servers();
    const src = await servers.start('rej-whole-src');
    const dst = await servers.start('rej-whole-dst');
    master = await new RdbMaster(src.server, { rdb: rdbWithCorruptHash(), stream: respCommand('SELECT', '0') }).start();
    const r = await run(['replicate', '--source', master.address, '--target', dst.server.address, '--mode', 'live', '--idle-timeout', '1s'], 20_000).done;
    expect(r.killed).toBe(false);
    expect(r.code).toBe(1);
    expect(master.syncs).toBe(1);
    // one line: the key, its problem, and that the target was left alone
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/the RDB is refused: key 'bad:hash' in db 0: ziplist: too short; nothing of it was written to the target/);
    expect(await dst.redis.dbsize()).toBe(0);
  });

  it('a value the checks accept but the target refuses, in the default mode too, fails that key only', async () => {
    servers = new Servers();
    const src = await servers.start('zs-src');
    // sanitize-dump-payload yes: the target checks every RESTORE payload deeply (a member twice: "Bad data format")
    const dst = await servers.start('zs-dst', ['sanitize-dump-payload yes']);
    // a sorted set (listpack, RDB 10 = Redis 7.0) whose member m appears twice, once with a score that is no number:
    // Redis loads such an RDB (it does not check payloads deeply by default), and so does cutover's check
    const zset = buildListpack([Buffer.from('m'), Buffer.from('abc'), Buffer.from('m'), 1n]);
    const rdb = rdbFile(10, [
      Buffer.from([0xfe]),
      len(0),
      rdbKey(TYPE_STRING, 'good:1', Buffer.from('one')),
      rdbKey(TYPE_ZSET_LISTPACK, 'bad:zset', zset),
      rdbKey(TYPE_STRING, 'good:2', Buffer.from('two')),
    ]);
    master = await new RdbMaster(src.server, { rdb, stream: respCommand('SELECT', '0') }).start();
    const r = await run(['replicate', '--source', master.address, '--target', dst.server.address, '--mode', 'live', '--idle-timeout', '1s', '--json'], 20_000).done;
    expect(r.killed).toBe(false);
    expect(r.code).toBe(1);
    expect(master.syncs).toBe(1);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const summary = events.find((e) => e.event === 'summary' && e.phase === 'live');
    // its RESTORE refused, its typed writes (ZADD) tried and refused: one key failed, named
    expect(summary.stats).toMatchObject({ rdbKeys: 3, failed: 1, fallbacks: 1 });
    const errors = events.filter((e) => e.event === 'log' && e.level === 'error').map((e) => e.message);
    expect(errors).toHaveLength(1);
    // typed writes go as one MULTI/EXEC (DEL, ZADD): the refusal is inside EXEC's reply, never taken for applied
    expect(errors[0]).toMatch(/target refused DEL ZADD on bad:zset: ZADD: ERR .*not a valid float \(inside MULTI\/EXEC: 1 of its 2 commands applied\)/);
    expect(await dst.redis.get('good:1')).toBe('one');
    expect(await dst.redis.get('good:2')).toBe('two');
    expect(await dst.redis.exists('bad:zset')).toBe(0);
  });

  it('--diskless-load: fails the one key (counted, named), lands the others, exits 1 after one sync, promptly', async () => {
    servers = new Servers();
    const src = await servers.start('rej-src');
    const dst = await servers.start('rej-dst');
    master = await new RdbMaster(src.server, { rdb: rdbWithCorruptHash(), stream: respCommand('SELECT', '0') }).start();
    const r = await run(['replicate', '--source', master.address, '--target', dst.server.address, '--mode', 'live', '--diskless-load', '--idle-timeout', '1s', '--json'], 20_000).done;
    expect(r.killed).toBe(false);
    expect(r.code).toBe(1);
    expect(master.syncs).toBe(1);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const summary = events.find((e) => e.event === 'summary' && e.phase === 'live');
    expect(summary.stats.failed).toBe(1);
    expect(summary.stats.rdbKeys).toBe(4);
    const errors = events.filter((e) => e.event === 'log' && e.level === 'error').map((e) => e.message);
    expect(errors.some((m: string) => /bad:hash/.test(m) && /Bad data format/.test(m))).toBe(true);
    expect(r.stdout).not.toMatch(/sending them again/);
    expect(await dst.redis.get('good:1')).toBe('one');
    expect(await dst.redis.get('good:2')).toBe('two');
    expect(await dst.redis.hgetall('good:hash')).toEqual({ a: '1', b: '2' });
    expect(await dst.redis.exists('bad:hash')).toBe(0);
  });

  it('--diskless-load: SIGTERM ends a run that holds a rejected key within a few seconds', async () => {
    servers = new Servers();
    const src = await servers.start('rej-term-src');
    const dst = await servers.start('rej-term-dst');
    master = await new RdbMaster(src.server, { rdb: rdbWithCorruptHash(), stream: respCommand('SELECT', '0') }).start();
    const p = run(['replicate', '--source', master.address, '--target', dst.server.address, '--mode', 'live', '--diskless-load', '--json'], 20_000);
    // the RDB applied (its end is where the stream begins): a meter line says streaming
    await until('the RDB applied', () => /"phase":"streaming"/.test(p.out.stdout), 15_000);
    const at = Date.now();
    p.kill('SIGTERM');
    const r = await p.done;
    expect(r.killed).toBe(false);
    expect(Date.now() - at).toBeLessThan(5000);
    expect(r.code).toBe(130);
    expect(master.syncs).toBe(1);
  });

  it('a batch whose connection breaks each time it is sent ends the run after a bounded number of sends', async () => {
    servers = new Servers();
    const src = await servers.start('brk-src');
    const dst = await servers.start('brk-dst');
    const p = await poisonProxy(dst.server.port);
    await src.redis.set('fine', '1');
    const live = await startLive(src.server.address, p.address);
    await until('streaming', () => live.last().phase === 'streaming' && live.last().applied >= 1, 15_000);
    await src.redis.set('poison', 'x');
    const summary = await live.done;
    expect(summary.reason).toBe('failed');
    expect(summary.error).toMatch(new RegExp(`sent ${MAX_SENDS} times and the connection broke each time`));
    expect(p.broken()).toBe(MAX_SENDS);
    expect(summary.stats.failed).toBeGreaterThanOrEqual(1);
    expect(await dst.redis.get('fine')).toBe('1');
  }, 30_000);

  it("a fallback's typed writes go before the stream's later commands on the key", async () => {
    servers = new Servers();
    const src = await servers.start('fb-src');
    const dst = await servers.start('fb-dst');
    // RDB 11 (Redis 7.2): a 7.0 target refuses its DUMP payloads ("DUMP payload version … wrong"), typed writes follow
    const rdb = rdbFile(11, [Buffer.from([0xfe]), len(0), rdbKey(TYPE_STRING, 'k', Buffer.from('from-rdb'))]);
    master = await new RdbMaster(src.server, { rdb, stream: Buffer.concat([respCommand('SELECT', '0'), respCommand('SET', 'k', 'from-stream')]) }).start();
    const r = await run(['replicate', '--source', master.address, '--target', dst.server.address, '--mode', 'live', '--idle-timeout', '1s', '--json'], 20_000).done;
    const summary = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((e) => e.event === 'summary' && e.phase === 'live');
    expect(summary.stats.failed).toBe(0);
    expect(summary.stats.fallbacks).toBe(1);
    expect(await dst.redis.get('k')).toBe('from-stream');
    expect(master.syncs).toBe(1);
  });

  it('SIGTERM while the target is down ends the run within a few seconds', async () => {
    servers = new Servers();
    const src = await servers.start('down-src');
    const dst = await servers.start('down-dst');
    const p = run(['replicate', '--source', src.server.address, '--target', dst.server.address, '--mode', 'live', '--json'], 30_000);
    await until('streaming', () => /"phase":"streaming"/.test(p.out.stdout), 15_000);
    await dst.server.kill();
    for (let i = 0; i < 50; i++) await src.redis.set(`k:${i}`, 'v');
    await until('the writer to see the target gone', () => /target: .*127\.0\.0\.1:\d+.*retrying|target 127\.0\.0\.1:\d+: .*sending them again/.test(p.out.stdout), 15_000);
    const at = Date.now();
    p.kill('SIGTERM');
    const r = await p.done;
    expect(r.killed).toBe(false);
    expect(Date.now() - at).toBeLessThan(4000);
    expect(r.code).toBe(130);
  }, 40_000);
});
