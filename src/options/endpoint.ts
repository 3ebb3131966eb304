// Entry points as the operator types them: redis:// and rediss:// URIs, or host:port shorthand.
import { maskCredentials, remember, rememberTyped } from './redact.js';
import type { Credentials } from './credentials.js';

/** Bad input: the CLI prints the message on one line and exits with code 2, touching nothing. */
export class InputError extends Error {}

export interface Endpoint {
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  password?: string;
  db: number;
}

const URI_HELP = 'use redis://[user:password@]host:port[/db], rediss://… for TLS, or host:port';

/** localhost and the IPv6 loopback become 127.0.0.1, so one node never appears under two names. */
export function normalizeHost(host: string): string {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' ? '127.0.0.1' : h;
}

function parsePort(text: string, input: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new InputError(`invalid endpoint '${safe(input)}': port '${text}' is not a number from 1 to 65535; ${URI_HELP}`);
  }
  return port;
}

/** The input with everything that may be a credential replaced, whatever its shape, for messages about a malformed endpoint. */
function safe(input: string): string {
  return maskCredentials(input);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a bare % in a password is the password
  }
}

/** What an endpoint naming none of its own gets (credentials.ts's endpointDefaults: --tls, --user, REDISCLI_AUTH). */
export interface EndpointDefaults extends Credentials {
  tls?: boolean;
}

export function parseEndpoint(input: string, defaults: EndpointDefaults = {}): Endpoint {
  const text = input.trim();
  if (!text) throw new InputError(`empty endpoint: ${URI_HELP}`);
  rememberTyped(text);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  let ep: Endpoint;
  if (scheme) {
    if (scheme !== 'redis' && scheme !== 'rediss') {
      throw new InputError(`invalid endpoint '${safe(text)}': scheme '${scheme}://' is not redis:// or rediss://; ${URI_HELP}`);
    }
    // user:password is everything before the last @ (a password may hold '/', ':' or '@'), read before anything can fail
    const rest = text.slice(scheme.length + 3);
    const at = rest.lastIndexOf('@');
    const auth = at >= 0 ? rest.slice(0, at) : '';
    const colon = auth.indexOf(':');
    const rawUser = colon >= 0 ? auth.slice(0, colon) : auth;
    const rawPass = colon >= 0 ? auth.slice(colon + 1) : '';
    remember(rawPass);
    remember(safeDecode(rawPass));
    const m = /^(\[[^\]]*\]|[^:/]*)(?::([^/]*))?(?:\/(.*))?$/.exec(rest.slice(at + 1));
    if (!m || !m[1]) throw new InputError(`invalid endpoint '${safe(text)}': no host; ${URI_HELP}`);
    const port = m[2] === undefined || m[2] === '' ? 6379 : parsePort(m[2], text);
    const path = m[3] ?? '';
    if (path && !/^\d+$/.test(path)) throw new InputError(`invalid endpoint '${safe(text)}': database '${path}' is not a number; ${URI_HELP}`);
    ep = {
      host: normalizeHost(m[1]),
      port,
      tls: scheme === 'rediss' || !!defaults.tls,
      username: rawUser ? safeDecode(rawUser) : defaults.username,
      password: rawPass ? safeDecode(rawPass) : defaults.password,
      db: path ? Number(path) : 0,
    };
  } else {
    if (/^rediss?:\/?[^/]/i.test(text)) throw new InputError(`invalid endpoint '${safe(text)}': '${text.split(':')[0]}:' needs '//': did you mean ${safe(text).replace(/^(rediss?):\/?/i, '$1://')}?`);
    // user:password@ without a scheme (alice:pw@host:port, redis//…): a URI's part, not host:port's
    if (text.includes('@')) throw new InputError(`invalid endpoint '${safe(text)}': a user or password goes in a URI: redis://[user:password@]host:port (or REDISCLI_AUTH and --user)`);
    const m = /^(\[[^\]]+\]|[^:\s/@]+)(?::(.*))?$/.exec(text);
    if (!m) throw new InputError(`invalid endpoint '${safe(text)}': ${URI_HELP}`);
    ep = {
      host: normalizeHost(m[1]),
      port: m[2] === undefined ? 6379 : parsePort(m[2], text),
      tls: !!defaults.tls,
      username: defaults.username,
      password: defaults.password,
      db: 0,
    };
  }
  if (ep.password) remember(ep.password);
  return ep;
}

export function nodeId(host: string, port: number): string {
  const h = normalizeHost(host);
  return h.includes(':') ? `[${h}]:${port}` : `${h}:${port}`;
}

/** How an endpoint is shown anywhere: never with its password. */
export function describeEndpoint(ep: Endpoint): string {
  const auth = ep.username ? `${ep.username}:***@` : ep.password ? ':***@' : '';
  const scheme = ep.tls ? 'rediss' : 'redis';
  return `${scheme}://${auth}${nodeId(ep.host, ep.port)}${ep.db ? `/${ep.db}` : ''}`;
}
