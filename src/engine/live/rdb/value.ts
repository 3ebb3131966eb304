// Decodes one value of a given RDB type from the reader, positioned just after the key name.
import { decodeIntset } from './intset.js';
import { decodeListpack, type PackedElement } from './listpack.js';
import { moduleName, skipModuleOpcodes } from './module.js';
import type { Reader } from './reader.js';
import { asBuf, readStream, readStreamTail } from './stream.js';
import { RDB_TYPE, RdbError, type RdbValue } from './types.js';
import { decodeZiplist } from './ziplist.js';
import { decodeZipmap } from './zipmap.js';

const QUICKLIST_NODE_PLAIN = 1;
const QUICKLIST_NODE_PACKED = 2;

function pairs(els: PackedElement[], what: string): [Buffer, Buffer][] {
  if (els.length % 2) throw new RdbError(`${what}: odd number of elements`);
  const out: [Buffer, Buffer][] = [];
  for (let i = 0; i < els.length; i += 2) out.push([asBuf(els[i]), asBuf(els[i + 1])]);
  return out;
}

function zpairs(els: PackedElement[], what: string): [Buffer, number][] {
  if (els.length % 2) throw new RdbError(`${what}: odd number of elements`);
  const out: [Buffer, number][] = [];
  for (let i = 0; i < els.length; i += 2) {
    const s = els[i + 1];
    out.push([asBuf(els[i]), typeof s === 'bigint' ? Number(s) : parseScore(s)]);
  }
  return out;
}

function parseScore(b: Buffer): number {
  const s = b.toString('latin1').toLowerCase();
  if (s === 'inf' || s === '+inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (s === 'nan') return NaN;
  return Number(s);
}

/** One field of a 7.4 HASH_METADATA(_PRE_GA): its expiry (a length: absolute, or GA's minExpire-relative + 1; 0 none), field, value. */
export function readHashMetaField(r: Reader, type: number, minExpire: number): [Buffer, Buffer, number] {
  const ttl = Number(r.lengthBig());
  const expireAt = ttl === 0 ? 0 : type === RDB_TYPE.HASH_METADATA ? ttl + minExpire - 1 : ttl;
  return [r.string(), r.string(), expireAt];
}

/** A 7.4 HASH_LISTPACK_EX(_PRE_GA) listpack: field, value, expiry (unix ms, 0 none) triples. */
function hashListpackEx(els: PackedElement[]): Extract<RdbValue, { type: 'hash' }> {
  if (els.length % 3) throw new RdbError('hash listpack-ex: elements are not field, value, expiry triples');
  const value: [Buffer, Buffer][] = [];
  const fieldExpireAt: number[] = [];
  for (let i = 0; i < els.length; i += 3) {
    value.push([asBuf(els[i]), asBuf(els[i + 1])]);
    const at = els[i + 2];
    fieldExpireAt.push(typeof at === 'bigint' ? Number(at) : Number(at.toString('latin1')));
  }
  return { type: 'hash', value, fieldExpireAt };
}

export function readValue(r: Reader, type: number): RdbValue {
  switch (type) {
    case RDB_TYPE.STRING:
      return { type: 'string', value: r.string() };
    case RDB_TYPE.LIST:
    case RDB_TYPE.SET: {
      const n = r.length();
      const out: Buffer[] = [];
      for (let i = 0; i < n; i++) out.push(r.string());
      return type === RDB_TYPE.LIST ? { type: 'list', value: out } : { type: 'set', value: out };
    }
    case RDB_TYPE.ZSET:
    case RDB_TYPE.ZSET_2: {
      const n = r.length();
      const out: [Buffer, number][] = [];
      for (let i = 0; i < n; i++) {
        const m = r.string();
        out.push([m, type === RDB_TYPE.ZSET_2 ? r.f64le() : r.stringDouble()]);
      }
      return { type: 'zset', value: out };
    }
    case RDB_TYPE.HASH: {
      const n = r.length();
      const out: [Buffer, Buffer][] = [];
      for (let i = 0; i < n; i++) out.push([r.string(), r.string()]);
      return { type: 'hash', value: out };
    }
    case RDB_TYPE.HASH_METADATA_PRE_GA:
    case RDB_TYPE.HASH_METADATA: {
      const minExpire = type === RDB_TYPE.HASH_METADATA ? r.msTime() : 0;
      const n = r.length();
      const value: [Buffer, Buffer][] = [];
      const fieldExpireAt: number[] = [];
      for (let i = 0; i < n; i++) {
        const [f, v, at] = readHashMetaField(r, type, minExpire);
        value.push([f, v]);
        fieldExpireAt.push(at);
      }
      return { type: 'hash', value, fieldExpireAt };
    }
    case RDB_TYPE.HASH_LISTPACK_EX_PRE_GA:
      return hashListpackEx(decodeListpack(r.string()));
    case RDB_TYPE.HASH_LISTPACK_EX:
      r.msTime(); // the minimum expiry, kept for Redis's own use
      return hashListpackEx(decodeListpack(r.string()));
    case RDB_TYPE.HASH_ZIPMAP:
      return { type: 'hash', value: decodeZipmap(r.string()) };
    case RDB_TYPE.LIST_ZIPLIST:
      return { type: 'list', value: decodeZiplist(r.string()).map(asBuf) };
    case RDB_TYPE.SET_INTSET:
      return { type: 'set', value: decodeIntset(r.string()).map((v) => Buffer.from(v.toString())) };
    case RDB_TYPE.SET_LISTPACK:
      return { type: 'set', value: decodeListpack(r.string()).map(asBuf) };
    case RDB_TYPE.ZSET_ZIPLIST:
      return { type: 'zset', value: zpairs(decodeZiplist(r.string()), 'zset ziplist') };
    case RDB_TYPE.ZSET_LISTPACK:
      return { type: 'zset', value: zpairs(decodeListpack(r.string()), 'zset listpack') };
    case RDB_TYPE.HASH_ZIPLIST:
      return { type: 'hash', value: pairs(decodeZiplist(r.string()), 'hash ziplist') };
    case RDB_TYPE.HASH_LISTPACK:
      return { type: 'hash', value: pairs(decodeListpack(r.string()), 'hash listpack') };
    case RDB_TYPE.LIST_QUICKLIST: {
      const n = r.length();
      const out: Buffer[] = [];
      for (let i = 0; i < n; i++) for (const e of decodeZiplist(r.string())) out.push(asBuf(e));
      return { type: 'list', value: out };
    }
    case RDB_TYPE.LIST_QUICKLIST_2: {
      const n = r.length();
      const out: Buffer[] = [];
      for (let i = 0; i < n; i++) {
        const container = r.length();
        const blob = r.string();
        if (container === QUICKLIST_NODE_PLAIN) out.push(blob);
        else if (container === QUICKLIST_NODE_PACKED) for (const e of decodeListpack(blob)) out.push(asBuf(e));
        else throw new RdbError(`quicklist: unknown container ${container}`);
      }
      return { type: 'list', value: out };
    }
    case RDB_TYPE.STREAM_LISTPACKS:
    case RDB_TYPE.STREAM_LISTPACKS_2:
    case RDB_TYPE.STREAM_LISTPACKS_3:
      return { type: 'stream', value: readStream(r, type) };
    case RDB_TYPE.MODULE_2: {
      const moduleId = r.lengthBig();
      skipModuleOpcodes(r);
      const m = moduleName(moduleId);
      return { type: 'module', value: { moduleId, moduleName: m.name, moduleVersion: m.version, skipped: true } };
    }
    case RDB_TYPE.MODULE_PRE_GA:
      throw new RdbError('MODULE_PRE_GA values (Redis 4.0 release candidates) cannot be skipped');
    default:
      throw new RdbError(`unknown RDB value type ${type}`);
  }
}

/**
 * Moves past one value of a given RDB type without building it (no element is copied): what a RESTORE of the
 * key's own bytes needs. A stream's groups are still read (they follow its nodes). Checks less than readValue:
 * the packed encodings are only decoded when the value is.
 */
export function skipValue(r: Reader, type: number): void {
  const strings = (perElement: number) => {
    const n = r.length();
    for (let i = 0; i < n * perElement; i++) r.skipString();
  };
  switch (type) {
    case RDB_TYPE.STRING:
    case RDB_TYPE.HASH_ZIPMAP:
    case RDB_TYPE.LIST_ZIPLIST:
    case RDB_TYPE.SET_INTSET:
    case RDB_TYPE.SET_LISTPACK:
    case RDB_TYPE.ZSET_ZIPLIST:
    case RDB_TYPE.ZSET_LISTPACK:
    case RDB_TYPE.HASH_ZIPLIST:
    case RDB_TYPE.HASH_LISTPACK:
    case RDB_TYPE.HASH_LISTPACK_EX_PRE_GA:
      return r.skipString();
    case RDB_TYPE.HASH_LISTPACK_EX:
      r.skip(8);
      return r.skipString();
    case RDB_TYPE.LIST:
    case RDB_TYPE.SET:
    case RDB_TYPE.LIST_QUICKLIST:
      return strings(1);
    case RDB_TYPE.HASH:
      return strings(2);
    case RDB_TYPE.ZSET:
    case RDB_TYPE.ZSET_2: {
      const n = r.length();
      for (let i = 0; i < n; i++) {
        r.skipString();
        if (type === RDB_TYPE.ZSET_2) r.skip(8);
        else {
          const l = r.u8();
          if (l < 253) r.skip(l);
        }
      }
      return;
    }
    case RDB_TYPE.HASH_METADATA:
      r.skip(8);
    // falls through: then as the release candidates' form
    case RDB_TYPE.HASH_METADATA_PRE_GA: {
      const n = r.length();
      for (let i = 0; i < n; i++) {
        r.lengthBig();
        r.skipString();
        r.skipString();
      }
      return;
    }
    case RDB_TYPE.LIST_QUICKLIST_2: {
      const n = r.length();
      for (let i = 0; i < n; i++) {
        r.length();
        r.skipString();
      }
      return;
    }
    case RDB_TYPE.STREAM_LISTPACKS:
    case RDB_TYPE.STREAM_LISTPACKS_2:
    case RDB_TYPE.STREAM_LISTPACKS_3:
      strings(2);
      readStreamTail(r, type, []);
      return;
    default:
      // modules (skipped by their opcodes either way) and what readValue refuses
      readValue(r, type);
  }
}
