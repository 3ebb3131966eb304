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
 */
export async function* scanKeys(client: Redis, o: ScanOptions, batch: number, seen: (n: number) => void, stopped: () => boolean): AsyncGenerator<Buffer[]> {
  let cursor = '0';
  let pending: Buffer[] = [];
  do {
    const args: Array<string | number> = [cursor];
    if (o.match) args.push('MATCH', o.match);
    args.push('COUNT', o.count);
    if (o.type) args.push('TYPE', o.type);
    const [next, keys] = (await client.callBuffer('SCAN', ...args)) as [Buffer, Buffer[]];
    cursor = next.toString();
    seen(keys.length);
    for (const k of keys) if (keyPasses(k, o)) pending.push(k);
    while (pending.length >= batch) {
      yield pending.slice(0, batch);
      pending = pending.slice(batch);
    }
  } while (cursor !== '0' && !stopped());
  if (pending.length) yield pending;
}
