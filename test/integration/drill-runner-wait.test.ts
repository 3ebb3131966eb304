// The console's drill alongside a failover waits on the drill itself, not on sleeps: DrillRunner.writesFor resolves
// once the drill has written for that long (its per-second tick), at once when no drill runs, and as soon as a
// drill that cannot start has ended.
import { afterEach, describe, expect, it } from 'vitest';
import { DrillRunner } from '../../src/engine/drill/runner.js';
import type { DrillEvent } from '../../src/engine/drill/types.js';
import { freePort } from '../../src/lab/ports.js';
import type { LabServer } from '../../src/lab/server.js';
import { standaloneServers, stopServers } from './helpers.js';

let servers: LabServer[] = [];
let dir: string | undefined;
let runner: DrillRunner | undefined;
afterEach(async () => {
  runner?.stop();
  runner = undefined;
  await stopServers(servers, dir);
  servers = [];
  dir = undefined;
});

describe('DrillRunner.writesFor', () => {
  it('resolves once the drill has written for a second, with writes acknowledged by then', async () => {
    ({ servers, dir } = await standaloneServers(['m'], 'cutover-drill-wait-'));
    runner = new DrillRunner();
    const events: DrillEvent[] = [];
    runner.events.on((e) => {
      if (e.type === 'drill') events.push(e.event);
    });
    const t0 = performance.now();
    runner.start({ uri: servers[0].address }, servers[0].address);
    await runner.writesFor(1000);
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(1000);
    expect(waited).toBeLessThan(4000);
    const tick = events.find((e): e is Extract<DrillEvent, { type: 'tick' }> => e.type === 'tick');
    expect(tick?.tick.counts.writes).toBeGreaterThan(0);
    // after the wait the drill still runs: the failover's steps happen while it writes
    expect(runner.running).toBe(true);
    const ended = new Promise<void>((resolve) => runner!.events.on((e) => e.type === 'drill' && e.event.type === 'done' && resolve()));
    runner.stop();
    await ended;
  });

  it('resolves at once when no drill runs, and when a drill cannot start, as soon as it has ended', async () => {
    runner = new DrillRunner();
    const ended: DrillEvent[] = [];
    runner.events.on((e) => {
      if (e.type === 'drill' && e.event.type === 'done') ended.push(e.event);
    });
    const t0 = performance.now();
    await runner.writesFor(1000);
    expect(performance.now() - t0).toBeLessThan(50);
    const port = await freePort(); // nothing listens there
    runner.start({ uri: `127.0.0.1:${port}` }, `127.0.0.1:${port}`);
    await runner.writesFor(1000, 60_000);
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ summary: { reason: 'failed' } });
  });
});
