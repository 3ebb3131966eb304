// Lab ports: below the ephemeral range with their cluster bus port (port + 10000) free too, and never the same one
// twice within a process while reserved.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/lab/ports.js';

const bindable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

describe('freePort', () => {
  it('gives distinct ports whose bus port is free, below the ephemeral range when it can', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(20);
    for (const p of ports) {
      expect(p + 10000).toBeLessThan(65536);
      expect(await bindable(p + 10000)).toBe(true);
    }
    expect(ports.filter((p) => p >= 20000 && p <= 22767).length).toBeGreaterThan(15);
  });
});
