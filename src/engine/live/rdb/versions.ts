// What an RDB's header says, and which versions cutover reads: Redis's `REDIS0001`…`REDIS0012` (Redis 1.x to 8.x),
// and Valkey's own `VALKEY080` (Valkey 9; Valkey 7.2/8.x write `REDIS0011`). Anything newer is refused before a
// byte is written, as Redis refuses to load it ("Can't handle RDB format version").
import { RDB_TYPE, RdbError } from './types.js';

/** the newest Redis RDB version cutover reads (Redis 7.4 and 8.x write 12) */
export const REDIS_RDB_MAX = 12;
/** Valkey's own versions, written after its `VALKEY` magic (Valkey 9.0 writes 80) */
export const VALKEY_RDB_VERSIONS: readonly number[] = [80];

export interface RdbHeaderInfo {
  version: number;
  valkey: boolean;
}

/** The 9 bytes of the header: `REDIS` + 4 digits, or `VALKEY` + 3 digits; throws for others and newer versions. */
export function readRdbHeader(magic: string): RdbHeaderInfo {
  const redis = /^REDIS(\d{4})$/.exec(magic);
  const valkey = /^VALKEY(\d{3})$/.exec(magic);
  if (!redis && !valkey) throw new RdbError(`not an RDB file (header ${JSON.stringify(magic)})`);
  const version = Number((redis ?? valkey)![1]);
  if (redis && (version < 1 || version > REDIS_RDB_MAX)) {
    throw new RdbError(`RDB version ${version} (header ${magic}) is newer than cutover reads (REDIS0001 to REDIS00${REDIS_RDB_MAX}, VALKEY080): nothing was written; upgrade cutover, or use a source that writes an older RDB`);
  }
  if (valkey && !VALKEY_RDB_VERSIONS.includes(version)) {
    throw new RdbError(`Valkey RDB version ${version} (header ${magic}) is not one cutover reads (VALKEY080, Valkey 9.0): nothing was written; upgrade cutover`);
  }
  return { version, valkey: !!valkey };
}

/**
 * The RDB version a RESTORE payload of this key says. A Valkey file's keys are in Redis's encodings (types 0-21),
 * but its version (80) is one no Redis reads (RESTORE checks only that the version is not above its own): the
 * payload says 10 (Redis 7.0) for the types 7.0 reads, 11 (Redis 7.2) for 7.2's SET_LISTPACK and
 * STREAM_LISTPACKS_3, so a Redis 7.0 target restores what it knows and falls back to typed writes for the rest.
 * Redis files keep their own version.
 */
export function payloadVersion(fileVersion: number, valkey: boolean, rdbType: number): number {
  if (!valkey) return fileVersion;
  if (rdbType <= RDB_TYPE.STREAM_LISTPACKS_2) return 10;
  if (rdbType <= RDB_TYPE.STREAM_LISTPACKS_3) return 11;
  return fileVersion;
}
