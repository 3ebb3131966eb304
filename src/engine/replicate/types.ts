// Shapes that flow through the replication pipeline: scanner → readers → writers. Plain data.

/** Key names are binary-safe: always Buffers inside the pipeline. */
export type Key = Buffer;

export type RedisType = 'string' | 'hash' | 'list' | 'set' | 'zset' | 'stream';

/** A key's value read by type, binary-safe. */
export type StructValue =
  | { type: 'string'; value: Buffer }
  | { type: 'hash'; value: Array<[field: Buffer, value: Buffer]> }
  | { type: 'list'; value: Buffer[] }
  | { type: 'set'; value: Buffer[] }
  | { type: 'zset'; value: Array<[member: Buffer, score: string]> }
  | {
      type: 'stream';
      /** entries in ID order: [id, [field, value, field, value, …]] */
      value: Array<[id: string, fields: Buffer[]]>;
      /** consumer groups are not copied by struct (RIOT doesn't either); dump copies them */
    };

/** What a reader produced for one key. */
export type KeyRecord =
  | { key: Key; status: 'ok'; ttlMs: number; expireAtMs?: number; dump: Buffer; type?: RedisType }
  | { key: Key; status: 'ok'; ttlMs: number; expireAtMs?: number; struct: StructValue }
  /** over --mem-limit (MEMORY USAGE, bytes): not read here, copied in chunks by the reader instead */
  | { key: Key; status: 'big'; memBytes: number }
  /** expired or deleted between scan and read */
  | { key: Key; status: 'vanished' }
  /** a type cutover cannot copy by struct (module types), or a read that failed */
  | { key: Key; status: 'skipped'; reason: string };

/**
 * ttlMs: -1 = no expiry (PTTL's -1); otherwise milliseconds left when read. expireAtMs: the same expiry as an
 * absolute unix time in ms, fixed at the read (expiry.ts): what writers use, so no delay can stretch it.
 */
export const NO_TTL = -1;
