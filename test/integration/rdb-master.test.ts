// The RDB-serving master itself: a file a real server saved, served through the replica protocol to
// `cutover replicate --mode live`, lands on the target as that server holds it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';
import { Servers } from './live-helpers.js';
import { RdbMaster, respCommand } from './rdb-master.js';

let servers: Servers;
let master: RdbMaster | undefined;
afterEach(async () => {
  await master?.stop();
  await servers?.stop();
  master = undefined;
});

describe('RdbMaster', () => {
  it('serves a saved RDB and a command stream; every other command reaches the real server', async () => {
    servers = new Servers();
    const src = await servers.start('src');
    const dst = await servers.start('dst');
    await src.redis.set('plain', 'v1');
    await src.redis.hset('h', 'a', '1', 'b', '2');
    await src.redis.set('later', 'x');
    await src.redis.save();
    const rdb = readFileSync(join(src.server.dir, 'dump.rdb'));
    master = await new RdbMaster(src.server, { rdb, diskless: true, stream: respCommand('SELECT', '0') }).start();
    const r = await runCli(['replicate', '--source', master.address, '--target', dst.server.address, '--mode', 'live', '--idle-timeout', '1s', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(master.syncs).toBe(1);
    expect(await dst.redis.get('plain')).toBe('v1');
    expect(await dst.redis.hgetall('h')).toEqual({ a: '1', b: '2' });
    expect(await dst.redis.dbsize()).toBe(3);
  });
});
