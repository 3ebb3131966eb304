// The replication stream's commands as the writer's operations: SELECT followed, MULTI…EXEC gathered into one
// atomic operation, the db/key/slot filters applied, FLUSH* forwarded only when allowed, pub/sub left out.
// Pure apart from the log lines it asks for.
import { keyPasses, type ScanOptions } from '../replicate/scan.js';
import { classify, oneSlot, splitByKey, type StreamCommand } from './commands.js';
import type { Cmd, WriteOp } from './writer.js';

export interface TranslateOptions {
  allDbs: boolean;
  /** the source db replicated when not allDbs, and where it goes */
  sourceDb: number;
  targetDb: number;
  scan: ScanOptions;
  allowFlush: boolean;
  clusterTarget: boolean;
}

export interface TranslateCounts {
  /** commands left out by the db/key/slot filters, FLUSH* not forwarded, pub/sub */
  filtered: number;
  /** FLUSHALL/FLUSHDB seen (forwarded or not) */
  flushes: number;
}

type Keyed = Extract<StreamCommand, { kind: 'keyed' }>;

function bytesOf(args: Buffer[]): number {
  let n = 16;
  for (const a of args) n += a.length + 8;
  return n;
}

function cmdOf(args: Buffer[]): Cmd {
  return [args[0].toString('latin1'), ...args.slice(1)];
}

export class StreamTranslator {
  readonly counts: TranslateCounts = { filtered: 0, flushes: 0 };
  /** the source database the stream is in (SELECT) */
  db = 0;
  private txn?: { db: number; cmds: Cmd[]; keys: Array<Buffer | undefined>; bytes: number };
  private warned = new Set<string>();

  constructor(
    private readonly o: TranslateOptions,
    private readonly log: (level: 'info' | 'warn', message: string) => void,
  ) {}

  private filtersKeys(): boolean {
    const s = this.o.scan;
    return s.include.length > 0 || s.exclude.length > 0 || !!s.slots?.length;
  }

  private warnOnce(what: string, message: string): void {
    if (this.warned.has(what)) return;
    this.warned.add(what);
    this.log('warn', message);
  }

  /** The target db for a source db, or undefined when that db is not replicated. */
  private targetDb(db: number): number | undefined {
    if (this.o.allDbs) return db;
    return db === this.o.sourceDb ? this.o.targetDb : undefined;
  }

  /** A command that arrived between MULTI and EXEC has no ops of its own. */
  get inTransaction(): boolean {
    return !!this.txn;
  }

  /** One command of the stream → the operations to write now (none inside a transaction until its EXEC). */
  feed(args: Buffer[]): WriteOp[] {
    const c = classify(args);
    switch (c.kind) {
      case 'select':
        this.db = c.db;
        return [];
      case 'multi':
        this.txn = { db: this.db, cmds: [], keys: [], bytes: 0 };
        return [];
      case 'exec': {
        const t = this.txn;
        this.txn = undefined;
        if (!t || !t.cmds.length) return [];
        const db = this.targetDb(t.db);
        if (db === undefined) return [];
        return [{ db, cmds: t.cmds, keys: t.keys, bytes: t.bytes }];
      }
      case 'internal':
        this.counts.filtered++;
        return [];
      case 'flush':
        return this.flush(c.all, args);
      case 'keyless':
        return this.keyless(c.name, args);
      case 'keyed':
        return this.keyed(c);
    }
  }

  private emit(db: number, parts: Array<{ cmd: Cmd; key?: Buffer; bytes: number }>, broadcast = false): WriteOp[] {
    if (this.txn) {
      for (const p of parts) {
        this.txn.cmds.push(p.cmd);
        this.txn.keys.push(p.key);
        this.txn.bytes += p.bytes;
      }
      return [];
    }
    return parts.map((p) => ({ db, cmds: [p.cmd], keys: [p.key], bytes: p.bytes, broadcast }));
  }

  private flush(all: boolean, args: Buffer[]): WriteOp[] {
    this.counts.flushes++;
    const what = all ? 'FLUSHALL' : `FLUSHDB on db ${this.db}`;
    const db = this.targetDb(this.db);
    if (!all && db === undefined) {
      this.counts.filtered++;
      return [];
    }
    if (!this.o.allowFlush) {
      this.counts.filtered++;
      this.log('warn', `${what} on the source: not forwarded (add --allow-flush to forward it)`);
      return [];
    }
    if (this.filtersKeys()) {
      this.counts.filtered++;
      this.log('warn', `${what} on the source: not forwarded, key filters are on (it would empty keys they leave out)`);
      return [];
    }
    const targetDb = db ?? this.o.targetDb;
    // FLUSHALL of a source replicated one db at a time empties that db on the target, nothing more
    const cmd: Cmd = all && this.o.allDbs ? ['FLUSHALL', ...args.slice(1)] : ['FLUSHDB', ...args.slice(1)];
    this.log('warn', `${what} on the source: forwarded as ${cmd[0]}${cmd[0] === 'FLUSHDB' && !this.o.clusterTarget ? ` on target db ${targetDb}` : ''}`);
    return this.emit(targetDb, [{ cmd, bytes: bytesOf(args) }], this.o.clusterTarget);
  }

  private keyless(name: string, args: Buffer[]): WriteOp[] {
    const db = this.targetDb(this.db);
    if (name === 'swapdb' && !this.o.allDbs) {
      this.counts.filtered++;
      this.warnOnce('swapdb', `SWAPDB on the source: not forwarded (it moves databases; only --all-dbs replicates them all)`);
      return [];
    }
    return this.emit(db ?? this.o.targetDb, [{ cmd: cmdOf(args), bytes: bytesOf(args) }], this.o.clusterTarget);
  }

  private keyed(c: Keyed): WriteOp[] {
    const db = this.targetDb(this.db);
    if (db === undefined) {
      this.counts.filtered++;
      return [];
    }
    let parts: Keyed[] = [c];
    const passes = c.keys.map((k) => keyPasses(k, this.o.scan));
    if (!passes.every(Boolean)) {
      if (!passes.some(Boolean)) {
        this.counts.filtered++;
        return [];
      }
      const split = splitByKey(c);
      if (split) parts = split.filter((p) => keyPasses(p.keys[0], this.o.scan));
      else this.warnOnce(`mixed:${c.name}`, `${c.name.toUpperCase()} names keys both inside and outside the key filters: forwarded whole`);
    }
    if (this.o.clusterTarget && parts.length === 1 && !oneSlot(parts[0].keys)) {
      const split = splitByKey(parts[0]);
      if (split) parts = split;
      else this.warnOnce(`crossslot:${c.name}`, `${c.name.toUpperCase()} names keys of several slots: a cluster target will refuse it (CROSSSLOT)`);
    }
    return this.emit(
      db,
      parts.map((p) => ({ cmd: cmdOf(p.args), key: p.keys[0], bytes: bytesOf(p.args) })),
    );
  }
}
