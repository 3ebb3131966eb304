// A stream's consumer groups as a RESTORE payload of an empty stream (STREAM_LISTPACKS_2, RDB 10: what Redis 7.0
// reads): no entries, last ID 0-0, then every group with its last ID, entries-read, pending entries (delivery time
// and count, deleted entries included) and consumers with their seen-time. A stream too big to hold is restored
// as this shell first, its entries XADDed after it and its IDs set last (XSETID): what commands cannot set on 7.0
// (a consumer's seen-time, a pending entry whose entry was deleted) comes this way.
import { Crc64 } from './crc64.js';
import { RDB_TYPE, type StreamId, type StreamValue } from './types.js';

const SHELL_VERSION = 10;

function lenBytes(n: bigint): Buffer {
  if (n < 64n) return Buffer.from([Number(n)]);
  if (n < 16384n) return Buffer.from([0x40 | Number(n >> 8n), Number(n & 0xffn)]);
  if (n < 2n ** 32n) {
    const b = Buffer.alloc(5);
    b[0] = 0x80;
    b.writeUInt32BE(Number(n), 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = 0x81;
  b.writeBigUInt64BE(n, 1);
  return b;
}

const len = (n: number | bigint) => lenBytes(BigInt(n));
const str = (b: Buffer) => Buffer.concat([len(b.length), b]);

function parts(id: StreamId): [bigint, bigint] {
  const [ms, seq] = id.split('-');
  return [BigInt(ms), BigInt(seq)];
}

function idLens(id: StreamId): Buffer {
  const [ms, seq] = parts(id);
  return Buffer.concat([lenBytes(ms), lenBytes(seq)]);
}

function rawId(id: StreamId): Buffer {
  const [ms, seq] = parts(id);
  const b = Buffer.alloc(16);
  b.writeBigUInt64BE(ms, 0);
  b.writeBigUInt64BE(seq, 8);
  return b;
}

function le64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(n));
  return b;
}

/** The RESTORE payload of an empty stream holding v's groups (v's entries and IDs are left out). */
export function streamShellPayload(v: StreamValue): Buffer {
  const out: Buffer[] = [Buffer.from([RDB_TYPE.STREAM_LISTPACKS_2])];
  out.push(len(0)); // no listpack nodes
  out.push(len(0), idLens('0-0')); // length, last ID
  out.push(idLens('0-0'), idLens('0-0'), len(0)); // first ID, max deleted ID, entries added
  out.push(len(v.groups.length));
  for (const g of v.groups) {
    out.push(str(g.name), idLens(g.lastId));
    out.push(g.entriesRead === undefined || g.entriesRead < 0 ? lenBytes(0xffffffffffffffffn) : len(g.entriesRead));
    out.push(len(g.pel.length));
    for (const p of g.pel) out.push(rawId(p.id), le64(p.deliveryTime), len(p.deliveryCount));
    out.push(len(g.consumers.length));
    for (const c of g.consumers) {
      out.push(str(c.name), le64(c.seenTime), len(c.pel.length));
      for (const id of c.pel) out.push(rawId(id));
    }
  }
  const body = Buffer.concat(out);
  const payload = Buffer.allocUnsafe(body.length + 10);
  body.copy(payload);
  payload.writeUInt16LE(SHELL_VERSION, body.length);
  new Crc64().update(payload, 0, body.length + 2).bytesLE().copy(payload, body.length + 2);
  return payload;
}
