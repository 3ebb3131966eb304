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
} as const;

export const RDB_OPCODE = {
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
  | { type: 'hash'; value: [Buffer, Buffer][] }
  | { type: 'stream'; value: StreamValue }
  | { type: 'module'; value: { moduleId: bigint; moduleName: string; moduleVersion: number; skipped: true } };

export type RdbEvent =
  | { type: 'header'; version: number }
  | { type: 'aux'; key: Buffer; value: Buffer }
  | { type: 'select-db'; db: number }
  | { type: 'resize-db'; size: number; expires: number }
  | { type: 'slot-info'; slot: number; size: number; expiresSize: number }
  | { type: 'function'; payload: Buffer }
  | { type: 'module-aux'; moduleId: bigint; moduleName: string }
  | {
      type: 'key';
      db: number;
      key: Buffer;
      expireAtMs?: number;
      /** LRU idle seconds (RDB_OPCODE_IDLE) */
      idle?: number;
      /** LFU counter (RDB_OPCODE_FREQ) */
      freq?: number;
      /** the RDB value type byte */
      rdbType: number;
      value: RdbValue;
      /** exact bytes of [type byte + encoded value] as in the file: the body of a DUMP/RESTORE payload */
      raw: Buffer;
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
