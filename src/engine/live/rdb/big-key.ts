// One key too big to hold whole, read a piece at a time: a string's bytes (raw or LZF), or a collection's
// elements (hashtable sets, hashes and sorted sets, quicklist nodes, stream nodes). Each step() reads one
// unit, and changes nothing unless it read all of it (a NeedMore leaves the key as it was, so the parser can
// retry the unit when more bytes have arrived). What was read leaves in parts of about PART_BYTES.
import { decodeListpack } from './listpack.js';
import { LzfStream } from './lzf-stream.js';
import { NeedMore, type Reader } from './reader.js';
import { asBuf, readStreamNode, readStreamTail } from './stream.js';
import { RDB_TYPE, RdbError, type BigKeyKind, type BigKeyPart, type StreamId, type StreamValue } from './types.js';
import { readHashMetaField } from './value.js';
import { decodeZiplist } from './ziplist.js';

export const PART_BYTES = 256 * 1024;
const PART_ITEMS = 1000;
const ENC_LZF = 3;
const QUICKLIST_NODE_PLAIN = 1;
const QUICKLIST_NODE_PACKED = 2;

const KIND: Partial<Record<number, BigKeyKind>> = {
  [RDB_TYPE.STRING]: 'string',
  [RDB_TYPE.LIST]: 'list',
  [RDB_TYPE.LIST_QUICKLIST]: 'list',
  [RDB_TYPE.LIST_QUICKLIST_2]: 'list',
  [RDB_TYPE.SET]: 'set',
  [RDB_TYPE.ZSET]: 'zset',
  [RDB_TYPE.ZSET_2]: 'zset',
  [RDB_TYPE.HASH]: 'hash',
  [RDB_TYPE.HASH_METADATA_PRE_GA]: 'hash',
  [RDB_TYPE.HASH_METADATA]: 'hash',
  [RDB_TYPE.STREAM_LISTPACKS]: 'stream',
  [RDB_TYPE.STREAM_LISTPACKS_2]: 'stream',
  [RDB_TYPE.STREAM_LISTPACKS_3]: 'stream',
};

type Item = Buffer | [Buffer, number] | [Buffer, Buffer] | [StreamId, Buffer[]];

export class BigKey {
  /** string bytes, elements or stream nodes still to read */
  private left: number;
  private items: Item[] = [];
  private expires: number[] = [];
  private bytes = 0;
  private lzf?: LzfStream;
  private minExpire = 0;
  /** a stream's metadata and groups, once read */
  stream?: StreamValue;

  private constructor(
    readonly key: Buffer,
    readonly type: number,
    readonly kind: BigKeyKind,
    left: number,
  ) {
    this.left = left;
  }

  /**
   * Reads the head of the value (a string's length, a collection's count) after the key name; undefined when
   * values of this type and encoding are not read in pieces (single-blob encodings, small by Redis's limits;
   * int-encoded strings; module values): the caller holds those whole.
   */
  static open(r: Reader, type: number, key: Buffer): BigKey | undefined {
    const kind = KIND[type];
    if (!kind) return undefined;
    if (kind === 'string') {
      const h = r.lengthOrEnc();
      if (!h.encoded) return new BigKey(key, type, kind, Number(h.len));
      if (Number(h.len) !== ENC_LZF) return undefined;
      const clen = r.length();
      const big = new BigKey(key, type, kind, clen);
      big.lzf = new LzfStream(r.length(), PART_BYTES);
      return big;
    }
    const minExpire = type === RDB_TYPE.HASH_METADATA ? r.msTime() : 0;
    const big = new BigKey(key, type, kind, r.length());
    big.minExpire = minExpire;
    return big;
  }

  get finished(): boolean {
    return this.left === 0 && (this.kind !== 'stream' || this.stream !== undefined);
  }

  /** Enough is pending for a part. */
  get partFull(): boolean {
    return this.bytes >= PART_BYTES || this.items.length >= PART_ITEMS || (this.lzf !== undefined && this.lzf.pending >= PART_BYTES);
  }

  /** Reads one unit: a run of string bytes, an LZF instruction, an element, a node, or a stream's tail. */
  step(r: Reader): void {
    if (this.left === 0) {
      if (this.kind !== 'stream' || this.stream) throw new Error('internal: the big key is read already');
      this.stream = readStreamTail(r, this.type, []);
      return;
    }
    switch (this.type) {
      case RDB_TYPE.STRING: {
        if (this.lzf) {
          this.left -= this.lzf.step(r);
          if (this.left < 0) throw new RdbError('lzf: instruction past the compressed length');
          if (this.left === 0) this.lzf.finish();
          return;
        }
        const n = Math.min(this.left, r.available, PART_BYTES);
        if (n === 0) throw new NeedMore(r.pos + 1);
        this.add(Buffer.from(r.bytes(n)), n);
        this.left -= n;
        return;
      }
      case RDB_TYPE.LIST:
      case RDB_TYPE.SET: {
        const e = r.string();
        this.add(e, e.length);
        break;
      }
      case RDB_TYPE.ZSET:
      case RDB_TYPE.ZSET_2: {
        const m = r.string();
        const score = this.type === RDB_TYPE.ZSET_2 ? r.f64le() : r.stringDouble();
        this.add([m, score], m.length + 8);
        break;
      }
      case RDB_TYPE.HASH: {
        const f = r.string();
        const v = r.string();
        this.add([f, v], f.length + v.length);
        break;
      }
      case RDB_TYPE.HASH_METADATA_PRE_GA:
      case RDB_TYPE.HASH_METADATA: {
        const [f, v, at] = readHashMetaField(r, this.type, this.minExpire);
        this.add([f, v], f.length + v.length);
        this.expires.push(at);
        break;
      }
      case RDB_TYPE.LIST_QUICKLIST: {
        const blob = r.string();
        for (const e of decodeZiplist(blob)) this.items.push(asBuf(e));
        this.bytes += blob.length;
        break;
      }
      case RDB_TYPE.LIST_QUICKLIST_2: {
        const container = r.length();
        const blob = r.string();
        if (container === QUICKLIST_NODE_PLAIN) this.add(blob, blob.length);
        else if (container === QUICKLIST_NODE_PACKED) {
          for (const e of decodeListpack(blob)) this.items.push(asBuf(e));
          this.bytes += blob.length;
        } else throw new RdbError(`quicklist: unknown container ${container}`);
        break;
      }
      default: {
        // stream nodes
        const before = r.pos;
        const entries: [StreamId, Buffer[]][] = [];
        readStreamNode(r, entries);
        this.items.push(...entries);
        this.bytes += r.pos - before;
      }
    }
    this.left--;
  }

  private add(item: Item, bytes: number): void {
    this.items.push(item);
    this.bytes += bytes;
  }

  /** What was read since the last part; undefined when nothing was. */
  takePart(): BigKeyPart | undefined {
    if (this.lzf) return this.lzf.pending ? { type: 'string', value: this.lzf.take() } : undefined;
    if (!this.items.length) return undefined;
    const items = this.items;
    this.items = [];
    this.bytes = 0;
    switch (this.kind) {
      case 'string':
        return { type: 'string', value: items.length === 1 ? (items[0] as Buffer) : Buffer.concat(items as Buffer[]) };
      case 'list':
      case 'set':
        return { type: this.kind, value: items as Buffer[] };
      case 'zset':
        return { type: 'zset', value: items as [Buffer, number][] };
      case 'hash': {
        const part: BigKeyPart = { type: 'hash', value: items as [Buffer, Buffer][] };
        if (this.expires.length) {
          part.fieldExpireAt = this.expires;
          this.expires = [];
        }
        return part;
      }
      case 'stream':
        return { type: 'stream', value: items as [StreamId, Buffer[]][] };
    }
  }
}
