// Entry points as the operator types them: redis:// and rediss:// URIs, or host:port shorthand.
import { remember } from './redact.js';

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

/** The input with any password replaced, for messages about a malformed URI. */
function safe(input: string): string {
  return input.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

export interface EndpointDefaults {
  tls?: boolean;
  password?: string;
  username?: string;
}

export function parseEndpoint(input: string, defaults: EndpointDefaults = {}): Endpoint {
  const text = input.trim();
  if (!text) throw new InputError(`empty endpoint: ${URI_HELP}`);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  let ep: Endpoint;
  if (scheme) {
    if (scheme !== 'redis' && scheme !== 'rediss') {
      throw new InputError(`invalid endpoint '${safe(text)}': scheme '${scheme}://' is not redis:// or rediss://; ${URI_HELP}`);
    }
    const portText = /^[a-z]+:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/]*)(?::([^/]*))?/i.exec(text)?.[1];
    const port = portText === undefined || portText === '' ? 6379 : parsePort(portText, text);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new InputError(`invalid endpoint '${safe(text)}': not a well-formed URI; ${URI_HELP}`);
    }
    if (!url.hostname) throw new InputError(`invalid endpoint '${safe(text)}': no host; ${URI_HELP}`);
    const path = url.pathname.replace(/^\//, '');
    if (path && !/^\d+$/.test(path)) throw new InputError(`invalid endpoint '${safe(text)}': database '${path}' is not a number; ${URI_HELP}`);
    ep = {
      host: normalizeHost(url.hostname),
      port,
      tls: scheme === 'rediss' || !!defaults.tls,
      username: url.username ? decodeURIComponent(url.username) : defaults.username,
      password: url.password ? decodeURIComponent(url.password) : defaults.password,
      db: path ? Number(path) : 0,
    };
  } else {
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
