// The drill writing through the lab's endpoint (a TCP proxy in front of a master that has a replica): with
// --no-follow it stays on the endpoint when the endpoint is repointed, as an application behind HAProxy or a DNS
// name does, instead of finding the old master through the replica's ROLE and writing to it directly.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy } from '../../src/lab/proxy.js';
import type { LabServer } from '../../src/lab/server.js';
import { ndjsonEvents, runCli, standaloneServers, stopServers, until } from './helpers.js';

let servers: LabServer[] = [];
let dir: string | undefined;
let proxy: TcpProxy;
const clients: Redis[] = [];

const client = (s: LabServer) => {
  const c = new Redis({ host: '127.0.0.1', port: s.port });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  ({ servers, dir } = await standaloneServers(['a', 'r', 'b'], 'cutover-drill-endpoint-'));
  const [a, r] = servers;
  await client(r).replicaof('127.0.0.1', String(a.port));
  await until('r replicating a', async () => /master_link_status:up/.test(await client(r).info('replication')));
  proxy = await TcpProxy.listen({ host: '127.0.0.1', port: a.port });
});

afterAll(async () => {
  await proxy?.close();
  await stopServers(servers, dir, clients);
});

describe('the drill through the lab endpoint', () => {
  it('--no-follow: the endpoint repointed, the writes go through it to the new backend, never to the old master', async () => {
    const [a, , b] = servers;
    const prefix = 'drill-ep:';
    const run = runCli(['drill', '--uri', proxy.address, '--no-follow', '--counters', '20', '--rate', '200', '--duration', '3s', '--prefix', prefix, '--reset', '--json']);
    await until('the drill writing on a', async () => (await client(a).dbsize()) >= 10);
    proxy.setBackend('127.0.0.1', b.port);
    await until('the drill writing on b', async () => (await client(b).dbsize()) >= 10);
    const onA = await client(a).mget(...Array.from({ length: 20 }, (_, i) => `${prefix}${i}`));
    const r = await run;
    const events = ndjsonEvents(r.stdout);
    const logs = events.filter((e) => e.event === 'log').map((e) => e.message as string);
    expect(logs.filter((m) => /writes now go to/.test(m))).toEqual([]);
    // nothing written to the old master after the switch
    expect(await client(a).mget(...Array.from({ length: 20 }, (_, i) => `${prefix}${i}`))).toEqual(onA);
    // b started empty: the counters written on a are missing there, which the drill reports as lost
    expect(events.find((e) => e.event === 'summary')?.lost).toBeGreaterThan(0);
  });

  it('--no-follow refuses Sentinels', async () => {
    const r = await runCli(['drill', '--sentinel', '127.0.0.1:1', '--master-name', 'm', '--no-follow']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`cutover: --no-follow is for --uri (a master, or an address in front of one such as a proxy): through Sentinel the drill always follows the master`);
  });
});
