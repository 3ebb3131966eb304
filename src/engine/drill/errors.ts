// One line for an error met while writing, for the drill's log and windows. A connection that worked and then
// dropped is said as such (connect.ts's describeError reads a close before any answer as "not Redis?").
import { nodeId, type Endpoint } from '../../options/endpoint.js';
import { redact } from '../../options/redact.js';
import { describeError } from '../redis/connect.js';

export function describeDrillError(err: unknown, ep: Endpoint): string {
  const msg = String((err as Error)?.message ?? err);
  if (/^Connection is closed|ECONNRESET|socket hang up|^Reached the max retries per request/.test(msg)) {
    return redact(`lost the connection to ${nodeId(ep.host, ep.port)} before its reply`);
  }
  if (/^Command timed out/.test(msg)) return redact(`no reply from ${nodeId(ep.host, ep.port)} within the timeout`);
  return describeError(err, ep);
}
