// The replication stream's commands as the writer's operations: SELECT followed, MULTI…EXEC gathered into one
// atomic operation, the db/key/slot filters applied, FLUSH* forwarded only when allowed, pub/sub left out.
// Pure apart from the log lines it asks for.
import { keyPasses, type ScanOptions } from '../replicate/scan.js';
import { classify, copyDb, effects, oneSlot, splitByKey, type Effect, type StreamCommand } from './commands.js';
import type { Cmd } from '../redis/resp.js';
import type { WriteOp } from './writer.js';

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
  /** of those, not forwarded: the target keeps keys the source no longer has */
  unforwardedFlushes: number;
  /** keys read again from the source because their new value came from keys not replicated (or in other slots) */
  rereads: number;
}

/** One command to write, the key that routes it, and every key it names. */
type Part = { cmd: Cmd; key?: Buffer; keys?: Buffer[]; bytes: number };

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
  readonly counts: TranslateCounts = { filtered: 0, flushes: 0, unforwardedFlushes: 0, rereads: 0 };
  /** the source database the stream is in (SELECT) */
  db = 0;
  private txn?: { db: number; cmds: Cmd[]; keys: Array<Buffer | undefined>; touched: Buffer[][]; bytes: number; rereads: WriteOp[] };
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
        this.txn = { db: this.db, cmds: [], keys: [], touched: [], bytes: 0, rereads: [] };
        return [];
      case 'exec': {
        const t = this.txn;
        this.txn = undefined;
        if (!t) return [];
        // keys read again from the source go after the transaction: their value read then is the one after it
        const db = this.targetDb(t.db);
        if (!t.cmds.length || db === undefined) return t.rereads;
        return [{ db, cmds: t.cmds, keys: t.keys, touched: t.touched, bytes: t.bytes }, ...t.rereads];
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

  private emit(db: number, parts: Part[], broadcast = false): WriteOp[] {
    if (this.txn) {
      for (const p of parts) {
        this.txn.cmds.push(p.cmd);
        this.txn.keys.push(p.key);
        this.txn.touched.push(p.keys ?? (p.key ? [p.key] : []));
        this.txn.bytes += p.bytes;
      }
      return [];
    }
    return parts.map((p) => ({ db, cmds: [p.cmd], keys: [p.key], touched: p.keys ? [p.keys] : undefined, bytes: p.bytes, broadcast }));
  }

  /** A key's value read again from the source (source db `from`) and written to target db `db`, in order. */
  private reread(db: number, from: number, key: Buffer): WriteOp[] {
    this.counts.rereads++;
    const op: WriteOp = { db, cmds: [], keys: [key], bytes: key.length + 64, reread: { db: from, key } };
    if (this.txn) {
      this.txn.rereads.push(op);
      return [];
    }
    return [op];
  }

  /** Effects (see commands.ts) as operations: commands on the key alone, or the key read again from the source. */
  private applyEffects(db: number, list: Effect[]): WriteOp[] {
    const out: WriteOp[] = [];
    for (const e of list) {
      if (e.kind === 'cmd') out.push(...this.emit(db, [{ cmd: cmdOf(e.args), key: e.key, bytes: bytesOf(e.args) }]));
      else {
        const from = e.db ?? this.db;
        const to = this.targetDb(from);
        if (to !== undefined) out.push(...this.reread(to, from, e.key));
      }
    }
    return out;
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
      this.counts.unforwardedFlushes++;
      this.log('warn', `${what} on the source: not forwarded (add --allow-flush to forward it); the target keeps those keys, and the verification at the end counts them as extra`);
      return [];
    }
    if (this.filtersKeys()) {
      this.counts.filtered++;
      this.counts.unforwardedFlushes++;
      this.log('warn', `${what} on the source: not forwarded, key filters are on (it would empty keys they leave out); the verification at the end counts the keys left as extra`);
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
    if (c.name === 'move' || (c.name === 'copy' && copyDb(c.args) !== undefined)) return this.acrossDbs(c);
    const db = this.targetDb(this.db);
    if (db === undefined) {
      this.counts.filtered++;
      return [];
    }
    return this.keyedIn(db, c);
  }

  /** `forward`: the arguments to send when the command goes whole (COPY's DB mapped to the target's). */
  private keyedIn(db: number, c: Keyed, forward: Buffer[] = c.args): WriteOp[] {
    const passes = c.keys.map((k) => keyPasses(k, this.o.scan));
    if (!passes.every(Boolean)) {
      if (!passes.some(Boolean)) {
        this.counts.filtered++;
        return [];
      }
      const split = splitByKey(c);
      if (split) return this.emitParts(db, split.filter((p) => keyPasses(p.keys[0], this.o.scan)));
      // never sent whole: the target would write keys the filters leave out, or refuse (RENAME of a key it lacks)
      const list = effects(c, (k) => keyPasses(k, this.o.scan));
      if (!list.length) {
        this.counts.filtered++;
        return [];
      }
      this.sayEffects(c, list, 'names keys both inside and outside the key filters');
      return this.applyEffects(db, list);
    }
    if (this.o.clusterTarget && !oneSlot(c.keys)) {
      const split = splitByKey(c);
      if (split) return this.emitParts(db, split);
      const list = effects(c, () => true);
      this.sayEffects(c, list, 'names keys of several slots (the cluster target would refuse it: CROSSSLOT)');
      return this.applyEffects(db, list);
    }
    return this.emitParts(db, [{ ...c, args: forward }]);
  }

  private emitParts(db: number, parts: Keyed[]): WriteOp[] {
    return this.emit(
      db,
      parts.map((p) => ({ cmd: cmdOf(p.args), key: p.keys[0], keys: p.keys.length > 1 ? p.keys : undefined, bytes: bytesOf(p.args) })),
    );
  }

  /** One warning per command name: what is applied instead of the command. */
  private sayEffects(c: Keyed, list: Effect[], why: string): void {
    const NAME = c.name.toUpperCase();
    const filters = why.includes('filters');
    const reread = list.some((e) => e.kind === 'reread');
    const direct = [...new Set(list.filter((e): e is Extract<Effect, { kind: 'cmd' }> => e.kind === 'cmd').map((e) => e.args[0].toString('latin1')))];
    const parts: string[] = [];
    if (direct.length) parts.push(`its effect on each ${filters ? 'replicated ' : ''}key is applied on that key alone (${direct.join(', ')})`);
    if (reread) parts.push(`the ${filters ? 'replicated ' : ''}key whose new value comes from the others is read again from the source (DUMP + PTTL) and restored on the target in stream order (commands the value read already holds are not applied twice)`);
    this.warnOnce(`effects:${c.name}:${why}:${reread}:${direct.join()}`, `${NAME} ${why}: ${parts.join('; ')}`);
  }

  /** MOVE key db, COPY … DB n: from one database to another, each side replicated or not. */
  private acrossDbs(c: Keyed): WriteOp[] {
    const from = this.db;
    const to = c.name === 'move' ? Number(c.args[2]?.toString('latin1')) : copyDb(c.args)!;
    const tFrom = this.targetDb(from);
    const tTo = this.targetDb(to);
    const key = c.name === 'move' ? c.keys[0] : c.keys[1];
    if (tFrom !== undefined && tTo !== undefined) {
      // both replicated (--all-dbs, or COPY within the replicated db): the same command, its db mapped to the target's
      const args = [...c.args];
      const at = c.name === 'move' ? 2 : c.args.findIndex((a, i) => i >= 3 && a.toString('latin1').toLowerCase() === 'db') + 1;
      args[at] = Buffer.from(String(tTo));
      return this.keyedIn(tFrom, c, args);
    }
    if (tFrom !== undefined && c.name === 'move') {
      // moved out of the replicated db (or within it, onto a cluster target that has db 0 only): gone from here
      if (tTo === undefined && !keyPasses(key, this.o.scan)) {
        this.counts.filtered++;
        return [];
      }
      const out = keyPasses(key, this.o.scan) ? this.emit(tFrom, [{ cmd: ['DEL', key], key, bytes: key.length + 32 }]) : [];
      if (tTo !== undefined && keyPasses(key, this.o.scan)) out.push(...this.reread(tTo, to, key));
      return out;
    }
    if (tTo !== undefined && keyPasses(key, this.o.scan)) {
      // into the replicated db from one that is not (or COPY on a cluster target): read from the source
      this.warnOnce(`acrossdb:${c.name}`, `${c.name.toUpperCase()} into db ${to} from db ${from}: the key is read again from the source (DUMP + PTTL) and written with RESTORE … REPLACE in its place in the stream`);
      return this.reread(tTo, to, key);
    }
    this.counts.filtered++;
    return [];
  }
}
