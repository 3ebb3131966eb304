// The live writer against a real target: a fault in settling a batch's replies is never taken for a broken
// connection (the batch is not sent again); the run is told to end, and what waits behind is failed, not sent.
import { afterEach, describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../src/options/endpoint.js';
import { DEFAULT_CONNECT } from '../../src/engine/redis/connect.js';
import { openSide, type Side } from '../../src/engine/replicate/side.js';
import { TargetWriter } from '../../src/engine/live/writer.js';
import { until } from './helpers.js';
import { Servers } from './live-helpers.js';

let servers: Servers | undefined;
let side: Side | undefined;
let writer: TargetWriter | undefined;
afterEach(async () => {
  writer?.close();
  side?.close();
  await servers?.stop();
  servers = writer = side = undefined;
});

describe('TargetWriter', () => {
  it('a throw while settling replies ends the run once; the batch is never sent again', async () => {
    servers = new Servers();
    const dst = await servers.start('w-dst');
    await dst.redis.set('text', 'not a number');
    side = await openSide(parseEndpoint(dst.server.address), DEFAULT_CONNECT, dst.server.address, 'cutover-target');
    const fatal: string[] = [];
    const logs: string[] = [];
    writer = new TargetWriter(side, { log: (_l, m) => logs.push(m), fatal: (m) => fatal.push(m), onTargetRestart: () => undefined, onDrain: () => undefined });
    writer.push({ db: 0, cmds: [['INCR', 'text']], keys: [Buffer.from('text')], bytes: 10, onFailed: () => { throw new Error('boom'); } });
    await until('the run told to end', () => fatal.length > 0, 5000);
    writer.push({ db: 0, cmds: [['SET', 'after', '1']], keys: [Buffer.from('after')], bytes: 10 });
    await until('the op behind failed', () => writer!.counts.failed >= 2, 5000);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatch(/internal error \(boom\)/);
    expect(logs.join('\n')).not.toMatch(/sending them again/);
    const stats = await dst.redis.info('commandstats');
    expect(/cmdstat_incr:calls=(\d+)/.exec(stats)?.[1]).toBe('1');
    expect(await dst.redis.exists('after')).toBe(0);
  });
});
