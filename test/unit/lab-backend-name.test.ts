// Where `cutover lab switch --to WHAT` points the endpoint: lab names, HOST:PORT, and the refusals.
import { describe, expect, it } from 'vitest';
import { BackendRefused, resolveBackend, type NamedServer } from '../../src/lab/backend-name.js';

const servers: NamedServer[] = [
  { name: 'master', kind: 'redis', port: 7001 },
  { name: 'r1', kind: 'redis', port: 7002 },
  { name: 's1', kind: 'sentinel', port: 26379 },
  { name: 'target', kind: 'redis', port: 7009 },
];

describe('resolveBackend', () => {
  it('a lab server by name', () => {
    expect(resolveBackend('target', servers)).toEqual({ name: 'target', host: '127.0.0.1', port: 7009, address: '127.0.0.1:7009' });
  });

  it('HOST:PORT, named when it is a lab server', () => {
    expect(resolveBackend('127.0.0.1:7001', servers)).toMatchObject({ name: 'master', port: 7001 });
    expect(resolveBackend('localhost:7002', servers)).toMatchObject({ name: 'r1', host: '127.0.0.1' });
    expect(resolveBackend('10.0.0.5:6379', servers)).toEqual({ host: '10.0.0.5', port: 6379, address: '10.0.0.5:6379' });
    expect(resolveBackend('[::1]:6380', servers)).toEqual({ host: '::1', port: 6380, address: '[::1]:6380' });
  });

  it('refuses a Sentinel, by name or by port, an unknown name and a bad port', () => {
    expect(() => resolveBackend('s1', servers)).toThrow(/^s1 is a Sentinel, not a Redis server: use one of master, r1, target, or HOST:PORT$/);
    expect(() => resolveBackend('127.0.0.1:26379', servers)).toThrow(/is the lab's Sentinel s1/);
    expect(() => resolveBackend('tagret', servers)).toThrow(BackendRefused);
    expect(() => resolveBackend('tagret', servers)).toThrow(/^no lab server named 'tagret': use one of master, r1, target, or HOST:PORT$/);
    expect(() => resolveBackend('127.0.0.1:70000', servers)).toThrow(/^port 70000 in '127.0.0.1:70000' is not from 1 to 65535$/);
  });
});
