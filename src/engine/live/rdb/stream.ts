// STREAM_LISTPACKS, _2 (7.0) and _3 (7.2): listpack nodes of entries, then metadata and consumer groups.
import { decodeListpack, type PackedElement } from './listpack.js';
import type { Reader } from './reader.js';
import { RDB_TYPE, RdbError, type StreamGroup, type StreamId, type StreamValue } from './types.js';

const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;

function id(ms: bigint, seq: bigint): StreamId {
  return `${ms}-${seq}`;
}

function rawId(b: Buffer): StreamId {
  return id(b.readBigUInt64BE(0), b.readBigUInt64BE(8));
}

function asInt(e: PackedElement | undefined): bigint {
  if (e === undefined) throw new RdbError('stream listpack: truncated');
  if (typeof e === 'bigint') return e;
  const s = e.toString('latin1');
  if (!/^-?\d+$/.test(s)) throw new RdbError(`stream listpack: expected an integer, found ${JSON.stringify(s)}`);
  return BigInt(s);
}

export function asBuf(e: PackedElement | undefined): Buffer {
  if (e === undefined) throw new RdbError('packed collection: truncated');
  return typeof e === 'bigint' ? Buffer.from(e.toString()) : e;
}

/** Decodes one stream listpack node whose master ID is `master` (16 bytes, big-endian ms and seq). */
export function decodeStreamNode(master: Buffer, lp: Buffer, out: [StreamId, Buffer[]][]): void {
  if (master.length !== 16) throw new RdbError('stream: node key is not a 128-bit ID');
  const ms0 = master.readBigUInt64BE(0);
  const seq0 = master.readBigUInt64BE(8);
  const els = decodeListpack(lp);
  let i = 0;
  const next = () => els[i++];
  const count = Number(asInt(next()));
  const deleted = Number(asInt(next()));
  const nMaster = Number(asInt(next()));
  const masterFields: Buffer[] = [];
  for (let k = 0; k < nMaster; k++) masterFields.push(asBuf(next()));
  asInt(next()); // master entry terminator
  for (let n = 0; n < count + deleted; n++) {
    const flags = Number(asInt(next()));
    const ms = ms0 + asInt(next());
    const seq = seq0 + asInt(next());
    const fields: Buffer[] = [];
    if (flags & FLAG_SAMEFIELDS) {
      for (let k = 0; k < nMaster; k++) fields.push(masterFields[k], asBuf(next()));
    } else {
      const nf = Number(asInt(next()));
      for (let k = 0; k < nf; k++) fields.push(asBuf(next()), asBuf(next()));
    }
    asInt(next()); // lp-count of this entry
    if (!(flags & FLAG_DELETED)) out.push([id(ms, seq), fields]);
  }
  if (i !== els.length) throw new RdbError(`stream node: ${els.length - i} elements left over`);
}

export function readStream(r: Reader, type: number): StreamValue {
  const entries: [StreamId, Buffer[]][] = [];
  const nodes = r.length();
  for (let n = 0; n < nodes; n++) readStreamNode(r, entries);
  return readStreamTail(r, type, entries);
}

/** One node of a stream's radix tree: its master ID and its listpack of entries. */
export function readStreamNode(r: Reader, out: [StreamId, Buffer[]][]): void {
  const master = r.string();
  const lp = r.string();
  decodeStreamNode(master, lp, out);
}

/** What follows a stream's nodes: length, IDs, counters and consumer groups. */
export function readStreamTail(r: Reader, type: number, entries: [StreamId, Buffer[]][]): StreamValue {
  const length = r.length();
  const lastId = id(r.lengthBig(), r.lengthBig());
  const v: StreamValue = { entries, length, lastId, groups: [] };
  if (type >= RDB_TYPE.STREAM_LISTPACKS_2) {
    v.firstId = id(r.lengthBig(), r.lengthBig());
    v.maxDeletedId = id(r.lengthBig(), r.lengthBig());
    v.entriesAdded = r.length();
  }
  const ngroups = r.length();
  for (let g = 0; g < ngroups; g++) {
    const name = r.string();
    const group: StreamGroup = { name, lastId: id(r.lengthBig(), r.lengthBig()), pel: [], consumers: [] };
    if (type >= RDB_TYPE.STREAM_LISTPACKS_2) {
      const er = r.lengthBig();
      group.entriesRead = er === 0xffffffffffffffffn ? -1 : Number(er); // SCG_INVALID_ENTRIES_READ
    }
    const npel = r.length();
    for (let p = 0; p < npel; p++) {
      const eid = rawId(r.bytes(16));
      const deliveryTime = r.msTime();
      const deliveryCount = r.length();
      group.pel.push({ id: eid, deliveryTime, deliveryCount });
    }
    const nconsumers = r.length();
    for (let c = 0; c < nconsumers; c++) {
      const cname = r.string();
      const seenTime = r.msTime();
      const activeTime = type >= RDB_TYPE.STREAM_LISTPACKS_3 ? r.msTime() : undefined;
      const cpel: StreamId[] = [];
      const ncpel = r.length();
      for (let p = 0; p < ncpel; p++) cpel.push(rawId(r.bytes(16)));
      group.consumers.push(activeTime === undefined ? { name: cname, seenTime, pel: cpel } : { name: cname, seenTime, activeTime, pel: cpel });
    }
    v.groups.push(group);
  }
  return v;
}
