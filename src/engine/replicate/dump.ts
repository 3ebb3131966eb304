// The dump strategy: DUMP + PTTL on the source, RESTORE … REPLACE on the target, over bare RESP connections.
import type { Arg, RespConnection } from '../resp.js';
import { NO_TTL, type KeyRecord } from './types.js';

/** One pipeline: DUMP and PTTL of every key. A key gone in between is 'vanished'. */
export async function readDump(conn: RespConnection, keys: Buffer[]): Promise<KeyRecord[]> {
  const pipe = conn.pipeline();
  for (const k of keys) {
    pipe.call('DUMP', [k]);
    pipe.call('PTTL', [k]);
  }
  const replies = await pipe.exec();
  return keys.map((key, i): KeyRecord => {
    const [dumpErr, dump] = replies[2 * i];
    const [ttlErr, ttl] = replies[2 * i + 1];
    const err = dumpErr ?? ttlErr;
    if (err) return { key, status: 'skipped', reason: `read failed: ${err.message}` };
    if (dump === null || ttl === -2) return { key, status: 'vanished' };
    return { key, status: 'ok', dump: dump as Buffer, ttlMs: ttl as number };
  });
}

/** RESTORE key ttl payload REPLACE; ttl 0 means no expiry. */
export function writeDump(pipe: { call(name: string, args: Arg[]): void }, key: Buffer, ttlMs: number, dump: Buffer): void {
  pipe.call('RESTORE', [key, ttlMs === NO_TTL || ttlMs < 0 ? 0 : Math.max(1, ttlMs), dump, 'REPLACE']);
}

/** The target cannot read the source's DUMP format (a newer RDB version, or Redis ↔ Valkey). */
export function isDumpFormatError(err: Error): boolean {
  return /DUMP payload version or checksum are wrong|Bad data format/i.test(err.message);
}
