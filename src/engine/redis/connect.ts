// The one place that makes ioredis clients. Every client gets an 'error' listener (an unhandled one would
// print to stderr and tear the console), and every failure is turned into one plain, redacted line.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { InputError, nodeId, type Endpoint } from '../../options/endpoint.js';
import { redact } from '../../options/redact.js';
import type { TlsFiles } from '../../options/tls-files.js';
import type { RespOptions } from './resp.js';

export interface ConnectOptions {
  /** TLS settings for rediss:// endpoints, certificate files already read (tlsSettings) */
  tls: ConnectionOptions;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
}

export const DEFAULT_CONNECT: ConnectOptions = { tls: {}, connectTimeoutMs: 3000, commandTimeoutMs: 2000 };

function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new InputError(`cannot read ${what} '${path}': ${(err as NodeJS.ErrnoException).code ?? String(err)}; check the path`);
  }
}

/** TLS settings for ioredis. Reads the certificate files: call it once, when the command starts. */
export function tlsSettings(files: TlsFiles): ConnectionOptions {
  const out: ConnectionOptions = {};
  if (files.cacert) out.ca = readFile(files.cacert, '--cacert');
  if (files.cert) out.cert = readFile(files.cert, '--cert');
  if (files.key) out.key = readFile(files.key, '--key');
  if (files.insecure) {
    out.rejectUnauthorized = false;
    out.checkServerIdentity = () => undefined;
  }
  return out;
}

export interface ClientRole {
  /** CLIENT SETNAME, so operators can tell cutover's connections apart in CLIENT LIST */
  name: string;
  /** keep reconnecting (a poller) or fail at once (a one-shot check) */
  reconnect: boolean;
}

/**
 * What every ioredis client gets from the endpoint it talks to: address, login, TLS (rediss://), name, connect
 * timeout. A tuning of a client's own (retries, queues, timeouts) goes on top, where it is made.
 */
function nodeOptions(ep: Endpoint, conn: ConnectOptions, name: string): RedisOptions {
  const options: RedisOptions = {
    host: ep.host,
    port: ep.port,
    username: ep.username,
    password: ep.password,
    connectionName: name,
    connectTimeout: conn.connectTimeoutMs,
  };
  if (ep.tls) options.tls = conn.tls;
  return options;
}

/** How a bare RESP connection (resp.ts) logs in to the endpoint's servers: user, password, TLS, connect timeout. */
export function respLogin(ep: Endpoint, conn: ConnectOptions): Omit<RespOptions, 'host' | 'port' | 'db'> {
  return { username: ep.username, password: ep.password, tls: ep.tls ? conn.tls : undefined, connectTimeoutMs: conn.connectTimeoutMs };
}

/** Every client gets an 'error' listener: ioredis prints an unhandled one to stderr (and across the console). */
function listen<C extends Redis | Cluster>(client: C, ep: Endpoint, onError?: (line: string) => void): C {
  client.on('error', (err: Error) => onError?.(describeError(err, ep)));
  return client;
}

/** Makes an ioredis client for one node. It does not connect until asked (lazyConnect). */
export function makeClient(ep: Endpoint, conn: ConnectOptions, role: ClientRole, onError?: (line: string) => void): Redis {
  return listen(
    new Redis({
      ...nodeOptions(ep, conn, role.name),
      db: ep.db,
      lazyConnect: true,
      commandTimeout: conn.commandTimeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      enableReadyCheck: false,
      retryStrategy: role.reconnect ? (times) => Math.min(250 * times, 1000) : () => null,
    }),
    ep,
    onError,
  );
}

/**
 * An ioredis client for one node with a caller's own tuning (the replica a cluster side reads from, a Sentinel
 * subscription): the endpoint's address, login, TLS and name, then `tuning`.
 */
export function makeTunedClient(ep: Endpoint, conn: ConnectOptions, name: string, tuning: RedisOptions, onError?: (line: string) => void): Redis {
  return listen(new Redis({ ...nodeOptions(ep, conn, name), ...tuning }), ep, onError);
}

/** An ioredis Cluster client entering at `ep`; every node it opens logs in as `ep` does. `tuning.redisOptions` goes on top. */
export function makeClusterClient(ep: Endpoint, conn: ConnectOptions, name: string, tuning: ClusterOptions, onError?: (line: string) => void): Cluster {
  const { host: _host, port: _port, ...login } = nodeOptions(ep, conn, name);
  return listen(new Cluster([{ host: ep.host, port: ep.port }], { ...tuning, redisOptions: { ...login, ...tuning.redisOptions } }), ep, onError);
}

/** A master found through Sentinels: who they are, its name, and how to log in to it. */
export interface SentinelMaster {
  sentinels: Endpoint[];
  masterName?: string;
  /** the data nodes' login (the Sentinels log in as the first Sentinel's URI says) */
  username?: string;
  password?: string;
  db?: number;
  /** whether the data nodes speak TLS */
  tls: boolean;
}

/** An ioredis client of the master the Sentinels name (ioredis asks them again on each reconnect), then `tuning`. */
export function makeSentinelClient(m: SentinelMaster, conn: ConnectOptions, name: string, tuning: RedisOptions, onError?: (line: string) => void): Redis {
  const first = m.sentinels[0];
  const client = new Redis({
    sentinels: m.sentinels.map((s) => ({ host: s.host, port: s.port })),
    name: m.masterName,
    role: 'master',
    sentinelUsername: first.username,
    sentinelPassword: first.password,
    sentinelTLS: first.tls ? conn.tls : undefined,
    username: m.username,
    password: m.password,
    db: m.db,
    ...(m.tls ? { tls: conn.tls, enableTLSForSentinelMode: true } : {}),
    connectionName: name,
    connectTimeout: conn.connectTimeoutMs,
    commandTimeout: conn.commandTimeoutMs,
    ...tuning,
  });
  return listen(client, first, onError);
}

/** One line for an operator: what went wrong at which node, and what to check. Never a password. */
export function describeError(err: unknown, ep: Endpoint): string {
  const e = err as NodeJS.ErrnoException & { message?: string };
  const where = nodeId(ep.host, ep.port);
  const msg = String(e?.message ?? err);
  const code = e?.code ?? '';
  let line: string;
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg)) line = `connection refused at ${where}: is Redis running there?`;
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') line = `cannot resolve host '${ep.host}': check the address`;
  else if (/WRONGPASS|invalid username-password|invalid password/i.test(msg))
    line = `authentication failed at ${where}: wrong user or password (check the URI or REDISCLI_AUTH)`;
  else if (/NOAUTH/i.test(msg)) line = `${where} requires a password: give it in the URI (redis://:PASSWORD@host:port) or REDISCLI_AUTH`;
  else if (/without any password configured|AUTH <password> called without/i.test(msg))
    line = `${where} has no password set but one was given: drop it from the URI or REDISCLI_AUTH`;
  else if (/Stream isn't writeable|enableOfflineQueue/i.test(msg)) line = `lost the connection to ${where}: reconnecting`;
  else if (/Protocol error|unknown reply|Unexpected/i.test(msg)) line = `${where} does not speak the Redis protocol: check the port`;
  else if (/wrong version number|packet length too long|EPROTO|SSL routines|ssl3_get_record|certificate|self.signed|UNABLE_TO_VERIFY|ERR_SSL/i.test(msg + code))
    line = `TLS handshake with ${where} failed (${shortTls(msg)}): ${ep.tls ? 'is TLS enabled on that port? check --cacert, or --insecure for a self-signed test server' : 'the server expects TLS: use rediss:// or --tls'}`;
  else if (/ETIMEDOUT|timed? ?out/i.test(code + msg))
    line = ep.tls
      ? `no TLS handshake from ${where} within the timeout: is TLS enabled on that port? (a plain Redis port never answers a TLS hello)`
      : `no answer from ${where} within the timeout: check the address and any firewall`;
  else if (/Connection is closed|ECONNRESET|socket hang up|closed/i.test(msg))
    line = ep.tls
      ? `${where} closed the connection during the TLS handshake: is TLS enabled on that port?`
      : `${where} closed the connection before answering: not a Redis server, or one that requires TLS (use rediss:// or --tls)?`;
  else line = `${where}: ${msg}`;
  return redact(line);
}

function shortTls(msg: string): string {
  return (/(wrong version number|certificate[^,:]*|self.signed[^,:]*|packet length too long|unable to verify[^,:]*)/i.exec(msg)?.[1] ?? 'handshake error').toLowerCase();
}

/**
 * Connects once and checks that a Redis (or Sentinel) answers with the given credentials:
 * PING, then INFO server. Throws an Error whose message is one operator line.
 */
export async function checkEndpoint(ep: Endpoint, conn: ConnectOptions, masterName?: string, mustBeSentinel = false): Promise<{ version?: string; mode?: string }> {
  let lastError: string | undefined;
  const client = makeClient(ep, conn, { name: 'cutover-check', reconnect: false }, (line) => (lastError ??= line));
  try {
    await client.connect();
    await client.ping();
    const info = await client.info('server');
    const mode = /redis_mode:(\S+)/.exec(info)?.[1];
    if (mustBeSentinel && mode !== 'sentinel') {
      throw new InputError(`${nodeId(ep.host, ep.port)} is not a Sentinel (redis_mode ${mode ?? '?'}): give --sentinel a Sentinel's address, or name this node without --sentinel`);
    }
    if (ep.db && mode !== 'sentinel') {
      const ok = await client.call('SELECT', ep.db).then(
        () => true,
        () => false,
      );
      if (!ok) throw new InputError(`database ${ep.db} does not exist on ${nodeId(ep.host, ep.port)} (see its 'databases' setting): check the URI's /db`);
    }
    if (mode === 'sentinel' && masterName) {
      const known = await client.call('SENTINEL', 'MASTER', masterName).then(
        () => true,
        () => false,
      );
      if (!known) throw new InputError(`Sentinel ${nodeId(ep.host, ep.port)} monitors no master named '${masterName}': check --master-name (SENTINEL MASTERS lists them)`);
    }
    return { version: /redis_version:(\S+)/.exec(info)?.[1], mode };
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new Error(lastError && !/closed/i.test(lastError) ? lastError : describeError(err, ep) || lastError);
  } finally {
    client.disconnect();
  }
}

