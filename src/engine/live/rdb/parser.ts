// A streaming RDB parser: push() bytes as they arrive in any chunking, get back the events completed so
// far. Only the unfinished record is kept (the key being parsed); a record that does not fit yet is
// re-parsed from its start when enough bytes have arrived; past 1 KiB, only once the buffered part has grown
// by half (at least 1 KiB), so a big key arriving in small chunks costs O(size log size), not O(size²).
// The price: a completed record may wait for that much more input (or end()) before it is reported.
//
// With `bigKeyBytes`, a key whose unfinished record passes that many bytes is not held whole: when its type
// is read in pieces (strings, hashtable sets/hashes/zsets, quicklists, streams: see BigKey), it is reported
// as key-begin, key-part…, key-end, and only the unit being read (an element, a node) is held.
import { BigKey } from './big-key.js';
import { Crc64 } from './crc64.js';
import { moduleName, skipModuleOpcodes } from './module.js';
import { NeedMore, Reader } from './reader.js';
import { RDB_OPCODE, RDB_TYPE, RdbError, VALKEY_TYPE, type KeyHead, type RdbEvent, type RdbValue } from './types.js';
import { readValue, skipValue } from './value.js';
import { readRdbHeader } from './versions.js';

/** the value types cutover reads: a byte that is neither one nor an opcode is named, not read as a key */
const KNOWN_TYPES = new Set<number>(Object.values(RDB_TYPE));

const MODULE_OPCODE_UINT = 2;
const ENC_LZF = 3;

type KeyEvent = Extract<RdbEvent, { type: 'key' }>;

/** A key event whose value is decoded from its raw bytes when first read, then kept. */
function lazyKey(db: number, key: Buffer, rdbType: number, raw: Buffer): KeyEvent {
  // `value` where a decoded event has it: redefining a property keeps its place among the keys
  const ev = { type: 'key', db, key, rdbType, value: undefined, raw } as unknown as KeyEvent;
  Object.defineProperty(ev, 'value', {
    enumerable: true,
    configurable: true,
    get(): RdbValue {
      const value = readValue(new Reader(raw.subarray(1)), rdbType);
      Object.defineProperty(ev, 'value', { value, enumerable: true });
      return value;
    },
  });
  return ev;
}

/** A key's name as a log line shows it (the first 100 characters). */
function keyText(key: Buffer): string {
  const text = key.toString('utf8');
  return `'${text.length > 100 ? `${text.slice(0, 100)}…` : text}'`;
}

/** The decompressed length of the LZF string at r.pos (0 when it is not one); leaves r.pos where it was. */
function lzfOutputLength(r: Reader): number {
  const at = r.pos;
  try {
    const h = r.lengthOrEnc();
    if (!h.encoded || Number(h.len) !== ENC_LZF) return 0;
    r.length();
    return r.length();
  } finally {
    r.pos = at;
  }
}
const GEOMETRIC_FROM = 1024;

export interface RdbParserStats {
  keys: number;
  moduleValues: number;
  moduleAux: number;
  functions: number;
  bytes: number;
  /** keys read in pieces (also counted in keys) */
  bigKeys: number;
}

export interface RdbParserOptions {
  /** a key whose record is still unfinished after this many bytes is read in pieces (unset: every key whole) */
  bigKeyBytes?: number;
  /**
   * a key event's `value` is decoded from its `raw` bytes only when it is read (a RESTORE needs the bytes alone):
   * a key then costs its bytes, not the objects of its elements
   */
  lazyValues?: boolean;
}

export class RdbParser {
  private chunks: Buffer[] = [];
  /** the key being read in pieces */
  private big?: BigKey;
  private buffered = 0;
  private retryAt = 0;
  private version = -1;
  private valkey = false;
  private db = 0;
  private expireAtMs?: number;
  private idle?: number;
  private freq?: number;
  private crc = new Crc64();
  private done = false;
  /** bytes that followed the RDB's checksum in the last chunk (the caller's, not the RDB's) */
  remainder: Buffer = Buffer.alloc(0);
  readonly stats: RdbParserStats = { keys: 0, moduleValues: 0, moduleAux: 0, functions: 0, bytes: 0, bigKeys: 0 };

  constructor(private readonly options: RdbParserOptions = {}) {}

  get rdbVersion(): number {
    return this.version;
  }

  /** the file has Valkey's own header (`VALKEY080`) */
  get isValkey(): boolean {
    return this.valkey;
  }

  get finished(): boolean {
    return this.done;
  }

  /** Bytes held for the record still being parsed. */
  get pendingBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): RdbEvent[] {
    if (this.done) {
      if (chunk.length) this.remainder = Buffer.concat([this.remainder, chunk]);
      return [];
    }
    if (!chunk.length) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.retryAt) return [];
    return this.drain();
  }

  /** The stream is over: parses what is left and throws if the RDB is incomplete. */
  end(): RdbEvent[] {
    const events = this.done ? [] : this.drain();
    if (!this.done) {
      throw new RdbError(
        this.version < 0 ? 'RDB ended inside the header' : `RDB ended before its EOF opcode (${this.buffered} bytes of an unfinished record)`,
      );
    }
    return events;
  }

  private drain(): RdbEvent[] {
    const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    const r = new Reader(buf);
    const events: RdbEvent[] = [];
    let committed = 0;
    for (;;) {
      try {
        while (!this.done) {
          const start = r.pos;
          if (this.big) this.bigStep(r, events);
          else this.record(r, buf, start, events);
          if (!this.done) this.crc.update(buf, start, r.pos);
          committed = r.pos;
        }
        break;
      } catch (e) {
        if (!(e instanceof NeedMore)) throw e;
        r.pos = committed;
        const partial = buf.length - committed;
        if (!this.big && partial >= (this.options.bigKeyBytes ?? Infinity) && this.openBig(r, events)) {
          this.crc.update(buf, committed, r.pos);
          committed = r.pos;
          continue;
        }
        const need = e.need - committed;
        if (this.big) {
          // what was read of the big key leaves now; only the unit that did not fit waits
          this.flushPart(events);
          this.retryAt = need;
        } else {
          this.retryAt = partial >= GEOMETRIC_FROM ? Math.max(need, partial + Math.max(GEOMETRIC_FROM, partial >> 1)) : need;
          // look again once the record reaches bigKeyBytes, not only when all of it has arrived
          const bigAt = this.options.bigKeyBytes;
          if (bigAt !== undefined && partial < bigAt) this.retryAt = Math.min(this.retryAt, bigAt);
        }
        break;
      }
    }
    this.stats.bytes += committed;
    if (this.done) {
      this.remainder = Buffer.from(buf.subarray(committed));
      this.chunks = [];
      this.buffered = 0;
    } else {
      const rest = committed === 0 ? buf : Buffer.from(buf.subarray(committed));
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
    }
    return events;
  }

  /** At the start of a key record that has grown past bigKeyBytes: reads its head and goes on in pieces. */
  private openBig(r: Reader, events: RdbEvent[]): boolean {
    try {
      const op = r.u8();
      if (op >= RDB_OPCODE.SLOT_IMPORT || !KNOWN_TYPES.has(op) || (this.valkey && op === VALKEY_TYPE.HASH_2)) return false;
      return this.beginBig(r, op, r.string(), events);
    } catch (e) {
      if (e instanceof NeedMore) return false;
      throw e;
    }
  }

  /** Reads the value's head and goes on in pieces; false when this type is held whole (r.pos is then anywhere). */
  private beginBig(r: Reader, op: number, key: Buffer, events: RdbEvent[]): boolean {
    const big = BigKey.open(r, op, key);
    if (!big) return false;
    const ev: RdbEvent = { type: 'key-begin', db: this.db, key, rdbType: op, kind: big.kind };
    this.takeOpcodes(ev);
    events.push(ev);
    this.big = big;
    return true;
  }

  /** The expiry, idle and freq opcodes read before this key go onto its event, and are cleared for the next. */
  private takeOpcodes(ev: KeyHead): void {
    if (this.expireAtMs !== undefined) ev.expireAtMs = this.expireAtMs;
    if (this.idle !== undefined) ev.idle = this.idle;
    if (this.freq !== undefined) ev.freq = this.freq;
    this.expireAtMs = this.idle = this.freq = undefined;
  }

  private bigStep(r: Reader, events: RdbEvent[]): void {
    const big = this.big!;
    big.step(r);
    if (big.partFull || big.finished) this.flushPart(events);
    if (!big.finished) return;
    events.push(big.stream ? { type: 'key-end', key: big.key, kind: big.kind, stream: big.stream } : { type: 'key-end', key: big.key, kind: big.kind });
    this.big = undefined;
    this.stats.keys++;
    this.stats.bigKeys++;
  }

  private flushPart(events: RdbEvent[]): void {
    const part = this.big?.takePart();
    if (part) events.push({ type: 'key-part', key: this.big!.key, part });
  }

  /** A byte where a record starts that is neither a value type nor an opcode cutover knows. */
  private unknownByte(op: number, at: number): RdbError {
    const what = op >= 200 ? 'unknown opcode' : 'unknown value type';
    return new RdbError(`${what} ${op} (0x${op.toString(16)}) at byte ${this.stats.bytes + at} of the RDB (${this.valkey ? `VALKEY${String(this.version).padStart(3, '0')}` : `version ${this.version}`}): not written by Redis or Valkey as cutover knows them (a Redis Enterprise or module-extended server's?)`);
  }

  /** Parses one record starting at r.pos; state changes happen only after its last byte was read. */
  private record(r: Reader, buf: Buffer, start: number, events: RdbEvent[]): void {
    if (this.version < 0) {
      const h = readRdbHeader(r.bytes(9).toString('latin1'));
      this.version = h.version;
      this.valkey = h.valkey;
      events.push(h.valkey ? { type: 'header', version: h.version, valkey: true } : { type: 'header', version: h.version });
      return;
    }
    const op = r.u8();
    switch (op) {
      case RDB_OPCODE.AUX: {
        const key = r.string();
        const value = r.string();
        events.push({ type: 'aux', key, value });
        return;
      }
      case RDB_OPCODE.SELECTDB: {
        const db = r.length();
        this.db = db;
        events.push({ type: 'select-db', db });
        return;
      }
      case RDB_OPCODE.RESIZEDB: {
        const size = r.length();
        const expires = r.length();
        events.push({ type: 'resize-db', size, expires });
        return;
      }
      case RDB_OPCODE.SLOT_INFO: {
        const slot = r.length();
        const size = r.length();
        const expiresSize = r.length();
        events.push({ type: 'slot-info', slot, size, expiresSize });
        return;
      }
      case RDB_OPCODE.EXPIRETIME_MS:
        this.expireAtMs = r.msTime();
        return;
      case RDB_OPCODE.EXPIRETIME:
        this.expireAtMs = r.i32le() * 1000;
        return;
      case RDB_OPCODE.IDLE:
        this.idle = r.length();
        return;
      case RDB_OPCODE.FREQ:
        this.freq = r.u8();
        return;
      case RDB_OPCODE.FUNCTION2: {
        const payload = r.string();
        this.stats.functions++;
        events.push({ type: 'function', payload });
        return;
      }
      case RDB_OPCODE.FUNCTION_PRE_GA: {
        // 7.0 release candidates: name, engine, [has description, description], code; Redis 7.0 loads it as the
        // library "#!<engine> name=<name>\n<code>" (rdbFunctionLoad), the description left out
        const name = r.string();
        const engine = r.string();
        if (r.length()) r.skipString();
        const code = r.string();
        const payload = Buffer.concat([Buffer.from('#!'), engine, Buffer.from(' name='), name, Buffer.from('\n'), code]);
        this.stats.functions++;
        events.push({ type: 'function', payload });
        return;
      }
      case RDB_OPCODE.SLOT_IMPORT: {
        if (!this.valkey) throw this.unknownByte(op, start);
        // Valkey 9: job name, then slot ranges (start, end)
        const job = r.string();
        const ranges = r.length();
        for (let i = 0; i < ranges * 2; i++) r.length();
        events.push({ type: 'slot-import', job });
        return;
      }
      case RDB_OPCODE.MODULE_AUX: {
        const moduleId = r.lengthBig();
        const whenOpcode = r.length();
        r.length(); // when
        if (whenOpcode !== MODULE_OPCODE_UINT) throw new RdbError('module aux: bad "when" opcode');
        skipModuleOpcodes(r);
        this.stats.moduleAux++;
        events.push({ type: 'module-aux', moduleId, moduleName: moduleName(moduleId).name });
        return;
      }
      case RDB_OPCODE.EOF: {
        const computed = this.crc.clone().update(buf, start, r.pos).value();
        const checksum = this.version >= 5 ? r.u64le() : 0n;
        this.done = true;
        events.push({ type: 'end', checksum, computed, checksumOk: checksum === 0n || checksum === computed });
        return;
      }
      default: {
        if (!KNOWN_TYPES.has(op)) throw this.unknownByte(op, start);
        if (this.valkey && op === VALKEY_TYPE.HASH_2) {
          throw new RdbError(`a Valkey 9 hash with field expiries (type ${op}, at byte ${this.stats.bytes + start}): cutover does not read this Valkey type yet`);
        }
        const key = r.string();
        // a string small in the file but bigger than bigKeyBytes once decompressed: in pieces too
        if (op === RDB_TYPE.STRING && lzfOutputLength(r) > (this.options.bigKeyBytes ?? Infinity)) {
          this.beginBig(r, op, key, events);
          return;
        }
        const valueStart = r.pos;
        let value: RdbValue | undefined;
        try {
          value = this.options.lazyValues ? undefined : readValue(r, op);
          if (!value) skipValue(r, op);
        } catch (e) {
          // a value Redis would refuse to load: the line names the key, the one thing the operator can look up
          if (e instanceof RdbError) throw new RdbError(`key ${keyText(key)} in db ${this.db}: ${e.message}`);
          throw e;
        }
        const raw = Buffer.allocUnsafe(1 + r.pos - valueStart);
        raw[0] = op;
        buf.copy(raw, 1, valueStart, r.pos);
        const ev = (value ? { type: 'key', db: this.db, key, rdbType: op, value, raw } : lazyKey(this.db, key, op, raw)) as KeyEvent;
        this.takeOpcodes(ev);
        this.stats.keys++;
        if (op === RDB_TYPE.MODULE_2) this.stats.moduleValues++;
        events.push(ev);
      }
    }
  }
}
