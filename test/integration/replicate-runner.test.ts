// The console's replication runner (ReplicationRunner; not the drill's runner nor the failover procedure): a snapshot
// and its verification as events, a refusal as a failed job, stop().
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../src/options/endpoint.js';
import { DEFAULT_CONNECT } from '../../src/engine/redis/connect.js';
import { ReplicationRunner, type JobEvent } from '../../src/engine/replicate/runner.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { until } from './helpers.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ preset: 'migration', keys: 5000 });
});
afterAll(async () => {
  await lab?.stop();
});

function run(kind: 'snapshot' | 'compare', target = lab.server('target').address) {
  const runner = new ReplicationRunner(DEFAULT_CONNECT);
  const events: JobEvent[] = [];
  runner.events.on((e) => events.push(e));
  runner.start(kind, parseEndpoint(lab.server('master').address), parseEndpoint(target), { type: 'dump', overwrite: true });
  return { runner, events, ended: () => until(`${kind} ended`, () => events.find((e) => e.type === 'job-ended'), 30_000) };
}

describe('ReplicationRunner', () => {
  it('runs a snapshot and its verification, reporting each as events', async () => {
    const { events, ended } = run('snapshot');
    const end = await ended();
    expect(end).toMatchObject({ type: 'job-ended', state: 'done' });
    expect(events[0]).toMatchObject({ type: 'job-started', kind: 'snapshot' });
    const phases = events.filter((e) => e.type === 'job-phase-done');
    expect(phases).toEqual([
      expect.objectContaining({ phase: 'snapshot', ok: true, line: expect.stringMatching(/^5000 written, 0 vanished, 0 skipped, 0 failed/) }),
      expect.objectContaining({ phase: 'verify', ok: true, line: '0 missing, 0 type, 0 value, 0 ttl, 0 extra' }),
    ]);
  });

  it('reports a refusal as a failed job with its one line', async () => {
    const { ended } = run('snapshot', lab.server('r1').address);
    expect(await ended()).toMatchObject({ state: 'failed', message: expect.stringMatching(/is a replica of/) });
  });

  it('stops when asked', async () => {
    const t = new Redis({ port: lab.server('target').port, host: '127.0.0.1' });
    await t.flushall();
    t.disconnect();
    const { runner, ended } = run('snapshot');
    runner.stop();
    expect(await ended()).toMatchObject({ state: 'stopped' });
  });
});
