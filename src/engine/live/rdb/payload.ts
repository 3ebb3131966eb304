// RESTORE payloads from a key's raw RDB bytes, as DUMP builds them (rdb.c createDumpPayload):
// [type byte + encoded value][RDB version, u16 LE][CRC64 of all the preceding bytes, u64 LE].
import { Crc64 } from './crc64.js';

export function dumpPayload(raw: Buffer, rdbVersion: number): Buffer {
  const out = Buffer.allocUnsafe(raw.length + 10);
  raw.copy(out, 0);
  out.writeUInt16LE(rdbVersion, raw.length);
  new Crc64().update(out, 0, raw.length + 2).bytesLE().copy(out, raw.length + 2);
  return out;
}
