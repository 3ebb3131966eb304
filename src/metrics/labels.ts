// Label values: addresses only. A label never holds a user, a password or a URI: `host:port`, and a stream is
// `source→target` by their addresses.
import { nodeId, type Endpoint } from '../options/endpoint.js';

export function nodeLabel(ep: Pick<Endpoint, 'host' | 'port'>): string {
  return nodeId(ep.host, ep.port);
}

export function streamLabel(source: Pick<Endpoint, 'host' | 'port'>, target: Pick<Endpoint, 'host' | 'port'>): string {
  return `${nodeLabel(source)}→${nodeLabel(target)}`;
}

/** host:port out of a shown endpoint (redis://user:***@host:port/db, as describeEndpoint writes it). */
export function addressOfShown(shown: string): string {
  const rest = shown.replace(/^[a-z]+:\/\//i, '');
  return rest.slice(rest.lastIndexOf('@') + 1).replace(/\/\d*$/, '');
}
