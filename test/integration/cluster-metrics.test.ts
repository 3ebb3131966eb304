// `cutover cluster rebalance --metrics HOST:PORT` on a lab cluster with an empty master: /metrics scraped while the
// slots move shows the plan's slots and the slots done, keys and bytes moved; after the end the endpoint is gone. A
// port in use is one line, exit 2, nothing changed.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { freePort } from '../../src/lab/ports.js';
import { parseExposition } from '../unit/prometheus-text.js';
import { runCli, startCli, until } from './helpers.js';

let lab: Lab;

beforeAll(async () => {
  lab = await startLab({ preset: 'cluster', keys: 20_000, cluster: { masters: 3, replicas: 0, spare: 1 } });
}, 90_000);
afterAll(async () => {
  await lab?.stop();
});

async function scrape(port: number): Promise<string | undefined> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/metrics`);
    return r.ok ? await r.text() : undefined;
  } catch {
    return undefined;
  }
}

describe('cluster rebalance --metrics', () => {
  it('a port in use: one line, exit 2, nothing moved', async () => {
    const busy = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => busy.once('listening', r));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await runCli(['cluster', 'rebalance', '--uri', lab.server('c1').address, '--use-empty-masters', '--yes', '--metrics', `127.0.0.1:${port}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`cutover: --metrics 127.0.0.1:${port}: the port is in use by another process; pick a free port\n`);
      expect(r.stdout).toBe('');
    } finally {
      busy.close();
    }
  });

  it('serves the slots, keys and bytes while the slots move; gone at the end', async () => {
    const port = await freePort();
    const run = startCli(['cluster', 'rebalance', '--uri', lab.server('c1').address, '--use-empty-masters', '--yes', '--pipeline', '1', '--metrics', `127.0.0.1:${port}`]);
    let seen: ReturnType<typeof parseExposition> | undefined;
    await until('a scrape with slots moving', async () => {
      const text = await scrape(port);
      if (text) {
        const e = parseExposition(text);
        if ((e.value('cutover_cluster_move_slots', { procedure: 'rebalance' }) ?? 0) > 0) seen = e;
      }
      return !!seen || run.code !== undefined;
    }, 60_000);
    await until('the rebalance ends', async () => run.code !== undefined, 120_000);
    expect(run.stderr).toContain(`cutover: Prometheus metrics on http://127.0.0.1:${port}/metrics`);
    expect(run.code).toBe(0);
    expect(seen, 'no scrape caught the run').toBeDefined();
    expect(seen!.value('cutover_cluster_move_slots', { procedure: 'rebalance' })).toBe(4096);
    expect(seen!.value('cutover_cluster_move_slots_done', { procedure: 'rebalance' })).toBeGreaterThanOrEqual(0);
    expect(seen!.types.cutover_cluster_move_keys_total).toBe('counter');
    expect(await scrape(port)).toBeUndefined();
  }, 150_000);
});
