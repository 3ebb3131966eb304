// The scanner: SCAN over one master, binary-safe, with RIOT's filters; yields batches of key names.
import type { Redis } from 'ioredis';
import { calculateSlot } from '../redis/slot.js';

export interface ScanOptions {
  /** SCAN COUNT */
  count: number;
  /** SCAN MATCH (a glob) */
  match?: string;
  /** SCAN TYPE */
  type?: string;
  /** keys must match one of these (when any), and none of the excludes */
  include: RegExp[];
  exclude: RegExp[];
  /** inclusive slot ranges; keys outside all of them are left out */
  slots?: Array<[number, number]>;
}

/** Does a key pass the include/exclude/slot filters? (SCAN already applied MATCH and TYPE.) */
export function keyPasses(key: Buffer, o: ScanOptions): boolean {
  if (o.slots?.length) {
    const slot = calculateSlot(key);
    if (!o.slots.some(([a, b]) => slot >= a && slot <= b)) return false;
  }
  if (o.include.length || o.exclude.length) {
    const name = key.toString('utf8');
    if (o.include.length && !o.include.some((r) => r.test(name))) return false;
    if (o.exclude.some((r) => r.test(name))) return false;
  }
  return true;
}

/**
 * SCAN one master to the end, yielding what passes the filters in batches of at most `batch` keys.
 * `seen` counts every key SCAN returned, filtered or not (progress against DBSIZE).
 * `retry`, when given, is asked about a SCAN that failed: true sends it again from the same cursor (a brief
 * reconnect), false ends the scan; it may throw. Without it the error ends the scan.
 */
export async function* scanKeys(
  client: Redis,
  o: ScanOptions,
  batch: number,
  seen: (n: number) => void,
  stopped: () => boolean,
  retry?: (err: unknown) => Promise<boolean>,
): AsyncGenerator<Buffer[]> {
  let cursor = '0';
  let pending: Buffer[] = [];
  for (;;) {
    const args: Array<string | number> = [cursor];
    if (o.match) args.push('MATCH', o.match);
    args.push('COUNT', o.count);
    if (o.type) args.push('TYPE', o.type);
    let reply: [Buffer, Buffer[]];
    try {
      reply = (await client.callBuffer('SCAN', ...args)) as [Buffer, Buffer[]];
    } catch (err) {
      if (!retry) throw err;
      if (await retry(err)) continue; // the same cursor again
      break;
    }
    const [next, keys] = reply;
    cursor = next.toString();
    seen(keys.length);
    for (const k of keys) if (keyPasses(k, o)) pending.push(k);
    while (pending.length >= batch) {
      yield pending.slice(0, batch);
      pending = pending.slice(batch);
    }
    if (cursor === '0' || stopped()) break;
  }
  if (pending.length) yield pending;
}
