// How the keys of a slot are cut into MIGRATE batches: by bytes (MEMORY USAGE), bounded in keys too. A key bigger
// than the byte budget goes alone, so one MIGRATE never carries two big keys. Pure.

export interface SizedKey {
  key: Buffer;
  /** MEMORY USAGE; 0 when the key went away meanwhile */
  bytes: number;
}

export interface BatchBounds {
  bytes: number;
  keys: number;
}

/** Takes the next batch off the front of `keys` (which keeps the rest). */
export function takeBatch(keys: SizedKey[], bounds: BatchBounds): SizedKey[] {
  let bytes = 0;
  let n = 0;
  while (n < keys.length && n < bounds.keys) {
    const next = keys[n].bytes;
    if (n > 0 && bytes + next > bounds.bytes) break;
    bytes += next;
    n++;
  }
  return keys.splice(0, Math.max(1, n));
}

export function bytesOf(keys: SizedKey[]): number {
  let sum = 0;
  for (const k of keys) sum += k.bytes;
  return sum;
}
