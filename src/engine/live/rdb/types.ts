// RDB record types, opcodes and the events/values the streaming parser emits.

export const RDB_TYPE = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE_PRE_GA: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
  SET_LISTPACK: 20,
  STREAM_LISTPACKS_3: 21,
  /** 7.4 hashes with field expiries: release candidates (absolute TTLs), then GA (a minimum expiry first) */
  HASH_METADATA_PRE_GA: 22,
  HASH_LISTPACK_EX_PRE_GA: 23,
  HASH_METADATA: 24,
  HASH_LISTPACK_EX: 25,
} as const;

/** Valkey 9 (RDB 80, `VALKEY080`): its hash with field expiries reuses 22, Redis 7.4's pre-GA hash type */
export const VALKEY_TYPE = {
  HASH_2: 22,
} as const;

export const RDB_OPCODE = {
  /** Valkey 9: an atomic slot migration in progress (job name, slot ranges) */
  SLOT_IMPORT: 243,
  SLOT_INFO: 244,
  FUNCTION2: 245,
  FUNCTION_PRE_GA: 246,
  MODULE_AUX: 247,
  IDLE: 248,
  FREQ: 249,
  AUX: 250,
  RESIZEDB: 251,
  EXPIRETIME_MS: 252,
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255,
} as const;

/** A stream entry ID as "ms-seq". */
export type StreamId = string;

export interface StreamPendingEntry {
  id: StreamId;
  deliveryTime: number;
  deliveryCount: number;
}

export interface StreamConsumer {
  name: Buffer;
  seenTime: number;
  /** STREAM_LISTPACKS_3 (7.2) only */
  activeTime?: number;
  pel: StreamId[];
}

export interface StreamGroup {
  name: Buffer;
  lastId: StreamId;
  /** STREAM_LISTPACKS_2+ only; -1 when unknown (SCG_INVALID_ENTRIES_READ, XINFO shows nil) */
  entriesRead?: number;
  pel: StreamPendingEntry[];
  consumers: StreamConsumer[];
}

export interface StreamValue {
  entries: [StreamId, Buffer[]][];
  /** number of live entries, as saved */
  length: number;
  lastId: StreamId;
  /** STREAM_LISTPACKS_2+ only */
  firstId?: StreamId;
  maxDeletedId?: StreamId;
  entriesAdded?: number;
  groups: StreamGroup[];
}

export type RdbValue =
  | { type: 'string'; value: Buffer }
  | { type: 'list'; value: Buffer[] }
  | { type: 'set'; value: Buffer[] }
  | { type: 'zset'; value: [Buffer, number][] }
  | {
      type: 'hash';
      value: [Buffer, Buffer][];
      /** 7.4 field expiries, one per field in the same order: unix ms, 0 for none (HASH_METADATA, HASH_LISTPACK_EX) */
      fieldExpireAt?: number[];
    }
  | { type: 'stream'; value: StreamValue }
  | { type: 'module'; value: { moduleId: bigint; moduleName: string; moduleVersion: number; skipped: true } };

/** What a big key's value is, when it is streamed in parts instead of held whole. */
export type BigKeyKind = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

/** Consecutive elements of a streamed key, in file order (a string's bytes; a hash's fields and their expiries). */
export type BigKeyPart =
  | { type: 'string'; value: Buffer }
  | { type: 'list'; value: Buffer[] }
  | { type: 'set'; value: Buffer[] }
  | { type: 'zset'; value: [Buffer, number][] }
  | { type: 'hash'; value: [Buffer, Buffer][]; fieldExpireAt?: number[] }
  | { type: 'stream'; value: [StreamId, Buffer[]][] };

/** What the RDB says of a key before its value. */
export interface KeyHead {
  db: number;
  key: Buffer;
  expireAtMs?: number;
  /** LRU idle seconds (RDB_OPCODE_IDLE) */
  idle?: number;
  /** LFU counter (RDB_OPCODE_FREQ) */
  freq?: number;
  /** the RDB value type byte */
  rdbType: number;
}

export type RdbEvent =
  /** `valkey`: the file has Valkey's own header (`VALKEY080`): its version numbers are Valkey's, not Redis's */
  | { type: 'header'; version: number; valkey?: true }
  | { type: 'aux'; key: Buffer; value: Buffer }
  | { type: 'select-db'; db: number }
  | { type: 'resize-db'; size: number; expires: number }
  | { type: 'slot-info'; slot: number; size: number; expiresSize: number }
  | { type: 'function'; payload: Buffer }
  | { type: 'module-aux'; moduleId: bigint; moduleName: string }
  /** Valkey 9's slot migration state: Valkey's own, nothing to write */
  | { type: 'slot-import'; job: Buffer }
  | (KeyHead & {
      type: 'key';
      value: RdbValue;
      /** exact bytes of [type byte + encoded value] as in the file: the body of a DUMP/RESTORE payload */
      raw: Buffer;
    })
  /** A key bigger than the parser's bigKeyBytes: begin, its value in parts, end (never one `key` event). */
  | (KeyHead & { type: 'key-begin'; kind: BigKeyKind })
  | { type: 'key-part'; key: Buffer; part: BigKeyPart }
  | {
      type: 'key-end';
      key: Buffer;
      kind: BigKeyKind;
      /** a stream's metadata and consumer groups (entries: none; they came in the parts) */
      stream?: StreamValue;
    }
  | {
      type: 'end';
      /** the 8-byte checksum stored after EOF (0n when the writer had rdbchecksum no, or RDB < 5) */
      checksum: bigint;
      /** CRC64 of everything before the checksum, as computed while parsing */
      computed: bigint;
      /** true when checksum is 0 (disabled) or equals computed */
      checksumOk: boolean;
    };

export class RdbError extends Error {}
