// The dump strategy: DUMP + PTTL on the source, RESTORE … REPLACE on the target, over bare RESP connections.
// With a memory limit, MEMORY USAGE comes first: a key above it is never DUMPed (DUMP would serialize it whole)
// but marked 'big', for the caller to copy in chunks.
import type { Arg, RespConnection } from '../redis/resp.js';
import { expiryCommand, expiryOf, type ExpiryCaps } from './expiry.js';
import { NO_TTL, type KeyRecord } from './types.js';

/** MEMORY USAGE key SAMPLES 0 of every key, in one pipeline: bytes, or null for a key that is not there. */
export async function memoryUsage(conn: RespConnection, keys: Buffer[]): Promise<Array<number | null>> {
  if (!keys.length) return [];
  const pipe = conn.pipeline();
  for (const k of keys) pipe.call('MEMORY', ['USAGE', k, 'SAMPLES', 0]);
  const replies = await pipe.exec();
  return keys.map((_k, i) => {
    const [err, v] = replies[i];
    if (err) throw new Error(`MEMORY USAGE failed: ${err.message}`);
    return typeof v === 'number' ? v : null;
  });
}

/**
 * One pipeline: DUMP and PTTL (PEXPIRETIME with caps.expireTime) of every key, the expiry also as an absolute time. A key gone in between is 'vanished'. With memLimitBytes, a pipeline
 * of MEMORY USAGE first; keys above the limit come back as 'big' and are not DUMPed.
 */
export async function readDump(conn: RespConnection, keys: Buffer[], memLimitBytes?: number, caps?: Pick<ExpiryCaps, 'expireTime'>): Promise<KeyRecord[]> {
  const out: KeyRecord[] = new Array(keys.length);
  let small = keys.map((_k, i) => i);
  if (memLimitBytes !== undefined) {
    const mem = await memoryUsage(conn, keys);
    small = [];
    keys.forEach((key, i) => {
      const m = mem[i];
      if (m === null) out[i] = { key, status: 'vanished' };
      else if (m > memLimitBytes) out[i] = { key, status: 'big', memBytes: m };
      else small.push(i);
    });
    if (!small.length) return out;
  }
  const pipe = conn.pipeline();
  for (const i of small) {
    pipe.call('DUMP', [keys[i]]);
    pipe.call(expiryCommand(caps), [keys[i]]);
  }
  const replies = await pipe.exec();
  const arrivedAt = Date.now();
  small.forEach((i, j) => {
    const key = keys[i];
    const [dumpErr, dump] = replies[2 * j];
    const [ttlErr, ttl] = replies[2 * j + 1];
    const err = dumpErr ?? ttlErr;
    if (err) out[i] = { key, status: 'skipped', reason: `read failed: ${err.message}` };
    else if (dump === null || ttl === -2) out[i] = { key, status: 'vanished' };
    else out[i] = { key, status: 'ok', dump: dump as Buffer, ...expiryOf(ttl as number, caps, arrivedAt) };
  });
  return out;
}

/**
 * RESTORE key ttl payload REPLACE; ttl 0 means no expiry. With expireAtMs, the absolute time: RESTORE … ABSTTL where
 * the target has it (caps.absTtl), else the time left now (computed as the command is queued, at every retry).
 */
export function writeDump(pipe: { call(name: string, args: Arg[]): void }, key: Buffer, ttlMs: number, dump: Buffer, expireAtMs?: number, caps?: Pick<ExpiryCaps, 'absTtl'>): void {
  if (expireAtMs !== undefined && ttlMs !== NO_TTL && ttlMs >= 0) {
    if (caps?.absTtl) pipe.call('RESTORE', [key, Math.max(1, expireAtMs), dump, 'REPLACE', 'ABSTTL']);
    else pipe.call('RESTORE', [key, Math.max(1, expireAtMs - Date.now()), dump, 'REPLACE']);
    return;
  }
  pipe.call('RESTORE', [key, ttlMs === NO_TTL || ttlMs < 0 ? 0 : Math.max(1, ttlMs), dump, 'REPLACE']);
}

/** The target cannot read the source's DUMP format (a newer RDB version, or Redis ↔ Valkey). */
export function isDumpFormatError(err: Error): boolean {
  return /DUMP payload version or checksum are wrong|Bad data format/i.test(err.message);
}
