// Pub/sub listeners the topology engine keeps: a Sentinel's event channels, and a master's
// __sentinel__:hello channel, through which the Sentinels watching it announce themselves.
import type { Redis } from 'ioredis';
import type { Endpoint } from '../../options/endpoint.js';
import { makeClient, type ConnectOptions } from '../redis/connect.js';
import { parseSentinelEvent, parseSentinelHello } from './parse-sentinel.js';

export type SentinelEvent = ReturnType<typeof parseSentinelEvent>;

/** Subscribes to every event a Sentinel publishes (+sdown, +odown, +switch-master, …). */
export function watchSentinel(ep: Endpoint, conn: ConnectOptions, onEvent: (e: SentinelEvent) => void): () => void {
  const sub: Redis = makeClient(ep, conn, { name: 'cutover-sentinel-events', reconnect: true });
  sub.on('pmessage', (_pattern: string, channel: string, message: string) => {
    if (channel === '__sentinel__:hello') return;
    onEvent(parseSentinelEvent(channel, message));
  });
  // (re)subscribe on every connection, the first included; a stopped watcher's late reply is ignored
  sub.on('ready', () => sub.psubscribe('*').catch(() => undefined));
  sub.connect().catch(() => undefined);
  return () => sub.disconnect();
}

/** Listens on a master's hello channel and reports each Sentinel that announces itself. */
export function listenForSentinels(ep: Endpoint, conn: ConnectOptions, onSentinel: (host: string, port: number) => void): () => void {
  const sub: Redis = makeClient(ep, conn, { name: 'cutover-sentinel-hello', reconnect: true });
  sub.on('message', (_channel: string, message: string) => {
    const hello = parseSentinelHello(message);
    if (hello) onSentinel(hello.ip, hello.port);
  });
  sub.on('ready', () => sub.subscribe('__sentinel__:hello').catch(() => undefined));
  sub.connect().catch(() => undefined);
  return () => sub.disconnect();
}
