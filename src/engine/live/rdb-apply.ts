// An RDB's events written to the target: each key as a RESTORE (with its typed writes as the fallback when the
// target cannot read the payload's format), a key too big to hold in pieces, functions loaded; keys the filters
// leave out, expired ones and module values skipped (counted).
import { keyPasses } from '../replicate/scan.js';
import { streamSlot, type SpoolFindings } from './psync/rdb-spool.js';
import { streamShellPayload } from './rdb/stream-shell.js';
import type { RdbParser } from './rdb/parser.js';
import { RDB_TYPE, RdbError, type RdbEvent } from './rdb/types.js';
import { payloadVersion } from './rdb/versions.js';
import { bigKeyBegin, bigKeyEnd, bigKeyPart, restoreOf, typedWrites } from './rdb-ops.js';
import type { Cmd } from '../redis/resp.js';
import type { TranslateOptions } from './translate.js';
import type { TargetWriter, WriteOp } from './writer.js';

/** a queued argument's object beyond its bytes (a Buffer view, a string header), measured roughly with process.memoryUsage */
const ARG_OVERHEAD = 96;

export interface RdbApplyContext {
  translate: TranslateOptions;
  writer: Pick<TargetWriter, 'baseDb' | 'cluster'>;
  /** the source's counts: keys applied, big keys, skipped */
  counts: { rdbKeys: number; rdbBigKeys: number; rdbSkipped: number };
  log(level: 'info' | 'warn' | 'error', message: string): void;
  push(op: WriteOp): void;
  /** the parser of the RDB now applied (its version) */
  parser(): RdbParser;
  /** what the check of the RDB now applied from its file found (its big streams' groups) */
  findings(): SpoolFindings | undefined;
}

export class RdbApplier {
  /** the RDB key being written in pieces (undefined while one is left out) */
  private big?: { db: number; key: Buffer; expireAtMs?: number; wrote: boolean; shell?: boolean };
  private warnedModules = false;
  /** module names already said (values / aux data not copied) */
  private saidModules = new Set<string>();

  constructor(private readonly c: RdbApplyContext) {}

  /** A new RDB: no key of the last one is still being written in pieces. */
  reset(): void {
    this.big = undefined;
  }

  /** The RDB's key goes to the target: db mapped, key filters passed, not expired. */
  private targetDb(ev: { db: number; key: Buffer; expireAtMs?: number }): number | undefined {
    const t = this.c.translate;
    const db = t.allDbs ? ev.db : ev.db === t.sourceDb ? t.targetDb : undefined;
    if (db === undefined || !keyPasses(ev.key, t.scan) || (ev.expireAtMs !== undefined && ev.expireAtMs <= Date.now())) return undefined;
    return db;
  }

  private pushCmds(db: number, key: Buffer, cmds: Cmd[]): void {
    for (const cmd of cmds) {
      // what the op holds in memory: each argument's bytes and its object (a part has a thousand small ones)
      let bytes = 64;
      for (const a of cmd) bytes += ARG_OVERHEAD + (typeof a === 'string' ? a.length : typeof a === 'number' ? 8 : a.length);
      this.c.push({ db, cmds: [cmd], keys: [key], bytes });
    }
  }

  /** Writes the RDB events to the target (through `push`). */
  apply(events: RdbEvent[]): void {
    for (const ev of events) {
      switch (ev.type) {
        case 'module-aux':
          if (!this.saidModules.has(`aux ${ev.moduleName}`)) this.c.log('warn', `module auxiliary data in the source's RDB is not copied (module ${ev.moduleName})`);
          this.saidModules.add(`aux ${ev.moduleName}`);
          break;
        case 'end':
          if (!ev.checksumOk) throw new RdbError(`its CRC64 checksum is wrong (the file says 0x${ev.checksum.toString(16)}, its bytes give 0x${ev.computed.toString(16)}): it was damaged on the source or on the way`);
          break;
        case 'function':
          this.c.push({ db: this.c.writer.baseDb, cmds: [['FUNCTION', 'LOAD', 'REPLACE', ev.payload]], keys: [undefined], broadcast: !!this.c.writer.cluster, bytes: ev.payload.length });
          break;
        case 'key': {
          const db = this.targetDb(ev);
          if (db === undefined) {
            this.c.counts.rdbSkipped++;
            break;
          }
          if (ev.rdbType === RDB_TYPE.MODULE_2) {
            this.c.counts.rdbSkipped++;
            const v = this.warnedModules ? undefined : ev.value;
            if (v?.type === 'module') this.c.log('warn', `module values in the source's RDB are not copied (module ${v.value.moduleName})`);
            this.warnedModules = true;
            break;
          }
          this.c.counts.rdbKeys++;
          const parser = this.c.parser();
          const restore = restoreOf(ev, payloadVersion(parser.rdbVersion, parser.isValkey, ev.rdbType));
          this.c.push({ db, cmds: [restore], keys: [ev.key], fallback: () => this.fallbackOf(ev), bytes: ev.raw.length + ev.key.length + 64 });
          break;
        }
        // a key too big to hold: DEL, its elements in parts, then its stream groups and TTL
        case 'key-begin': {
          const db = this.targetDb(ev);
          if (db === undefined) {
            this.c.counts.rdbSkipped++;
            this.big = undefined;
            break;
          }
          this.c.counts.rdbKeys++;
          this.c.counts.rdbBigKeys++;
          // a stream whose groups the check found: restored first with them (seen-times, deleted pending entries)
          const groups = ev.kind === 'stream' ? this.c.findings()?.bigStreams.get(streamSlot(ev.db, ev.key)) : undefined;
          this.big = { db, key: ev.key, expireAtMs: ev.expireAtMs, wrote: false, shell: !!groups };
          if (groups) this.c.push({ db, cmds: [['RESTORE', ev.key, 0, streamShellPayload(groups), 'REPLACE']], keys: [ev.key], bytes: 256 });
          else this.pushCmds(db, ev.key, bigKeyBegin(ev.key));
          break;
        }
        case 'key-part':
          if (!this.big) break;
          this.pushCmds(this.big.db, this.big.key, bigKeyPart(this.big.key, ev.part));
          this.big.wrote = true;
          break;
        case 'key-end':
          if (!this.big) break;
          this.pushCmds(this.big.db, this.big.key, bigKeyEnd(ev, this.big.expireAtMs, this.big.wrote, this.big.shell));
          this.big = undefined;
          break;
      }
    }
  }

  /** The typed writes for a key the target could not RESTORE; a value that does not decode fails that key loudly. */
  private fallbackOf(ev: Extract<RdbEvent, { type: 'key' }>): ReturnType<typeof typedWrites> {
    try {
      return typedWrites(ev);
    } catch (e) {
      this.c.log('error', `RDB key ${ev.key.toString('utf8').slice(0, 60)}: the target refused its RESTORE and its value does not decode (${(e as Error).message}): not written`);
      return undefined;
    }
  }
}
