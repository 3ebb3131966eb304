// --metrics HOST:PORT: where the Prometheus endpoint listens. 127.0.0.1:9464, [::1]:9464, or :9464 (every interface).
import { InputError } from './endpoint.js';

export interface MetricsAddress {
  /** what to bind: an IP address or a host name; '0.0.0.0' for ':PORT' */
  host: string;
  port: number;
}

const FORM = `give --metrics HOST:PORT, like 127.0.0.1:9464 (or :9464 for every interface)`;

export function parseMetricsAddress(text: string): MetricsAddress {
  const t = text.trim();
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]/@]*):(\d+)$/.exec(t);
  if (!m) throw new InputError(`--metrics '${t}' is not an address to listen on: ${FORM}`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new InputError(`--metrics '${t}': port ${m[2]} is not a number from 1 to 65535; ${FORM}`);
  const host = m[1] === '' ? '0.0.0.0' : m[1].replace(/^\[|\]$/g, '');
  return { host, port };
}

/** How the address is shown: http://host:port/metrics */
export function metricsUrl(a: MetricsAddress): string {
  return `http://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}/metrics`;
}
