// The RDB received over the replica protocol, kept in a temporary file before any of it is applied, as a Redis
// replica does by default (repl-diskless-load disabled): memory stays bounded by one record, and what can only be
// known at the end of the file (its CRC64, a record cutover cannot read) refuses the whole RDB before the target
// is written. Each chunk is checked as it arrives by a parser that decodes every value and writes nothing; the
// file is then read back in chunks and applied.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RdbParser } from '../rdb/parser.js';
import { RdbError, type RdbEvent, type StreamValue } from '../rdb/types.js';

const READ_CHUNK = 1024 * 1024;

/** What the check of the whole file found that the apply pass needs to say. */
export interface SpoolFindings {
  version: number;
  valkey: boolean;
  keys: number;
  /**
   * the consumer groups of each stream too big to hold (by db and key name, without entries): the apply pass
   * restores them first (see stream-shell.ts)
   */
  bigStreams: Map<string, StreamValue>;
}

export function streamSlot(db: number, key: Buffer): string {
  return `${db}:${key.toString('latin1')}`;
}

export class RdbSpool {
  readonly path: string;
  private readonly dir: string;
  private fd: number;
  private size = 0;
  private readonly check: RdbParser;
  private end?: Extract<RdbEvent, { type: 'end' }>;
  readonly findings: SpoolFindings = { version: -1, valkey: false, keys: 0, bigStreams: new Map() };
  /** the db of the key being read in pieces */
  private bigDb = 0;

  constructor(private readonly bigKeyBytes: number, parent = tmpdir()) {
    this.dir = mkdtempSync(join(parent, 'cutover-rdb-'));
    this.path = join(this.dir, 'received.rdb');
    this.fd = openSync(this.path, 'w+', 0o600);
    this.check = new RdbParser({ bigKeyBytes });
  }

  /** bytes received so far */
  get bytes(): number {
    return this.size;
  }

  /** Appends a chunk and checks it; throws the first reason the RDB cannot be applied (the file is then removed). */
  push(chunk: Buffer): void {
    try {
      let at = 0;
      while (at < chunk.length) at += writeSync(this.fd, chunk, at, chunk.length - at, this.size + at);
      this.size += chunk.length;
      this.note(this.check.push(chunk));
    } catch (e) {
      this.remove();
      throw e;
    }
  }

  /** The whole RDB has arrived: throws if it is incomplete or its checksum is wrong (the file is then removed). */
  finish(): SpoolFindings {
    try {
      this.note(this.check.end());
      const end = this.end!;
      if (!end.checksumOk) {
        throw new RdbError(`its CRC64 checksum is wrong (the file says ${hex(end.checksum)}, its bytes give ${hex(end.computed)}): it was damaged on the source or on the way`);
      }
      return this.findings;
    } catch (e) {
      this.remove();
      throw e;
    }
  }

  private note(events: RdbEvent[]): void {
    for (const ev of events) {
      switch (ev.type) {
        case 'header':
          this.findings.version = ev.version;
          this.findings.valkey = !!ev.valkey;
          break;
        case 'key':
          this.findings.keys++;
          if (ev.value.type === 'stream' && ev.raw.length >= this.bigKeyBytes) this.findings.bigStreams.set(streamSlot(ev.db, ev.key), { ...ev.value.value, entries: [] });
          break;
        case 'key-begin':
          this.findings.keys++;
          this.bigDb = ev.db;
          break;
        case 'key-end':
          if (ev.stream) this.findings.bigStreams.set(streamSlot(this.bigDb, ev.key), ev.stream);
          break;
        case 'end':
          this.end = ev;
          break;
      }
    }
  }

  /** The file's bytes, a chunk at a time (sync reads of a local file: the caller yields between chunks). */
  *chunks(size = READ_CHUNK): Generator<Buffer> {
    let pos = 0;
    while (pos < this.size) {
      const buf = Buffer.allocUnsafe(Math.min(size, this.size - pos));
      const n = readSync(this.fd, buf, 0, buf.length, pos);
      if (n <= 0) throw new Error(`reading the received RDB ${this.path} back failed at byte ${pos}`);
      pos += n;
      yield n === buf.length ? buf : buf.subarray(0, n);
    }
  }

  /** Closes and deletes the file (again: nothing). */
  remove(): void {
    if (this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        // closed already
      }
      this.fd = -1;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function hex(n: bigint): string {
  return `0x${n.toString(16).padStart(16, '0')}`;
}
