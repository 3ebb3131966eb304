// A polled node's error in an operator's words. The client library's own messages ("Reached the max retries per
// request limit (which is 0). Refer to "maxRetriesPerRequest" option for details.", "Connection is closed.")
// say how ioredis works, not what happened to the node: a node that answered before and now does not has lost
// its connection, and the console is reconnecting. Anything else is described as for any connection.
import { nodeId, type Endpoint } from '../../options/endpoint.js';
import { redact } from '../../options/redact.js';
import { describeError } from '../redis/connect.js';

/** ioredis rejecting a command because the connection is down (no retries: maxRetriesPerRequest 0). */
function isRetriesExhausted(err: { name?: string; message?: string }, msg: string): boolean {
  return err?.name === 'MaxRetriesPerRequestError' || /max retries per request|maxRetriesPerRequest/i.test(msg);
}

/** The connection went away under a command (or had gone before it was sent). */
function isConnectionGone(msg: string, code: string): boolean {
  return /Connection is closed|Stream isn't writeable|enableOfflineQueue|socket hang up|Socket closed unexpectedly|ECONNRESET|EPIPE/i.test(msg + ' ' + code);
}

/** The node answered and refused the credentials: WRONGPASS, NOAUTH, or a password it does not expect. */
export function isAuthError(err: unknown): boolean {
  const msg = String((err as Error)?.message ?? err ?? '');
  return /WRONGPASS|NOAUTH|invalid username-password|invalid password|without any password configured|AUTH <password> called without/i.test(msg);
}

/**
 * One line for the event log and the details: what is wrong with the node, never a library's internals.
 * `answeredBefore`: the node answered on this connection once (so a closed connection is a lost one, not a wrong port).
 */
export function describeNodeError(err: unknown, ep: Endpoint, answeredBefore: boolean): string {
  const e = (err ?? {}) as NodeJS.ErrnoException;
  const msg = String(e?.message ?? err);
  const code = String(e?.code ?? '');
  const where = nodeId(ep.host, ep.port);
  if (isAuthError(err)) return describeError(err, ep); // "authentication failed at …": it answered, it is not down
  if (isRetriesExhausted(e, msg)) return `not answering at ${where} (connection lost${answeredBefore ? ', reconnecting)' : '): is Redis running there?'}`;
  if (answeredBefore && isConnectionGone(msg, code)) return `connection lost at ${where}: not answering, reconnecting`;
  if (answeredBefore && /Command timed out|ETIMEDOUT/i.test(msg + ' ' + code)) return `not answering at ${where} within the timeout: busy, paused, or the network`;
  const line = describeError(err, ep);
  // the last resort of describeError repeats the library's message: keep its first sentence only
  return redact(line.startsWith(`${where}: `) ? `${where}: ${msg.split(/(?<=\.)\s/)[0].replace(/\.$/, '')}` : line);
}
