// The replica-protocol client against real redis-server masters: full resync (disk-backed and diskless RDB),
// the replication stream with exact offsets, ACKs in INFO replication, partial resync, refusals.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { PsyncClient, type PsyncEvent, type PsyncOptions } from '../../src/engine/live/psync/client.js';
import { freePort } from '../../src/lab/ports.js';
import { findRedis } from '../../src/lab/redis-binaries.js';
import { LabServer } from '../../src/lab/server.js';

const bins = findRedis();
const dirs: string[] = [];
const servers: LabServer[] = [];
const clients: PsyncClient[] = [];
const conns: Redis[] = [];

afterAll(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  for (const c of conns) c.disconnect();
  await Promise.all(servers.map((s) => s.kill()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function startMaster(config: string[]): Promise<{ server: LabServer; redis: Redis }> {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-psync-'));
  dirs.push(dir);
  const server = new LabServer(bins, dir, { name: 'master', kind: 'redis', port: await freePort(), config });
  servers.push(server);
  await server.start();
  const redis = new Redis({ host: '127.0.0.1', port: server.port, maxRetriesPerRequest: 1 });
  conns.push(redis);
  return { server, redis };
}

function follow(server: LabServer, extra: Partial<PsyncOptions> = {}) {
  const client = new PsyncClient({ host: '127.0.0.1', port: server.port, ackIntervalMs: 200, ...extra });
  clients.push(client);
  const events: PsyncEvent[] = [];
  client.on((e) => events.push(e));
  return {
    client,
    events,
    rdb: () => Buffer.concat(events.flatMap((e) => (e.type === 'rdb-chunk' ? [e.chunk] : []))),
    commands: () => events.flatMap((e) => (e.type === 'command' ? [e] : [])),
    has: (type: PsyncEvent['type']) => events.some((e) => e.type === type),
  };
}

async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function info(redis: Redis): Promise<Record<string, string>> {
  const text = await redis.info('replication');
  return Object.fromEntries(text.split('\r\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
}

async function masterOffset(redis: Redis): Promise<number> {
  return Number((await info(redis)).master_repl_offset);
}

// command names as the writer sent them (ioredis: lower case), upper-cased for comparison
const text = (args: Buffer[]) => args.map((a, i) => (i === 0 ? a.toString('latin1').toUpperCase() : a.toString('latin1')));
const BINARY = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x24, 0x2a, 0x80, 0x0d, 0x0a, 0x00]);
const BIG = randomBytes(300_000); // incompressible: the RDB spans many chunks

async function seed(redis: Redis): Promise<number> {
  const p = redis.pipeline();
  for (let i = 0; i < 500; i++) p.set(`seed:${i}`, `value-${i}`);
  p.set('seed:big', BIG);
  await p.exec();
  return 501;
}

/** The writes and what a replica sees of them (EXPIRE is propagated as PEXPIREAT). */
async function writeAndCheck(redis: Redis, f: ReturnType<typeof follow>): Promise<void> {
  const before = f.commands().length;
  await redis.set('k1', 'v1');
  await redis.hset('h', 'f', 'v');
  await redis.multi().set('m1', 'a').incr('ctr').rpush('l', 'x', 'y').exec();
  await redis.select(3);
  await redis.set('db3', 'x');
  await redis.select(0);
  await redis.set(Buffer.from('bin\r\nkey'), BINARY);
  await redis.del('k1');
  await redis.expire('h', 100);
  const target = await masterOffset(redis);
  await eventually('the client to reach master_repl_offset', () => f.client.offset === target);
  const cmds = f.commands().slice(before);
  const got = cmds.map((c) => text(c.args));
  expect(got.map((a) => a[0])).toEqual(['SELECT', 'SET', 'HSET', 'MULTI', 'SET', 'INCR', 'RPUSH', 'EXEC', 'SELECT', 'SET', 'SELECT', 'SET', 'DEL', 'PEXPIREAT']);
  expect(got[0]).toEqual(['SELECT', '0']);
  expect(got[1]).toEqual(['SET', 'k1', 'v1']);
  expect(got[2]).toEqual(['HSET', 'h', 'f', 'v']);
  expect(got.slice(4, 7)).toEqual([['SET', 'm1', 'a'], ['INCR', 'ctr'], ['RPUSH', 'l', 'x', 'y']]);
  expect(got.slice(8, 11)).toEqual([['SELECT', '3'], ['SET', 'db3', 'x'], ['SELECT', '0']]);
  expect(cmds[11].args[1].equals(Buffer.from('bin\r\nkey'))).toBe(true);
  expect(cmds[11].args[2].equals(BINARY)).toBe(true);
  expect(got[12]).toEqual(['DEL', 'k1']);
  expect(got[13][1]).toBe('h');
  expect(Number(got[13][2])).toBeGreaterThan(Date.now());
  // offsets only grow, and the last one is the master's
  const offsets = cmds.map((c) => c.offset);
  expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
  expect(offsets.at(-1)).toBe(target);
  expect(f.client.offset).toBe(target);
}

function checkRdb(rdb: Buffer, keys: number, dir: string): void {
  expect(rdb.subarray(0, 7).toString('latin1')).toBe('REDIS00');
  expect(rdb[rdb.length - 9]).toBe(0xff); // EOF opcode, then the 8-byte CRC64: nothing after it
  const file = join(dir, 'received.rdb');
  writeFileSync(file, rdb);
  // redis-check-rdb is the same binary as redis-server, told apart by argv[0]; it verifies the checksum
  const r = spawnSync(bins.server, [file], { argv0: 'redis-check-rdb', env: { ...process.env, ...bins.env }, encoding: 'utf8' });
  expect(r.stdout).toContain('Checksum OK');
  expect(r.stdout).toContain('RDB looks OK');
  expect(r.stdout).toContain(`${keys} keys read`);
}

describe('PsyncClient against a real master', () => {
  it.each([
    ['disk-backed', ['repl-diskless-sync no']],
    ['diskless', ['repl-diskless-sync yes', 'repl-diskless-sync-delay 0']],
  ])('full resync with a %s RDB, then the stream in order with the exact offset', async (kind, config) => {
    const { server, redis } = await startMaster(config);
    const keys = await seed(redis);
    const f = follow(server, { listeningPort: 6999 });
    f.client.start();
    await eventually('rdb-end', () => f.has('rdb-end'), 20_000);
    const types = f.events.map((e) => e.type).filter((t) => t !== 'rdb-chunk' && t !== 'ack');
    expect(types.slice(0, 4)).toEqual(['connected', 'full-resync', 'rdb-start', 'rdb-end']);
    const full = f.events.find((e) => e.type === 'full-resync')!;
    const start = f.events.find((e) => e.type === 'rdb-start')!;
    expect(full).toMatchObject({ replId: (await info(redis)).master_replid });
    const rdb = f.rdb();
    expect(f.events.filter((e) => e.type === 'rdb-chunk').length).toBeGreaterThan(1); // streamed, not whole
    if (kind === 'disk-backed') {
      expect(start).toEqual({ type: 'rdb-start', diskless: false, size: rdb.length });
      expect(rdb.equals(readFileSync(join(server.dir, 'dump.rdb')))).toBe(true);
    } else {
      expect(start).toEqual({ type: 'rdb-start', diskless: true });
    }
    checkRdb(rdb, keys, server.dir);
    await writeAndCheck(redis, f);
  });

  it('is listed by the master as a replica with its listening port and ACK offset; answers GETACK (WAIT)', async () => {
    const { server, redis } = await startMaster([]);
    const f = follow(server, { listeningPort: 7123, name: 'psync-test' });
    f.client.start();
    await eventually('rdb-end', () => f.has('rdb-end'));
    await redis.set('a', '1');
    const target = await masterOffset(redis);
    const line = await eventually('slave0 online at the master offset', async () => {
      const s = (await info(redis)).slave0;
      return s?.includes('state=online') && s.includes(`offset=${target},`) && s;
    });
    expect(line).toContain('ip=127.0.0.1,port=7123,');
    expect(f.client.offset).toBe(target);
    expect(f.events).toContainEqual({ type: 'ack', offset: target });
    expect((await redis.client('LIST')) as string).toMatch(/name=psync-test .*flags=S/);
    // WAIT makes the master send REPLCONF GETACK *: answered at once, never emitted as a command
    await redis.set('b', '2');
    expect(await redis.wait(1, 2000)).toBe(1);
    const after = await masterOffset(redis);
    await eventually('offset after GETACK', () => f.client.offset === after);
    expect(f.commands().some((c) => text(c.args)[0] === 'REPLCONF')).toBe(false);
  });

  it('resumes with +CONTINUE after stop()/start() and gets the writes made meanwhile', async () => {
    const { server, redis } = await startMaster([]);
    const f = follow(server);
    f.client.start();
    await eventually('rdb-end', () => f.has('rdb-end'));
    await redis.set('before', '1');
    let target = await masterOffset(redis);
    await eventually('caught up', () => f.client.offset === target);
    const { replId, offset } = f.client;
    await f.client.stop();
    expect(f.events.at(-1)).toEqual({ type: 'closed' });
    await redis.set('during', '2');
    await redis.hset('hd', 'f', 'v');
    const mark = f.events.length;
    f.client.start();
    target = await masterOffset(redis);
    await eventually('caught up again', () => f.client.offset === target);
    const session = f.events.slice(mark);
    expect(session.find((e) => e.type === 'partial-resync')).toEqual({ type: 'partial-resync', replId, offset });
    expect(session.some((e) => e.type === 'full-resync' || e.type === 'rdb-start')).toBe(false);
    const cmds = session.flatMap((e) => (e.type === 'command' ? [text(e.args)] : []));
    expect(cmds).toEqual([['SET', 'during', '2'], ['HSET', 'hd', 'f', 'v']]);
    await redis.set('after', '3');
    target = await masterOffset(redis);
    await eventually('caught up after', () => f.client.offset === target);
    expect(f.commands().at(-1)!.offset).toBe(target);
  });

  it('the master wants the next byte: PSYNC <offset + 1> resumes exactly, PSYNC <offset> resends the last byte', async () => {
    const { server, redis } = await startMaster([]);
    const f = follow(server); // a first replica makes the master keep a backlog
    f.client.start();
    await eventually('rdb-end', () => f.has('rdb-end'));
    await redis.set('x', '1');
    const { master_replid: id, master_repl_offset: off } = await info(redis);
    const raw = async (offset: number): Promise<string> => {
      const sock = connect({ host: '127.0.0.1', port: server.port });
      let got = '';
      sock.on('data', (d) => (got += d.toString('latin1')));
      sock.write(`REPLCONF capa eof capa psync2\r\n`);
      await eventually('+OK', () => got === '+OK\r\n'); // PSYNC with a reply still pending is an error
      sock.write(`PSYNC ${id} ${offset}\r\n`);
      await eventually('reply', () => got.includes('CONTINUE') || got.includes('FULLRESYNC'));
      await new Promise((r) => setTimeout(r, 300));
      sock.destroy();
      return got;
    };
    expect(await raw(Number(off) + 1)).toBe(`+OK\r\n+CONTINUE ${id}\r\n`); // psync2: +CONTINUE <replid>
    expect(await raw(Number(off))).toBe(`+OK\r\n+CONTINUE ${id}\r\n\n`); // the '\n' ending SET x 1, again
    expect(await raw(Number(off) + 2)).toMatch(/^\+OK\r\n\+FULLRESYNC /);
  });

  it('gets a full resync for a replid the master does not know', async () => {
    const { server, redis } = await startMaster([]);
    const f = follow(server, { replId: 'f'.repeat(40), offset: 10 });
    f.client.start();
    await eventually('rdb-end', () => f.has('rdb-end'));
    const full = f.events.find((e) => e.type === 'full-resync');
    expect(full).toMatchObject({ replId: (await info(redis)).master_replid });
    expect(f.has('partial-resync')).toBe(false);
    await redis.set('z', '1');
    const target = await masterOffset(redis);
    await eventually('caught up', () => f.client.offset === target);
  });

  it('reports a master that renamed PSYNC and SYNC away as refused, with the server words, and stops', async () => {
    const { server } = await startMaster(['rename-command PSYNC ""', 'rename-command SYNC ""']);
    const f = follow(server);
    f.client.start();
    await eventually('closed', () => f.has('closed'));
    const refused = f.events.find((e) => e.type === 'refused');
    expect(refused).toBeDefined();
    expect(refused).toMatchObject({ message: expect.stringMatching(/unknown command.*PSYNC/i) });
    expect(f.events.map((e) => e.type)).toEqual(['connected', 'refused', 'closed']);
    expect(f.client.state).toBe('closed');
  });

  it('authenticates with a user; a user without +psync is refused (NOPERM); a wrong password is an error', async () => {
    const { server, redis } = await startMaster([]);
    await redis.acl('SETUSER', 'repl', 'on', '>pw', '~*', '&*', '+@all');
    await redis.acl('SETUSER', 'nopsync', 'on', '>pw', '~*', '&*', '+@all', '-psync', '-sync');
    const ok = follow(server, { username: 'repl', password: 'pw' });
    ok.client.start();
    await eventually('rdb-end', () => ok.has('rdb-end'));
    const no = follow(server, { username: 'nopsync', password: 'pw' });
    no.client.start();
    await eventually('closed', () => no.has('closed'));
    expect(no.events.find((e) => e.type === 'refused')).toMatchObject({ message: expect.stringMatching(/^NOPERM/) });
    const bad = follow(server, { username: 'repl', password: 'nope' });
    bad.client.start();
    await eventually('closed', () => bad.has('closed'));
    expect(bad.events.find((e) => e.type === 'error')).toMatchObject({ message: expect.stringMatching(/^AUTH: WRONGPASS/) });
    expect(bad.has('full-resync')).toBe(false);
  });
});
