// A key's expiry as an absolute time, read once and written as that same time: retries, backoffs and a stalled
// source or target cannot stretch a TTL. Read with PEXPIRETIME where the source has it (Redis 7.0+), else PTTL plus
// the moment its reply arrived; written with RESTORE … ABSTTL (5.0+), SET … PXAT (6.2+) and PEXPIREAT (every
// version). The servers' clocks are assumed to agree (NTP), as they must for any absolute expiry.

/** How a side reads and writes expiry times, from its redis_version. */
export interface ExpiryCaps {
  /** PEXPIRETIME (7.0) */
  expireTime: boolean;
  /** RESTORE … ABSTTL (5.0) */
  absTtl: boolean;
  /** SET … PXAT (6.2) */
  pxAt: boolean;
}

/** Caps of a Redis version ("7.0.15"); an unknown version gets what every server has. */
export function expiryCaps(version: string | undefined): ExpiryCaps {
  const [major, minor] = (version ?? '0.0').split('.').map((x) => Number(x) || 0);
  const atLeast = (a: number, b: number) => major > a || (major === a && minor >= b);
  return { expireTime: atLeast(7, 0), absTtl: atLeast(5, 0), pxAt: atLeast(6, 2) };
}

/** What every server can do: PTTL to read, PEXPIREAT to write. */
export const BASIC_EXPIRY: ExpiryCaps = expiryCaps(undefined);

/** The read command for a key's expiry. */
export function expiryCommand(caps: Pick<ExpiryCaps, 'expireTime'> | undefined): 'PEXPIRETIME' | 'PTTL' {
  return caps?.expireTime ? 'PEXPIRETIME' : 'PTTL';
}

/**
 * A reply of expiryCommand as { ttlMs, expireAtMs }: ttlMs as PTTL says it (-1 none, -2 missing, else ms left at
 * `arrivedAt`), expireAtMs the absolute unix time in ms (undefined without an expiry).
 */
export function expiryOf(reply: number, caps: Pick<ExpiryCaps, 'expireTime'> | undefined, arrivedAt: number): { ttlMs: number; expireAtMs?: number } {
  if (reply < 0) return { ttlMs: reply };
  if (caps?.expireTime) return { ttlMs: Math.max(0, reply - arrivedAt), expireAtMs: reply };
  return { ttlMs: reply, expireAtMs: arrivedAt + reply };
}
