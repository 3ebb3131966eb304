// How the live writer reads the target's errors: a key named in a log line, a RESTORE refused for its format, the
// command refused inside EXEC, a refusal no retry changes, a cluster redirection, and how often a batch is sent again.
import type { Cmd } from '../redis/resp.js';
import type { WriteOp } from './write-op.js';

export const MAX_LOGGED_FAILURES = 20;
/** errors from a cluster target that mean "not here, not now": the operation was not applied */
export const REDIRECTED = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN)\b/;
export const MAX_REDIRECTS = 10;
/** times one batch is sent on connections that break before its replies come, before the run ends */
export const MAX_SENDS = 10;

/** The key an operation is about, as a log line names it. */
export function keyName(op: Pick<WriteOp, 'keys'>): string {
  const k = op.keys.find((x) => x !== undefined);
  if (!k) return '';
  const text = k.toString('utf8');
  return ` on ${text.length > 100 ? `${text.slice(0, 100)}…` : text}`;
}

export function isFormatError(message: string): boolean {
  return /DUMP payload version or checksum are wrong|Bad data format/i.test(message);
}

/**
 * The first command of a transaction the target refused as it ran, from EXEC's array of replies (a ZADD of a
 * score that is no number, a WRONGTYPE); undefined when every one was applied.
 */
export function refusedInExec(cmds: Cmd[], exec: unknown): string | undefined {
  if (!Array.isArray(exec)) return undefined;
  const i = exec.findIndex((r) => r instanceof Error);
  if (i < 0) return undefined;
  const applied = exec.filter((r) => !(r instanceof Error)).length;
  return `${cmds[i]?.[0] ?? 'a command'}: ${(exec[i] as Error).message} (inside MULTI/EXEC: ${applied} of its ${exec.length} commands applied)`;
}

export class PermanentError extends Error {}

/** A server's reply (not a network failure) that says the connection will never be accepted as it is. */
export function isPermanent(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException;
  if (e?.code) return false;
  return /^(WRONGPASS|NOAUTH|NOPERM|ERR)\b/.test(String(e?.message)) && !/LOADING|BUSY|MASTERDOWN/.test(String(e?.message));
}

/** The typed writes for a RESTORE refused for its format; a message when they cannot be built (undefined: none). */
export function fallbackOf(op: WriteOp, err: string): Cmd[] | string | undefined {
  if (!op.fallback || !isFormatError(err)) return undefined;
  try {
    return op.fallback();
  } catch (e) {
    return `${err}; its typed writes cannot be built either: ${(e as Error).message}`;
  }
}
