// One source master's change stream over the replica protocol: its RDB applied to the target as RESTOREs, then
// every command of its replication stream, in order, through the translator and the writer. Reconnects on its own
// (PSYNC replid offset+1: a partial resync when the backlog still holds the gap, a full one otherwise).
//
// Offsets: `appliedOffset` only moves past a command once the target answered it and everything before it; it is
// -1 until the source has sent something (a refused PSYNC claims no offset). An operation the target refused
// (answered with an error) is counted as failed; from then on `position()` asks for a full sync, as it does while
// an RDB is being applied: a checkpoint never lets a partial resync skip what the target lacks.
import { PsyncClient, type PsyncEvent } from './psync/client.js';
import { RdbSpool, type SpoolFindings } from './psync/rdb-spool.js';
import { RdbParser } from './rdb/parser.js';
import { RdbError, type RdbEvent } from './rdb/types.js';
import { StreamTranslator, type TranslateOptions } from './translate.js';
import type { StreamPosition } from './checkpoint.js';
import type { TargetWriter, Ticket, WriteOp } from './writer.js';
import { RdbApplier } from './rdb-apply.js';
import { SourceReader } from './source-reread.js';

/** A refusal of cutover's login that a retry will not change (the password was changed, the user removed). */
const AUTH_REFUSED = /^AUTH: |WRONGPASS|NOAUTH|invalid (username-)?password/i;
/** consecutive refused logins before the stream gives up */
const AUTH_TRIES = 3;

export interface PsyncSourceOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls?: import('node:tls').ConnectionOptions;
  listeningPort: number;
  ackIntervalMs?: number;
  translate: TranslateOptions;
  /** where to resume from (a checkpoint, or liveonly's current offset); a full sync when unset */
  from?: StreamPosition;
  /** `from` came from --checkpoint: a full resync instead of the partial one is a gap filled by the RDB, applied */
  fromCheckpoint?: boolean;
  /** the checkpoint asked for a full sync (why): the first sync is one, said as such */
  fullSyncWhy?: string;
  /** apply the first sync's RDB (false for liveonly: the stream alone) */
  applyFirstRdb: boolean;
  /** an RDB key still unfinished after this many bytes is read and written in pieces, never held whole */
  bigKeyBytes: number;
  /**
   * --diskless-load: apply the RDB as it arrives (no temporary file; a checksum or record refused at the end of the
   * RDB leaves the keys before it on the target). Unset: the RDB is kept in a temporary file and checked whole first.
   */
  disklessLoad?: boolean;
  /** where the received RDB is kept until it is checked (the system's temporary directory when unset) */
  spoolDir?: string;
}

export interface PsyncSourceHooks {
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** the stream cannot go on (refused: PSYNC refused; or an RDB that does not parse) */
  fatal(message: string, refused?: boolean): void;
  /** a change was received (for the idle clock) */
  changed(): void;
}

export interface PsyncSourceCounts {
  /** keys applied from the last RDB (a full resync starts the count again) */
  rdbKeys: number;
  /** RDB keys too big to hold, written in pieces (also in rdbKeys) */
  rdbBigKeys: number;
  /** full resyncs that did not flush the target first: keys deleted meanwhile may remain there */
  unflushedResyncs: number;
  rdbSkipped: number;
  fullResyncs: number;
  partialResyncs: number;
  reconnects: number;
}

export class PsyncSource {
  readonly address: string;
  readonly counts: PsyncSourceCounts = { rdbKeys: 0, rdbBigKeys: 0, unflushedResyncs: 0, rdbSkipped: 0, fullResyncs: 0, partialResyncs: 0, reconnects: 0 };
  readonly translator: StreamTranslator;
  private client: PsyncClient;
  private parser?: RdbParser;
  /** apply the RDB now arriving (false: read and left out) */
  private applyRdb = true;
  /** an RDB is being received or applied: the applied offset waits for its end */
  private syncing = false;
  private syncs = 0;
  private tickets: Ticket[] = [];
  private head = 0;
  private applied = -1;
  private stopping = false;
  private paused = false;
  private backoff = 100;
  private retry?: NodeJS.Timeout;
  /** what the check of the RDB now applied from its file found (its big streams' groups) */
  private findings?: SpoolFindings;
  phase: 'connecting' | 'sync' | 'streaming' | 'stopped' = 'connecting';
  /** the last error before the link closed: said on the reconnect's line */
  private lastError?: string;
  /** logins refused in a row */
  private authRefusals = 0;
  /** why cutover itself asked for the next full sync (undefined: the source decided) */
  private resyncWhy?: string;
  /** full syncs so far: offsets only go back at one, so they tell the stream's operations apart */
  private fullSyncs = 0;
  /** the target refused an operation of this sync (why): only a full sync brings what it lacks */
  private refused?: string;
  /** the RDB now arriving, kept in a file until it is whole and checked (not with --diskless-load) */
  private spool?: RdbSpool;
  /** the checked RDB is being applied from its file: the commands after it wait (the socket is paused) */
  private loading = false;
  /** commands received while the RDB is applied from its file (at most what was read with its end) */
  private held: Array<{ args: Buffer[]; offset: number }> = [];
  /** counts the RDBs received: an apply from a file stops when a newer sync began */
  private loadGen = 0;
  /** the RDB now arriving was refused: nothing of it, nor of the commands after it, is applied */
  private refusedRdb = false;
  private wake?: () => void;
  /** an RDB's events as write ops */
  private readonly rdb: RdbApplier;
  /** keys read again from this source master */
  private readonly reads: SourceReader;

  constructor(
    private readonly o: PsyncSourceOptions,
    private readonly writer: TargetWriter,
    private readonly hooks: PsyncSourceHooks,
  ) {
    this.address = `${o.host}:${o.port}`;
    this.translator = new StreamTranslator(o.translate, (level, message) => hooks.log(level, message));
    this.client = this.makeClient(o.from);
    this.resyncWhy = o.fullSyncWhy;
    this.rdb = new RdbApplier({
      translate: o.translate,
      writer,
      counts: this.counts,
      log: (level, message) => hooks.log(level, message),
      push: (op) => this.push(op),
      parser: () => this.parser!,
      findings: () => this.findings,
    });
    this.reads = new SourceReader(o, this.address, writer, (level, message) => hooks.log(level, message));
  }

  /** Writes an RDB's events to the target (none while the RDB is read and left out). */
  private onRdbEvents(events: RdbEvent[]): void {
    if (!this.applyRdb) return;
    this.rdb.apply(events);
  }

  private makeClient(from?: StreamPosition): PsyncClient {
    const o = this.o;
    const client = new PsyncClient({
      host: o.host,
      port: o.port,
      username: o.username,
      password: o.password,
      tls: o.tls,
      listeningPort: o.listeningPort,
      name: 'cutover-psync',
      replId: from?.replId,
      offset: from?.offset,
      ackIntervalMs: o.ackIntervalMs,
      // the master sees what the target has, not what cutover holds in memory (WAIT, min-replicas-to-write)
      ackOffset: () => this.appliedOffset,
    });
    client.on((e) => {
      if (this.client !== client) return;
      try {
        this.onEvent(e);
      } catch (err) {
        this.hooks.fatal(`stream from ${this.address}: ${(err as Error).message}`);
      }
    });
    return client;
  }

  start(): void {
    this.stopping = false;
    this.client.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retry);
    this.phase = 'stopped';
    this.endLoad();
    await this.client.stop();
    this.reads.close();
  }

  /** Back-pressure: stop reading the socket while the writer is full. */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.client.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.wake?.();
    // while the RDB is applied from its file the socket stays paused: the commands after it wait
    if (!this.loading) this.client.resume();
  }

  /** Drops the RDB being received or applied from its file (a new sync, a stop). */
  private endLoad(): void {
    this.loadGen++;
    this.spool?.remove();
    this.spool = undefined;
    this.loading = false;
    this.refusedRdb = false;
    this.held = [];
    this.wake?.();
  }

  /** Starts over with a full sync (the target restarted and may have lost what it was sent). */
  async resync(why = 'asked by cutover'): Promise<void> {
    this.resyncWhy = why;
    const old = this.client;
    this.client = this.makeClient();
    await old.stop();
    this.endLoad();
    this.tickets = [];
    this.head = 0;
    this.parser = undefined;
    this.syncing = false;
    this.phase = 'connecting'; // not idle until the new sync is applied
    if (!this.stopping) this.client.start();
  }

  /** Replication offset received (-1: nothing yet; liveonly's start is not something received). */
  get receivedOffset(): number {
    return this.syncs > 0 ? this.client.offset : -1;
  }

  get replId(): string {
    return this.client.replId;
  }

  /** Offset up to which the target has everything (-1: nothing yet). */
  get appliedOffset(): number {
    const t = this.tickets;
    while (this.head < t.length && t[this.head].done) {
      const off = t[this.head].offset;
      if (off >= 0) this.applied = off;
      if (t[this.head].barrier) this.syncing = false;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > t.length) {
      this.tickets = t.slice(this.head);
      this.head = 0;
    }
    // nothing waiting: PINGs and REPLCONFs after the last command are applied too
    if (this.syncs > 0 && this.head >= this.tickets.length && !this.syncing && this.client.offset >= 0 && this.client.replId !== '?') this.applied = this.client.offset;
    return this.applied;
  }

  /**
   * Where the target stands, for a checkpoint: undefined before the first sync was applied. With `fullSync` (why)
   * when a partial resync from there would leave the target short: an RDB is being applied, or the target refused
   * an operation of this sync.
   */
  position(): StreamPosition | undefined {
    const offset = this.appliedOffset;
    if (offset < 0 || !/^[0-9a-f]{40}$/.test(this.client.replId)) return undefined;
    const fullSync = this.refused ?? (this.syncing ? 'a full sync was being applied' : undefined);
    return fullSync ? { replId: this.client.replId, offset, fullSync } : { replId: this.client.replId, offset };
  }

  /** An operation of sync `sync` was refused by the target (counted as failed by the writer). */
  private noteRefused(sync: number, message: string): void {
    if (sync !== this.fullSyncs || this.refused) return;
    this.refused = `a write of this stream is missing on the target (offset ${this.client.offset} or before): ${message.slice(0, 200)}`;
  }

  get queued(): number {
    return this.tickets.length - this.head;
  }

  private track(ticket: Ticket): void {
    this.tickets.push(ticket);
  }

  private push(op: WriteOp): void {
    const sync = this.fullSyncs;
    op.onFailed ??= (message) => this.noteRefused(sync, message);
    this.writer.push(op);
    if (this.writer.overHighWater) this.pause();
  }

  private onEvent(e: PsyncEvent): void {
    switch (e.type) {
      case 'connected':
        return;
      case 'full-resync':
        return this.onFullResync(e.replId, e.offset);
      case 'partial-resync':
        this.authRefusals = 0;
        // the target holds everything up to here (a checkpoint's offset, or liveonly's start)
        if (this.applied < 0 && !this.syncing) this.applied = e.offset;
        this.syncs++;
        this.backoff = 100;
        this.phase = 'streaming';
        // the link broke while the RDB was applied from its file: the commands wait for it still
        if (this.loading) this.client.pause();
        if (this.syncs > 1 || this.o.fromCheckpoint) {
          this.counts.partialResyncs++;
          this.hooks.log('info', `stream from ${this.address}: partial resync from offset ${e.offset + 1} (nothing lost)`);
        }
        return;
      case 'rdb-start':
        this.phase = 'sync';
        this.endLoad();
        this.rdb.reset();
        this.parser = undefined;
        if (this.applyRdb && !this.o.disklessLoad) this.spool = new RdbSpool(this.o.bigKeyBytes, this.o.spoolDir);
        // a key costs its bytes while it waits for the target: its value is decoded only for a fallback
        else this.parser = new RdbParser({ bigKeyBytes: this.o.bigKeyBytes, lazyValues: true });
        return;
      case 'rdb-chunk':
        if (this.refusedRdb) return;
        if (this.spool) this.spooled(() => this.spool!.push(e.chunk));
        else if (this.parser) this.applying(() => this.onRdbEvents(this.parser!.push(e.chunk)));
        return;
      case 'rdb-end': {
        this.hooks.changed();
        if (this.refusedRdb) return;
        if (this.spool) {
          const spool = this.spool;
          this.spool = undefined;
          void this.loadSpool(spool, this.client.offset, this.loadGen);
          return;
        }
        const parser = this.parser;
        if (parser) this.applying(() => this.onRdbEvents(parser.end()));
        this.rdbApplied(this.client.offset);
        return;
      }
      case 'command':
        if (this.refusedRdb) return;
        if (this.loading) {
          this.held.push({ args: e.args, offset: e.offset });
          return;
        }
        return this.onCommand(e.args, e.offset);
      case 'ping':
      case 'ack':
        return;
      case 'refused':
        this.hooks.fatal(`source ${this.address} refused PSYNC (${e.message}): it does not let clients replicate from it; use --live-source notifications`, true);
        return;
      case 'error':
        if (this.stopping) return;
        // said with the reconnect's line (one line per attempt), or as the end after a few refused logins
        this.lastError = e.message;
        if (AUTH_REFUSED.test(e.message)) {
          if (++this.authRefusals >= AUTH_TRIES) {
            this.stopping = true;
            clearTimeout(this.retry);
            this.hooks.fatal(`source ${this.address} refuses cutover's login (${e.message.replace(/^AUTH: /, '')}), ${AUTH_TRIES} times in a row: was its password changed? Run again with the new one`);
          }
        }
        return;
      case 'closed': {
        if (this.stopping) return;
        this.counts.reconnects++;
        this.phase = 'connecting';
        const why = this.lastError ? ` (${this.lastError})` : '';
        this.lastError = undefined;
        this.hooks.log('warn', `stream from ${this.address} closed${why}: connecting again in ${this.backoff} ms (PSYNC from offset ${this.client.offset + 1})`);
        this.retry = setTimeout(() => {
          if (!this.stopping) this.client.start();
        }, this.backoff);
        this.backoff = Math.min(2000, this.backoff * 2);
        return;
      }
    }
  }

  /** The RDB is on the target (once the barrier is answered): the commands after it go on. */
  private rdbApplied(offset: number): void {
    this.parser = undefined;
    this.phase = 'streaming';
    this.backoff = 100;
    // the end of the RDB: done once every RESTORE before it was answered, on every target master
    const ticket: Ticket = { done: false, offset, at: -1, barrier: true };
    this.track(ticket);
    this.push({ db: this.writer.baseDb, cmds: [], keys: [], ticket, barrier: true, broadcast: !!this.writer.cluster, bytes: 0 });
  }

  /** Receiving into the file: a refusal now comes before anything of this RDB was written. */
  private spooled(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.spool = undefined;
      this.refusedRdb = true;
      throw this.refusal(e, false);
    }
  }

  /** Applying as it arrives (--diskless-load): a refusal now leaves the keys before it on the target. */
  private applying(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.refusedRdb = true;
      throw this.refusal(e, true);
    }
  }

  private refusal(e: unknown, partial: boolean): Error {
    if (!(e instanceof RdbError)) return e as Error;
    const n = this.counts.rdbKeys;
    const after = partial
      ? `${n} key${n === 1 ? ' was' : 's were'} written before it: the target holds a partial copy (without --diskless-load, cutover checks the whole RDB before writing)`
      : 'nothing of it was written to the target';
    return new RdbError(`the RDB is refused: ${e.message}; ${after}`);
  }

  /** The received RDB, checked whole, applied from its file; the commands received meanwhile wait, then follow. */
  private async loadSpool(spool: RdbSpool, offset: number, gen: number): Promise<void> {
    const current = () => gen === this.loadGen && !this.stopping;
    try {
      // the commands after the RDB wait from now on (those read with its end too)
      this.loading = true;
      this.client.pause();
      let findings;
      try {
        findings = spool.finish();
      } catch (e) {
        this.refusedRdb = true;
        throw this.refusal(e, false);
      }
      this.hooks.log('info', `stream from ${this.address}: RDB received (${findings.keys} keys, ${spool.bytes} bytes, ${findings.valkey ? `Valkey RDB ${findings.version}` : `RDB version ${findings.version}`}) and checked (CRC64 and every record): applying it`);
      const parser = new RdbParser({ bigKeyBytes: this.o.bigKeyBytes, lazyValues: true });
      this.parser = parser;
      this.findings = findings;
      // chunks no bigger than --mem-limit: a key past it is still seen unfinished, and read in pieces
      for (const chunk of spool.chunks(Math.max(4096, Math.min(1024 * 1024, this.o.bigKeyBytes)))) {
        if (!current()) return;
        this.applying(() => this.onRdbEvents(parser.push(chunk)));
        // the writer's back-pressure, and a turn for the event loop between chunks
        while (this.paused && current()) await new Promise<void>((r) => (this.wake = r));
        await new Promise<void>((r) => setImmediate(r));
      }
      if (!current()) return;
      this.applying(() => this.onRdbEvents(parser.end()));
    } catch (e) {
      if (current()) this.hooks.fatal(`stream from ${this.address}: ${(e as Error).message}`);
      return;
    } finally {
      spool.remove();
      this.findings = undefined;
    }
    if (!current()) return;
    this.loading = false;
    this.rdbApplied(offset);
    const held = this.held;
    this.held = [];
    for (const c of held) this.onCommand(c.args, c.offset);
    if (!this.paused) this.client.resume();
  }

  private onFullResync(replId: string, offset: number): void {
    this.authRefusals = 0;
    this.syncs++;
    this.fullSyncs++;
    this.syncing = true;
    this.refused = undefined;
    const first = this.syncs === 1;
    // liveonly's first sync: the stream alone, the RDB read and left out
    this.applyRdb = !first || this.o.applyFirstRdb || !!this.o.fromCheckpoint;
    // the keys counted are the last RDB's
    if (this.applyRdb) {
      this.counts.rdbKeys = 0;
      this.counts.rdbBigKeys = 0;
    }
    const why = this.resyncWhy;
    this.resyncWhy = undefined;
    if (!first || this.o.fromCheckpoint) {
      this.counts.fullResyncs++;
      const because = why ?? (this.o.fromCheckpoint && first ? `the source could not continue from the checkpoint's offset (its backlog no longer holds it, or it restarted)` : `the source could not continue from where we were (its backlog no longer holds the gap, or it restarted)`);
      this.hooks.log('warn', `stream from ${this.address}: FULL resync (replid ${replId.slice(0, 8)}…, offset ${offset}): ${because}; its whole dataset is applied again`);
      const t = this.o.translate;
      const filtered = t.scan.include.length > 0 || t.scan.exclude.length > 0 || !!t.scan.slots?.length;
      if (t.allowFlush && !filtered) {
        const flush: WriteOp = { db: t.targetDb, cmds: [[t.allDbs ? 'FLUSHALL' : 'FLUSHDB']], keys: [undefined], broadcast: t.clusterTarget, bytes: 0 };
        this.push(flush);
        this.hooks.log('warn', `target flushed before the new RDB (--allow-flush)`);
      } else {
        this.counts.unflushedResyncs++;
        this.hooks.log(
          'warn',
          `keys deleted on the source while the stream was down may remain on the target (${t.allowFlush ? 'not flushed: key filters are on, and a flush would empty keys they leave out' : '--allow-flush flushes it first'}): the verification at the end counts them as extra`,
        );
      }
    } else if (!this.applyRdb) {
      this.hooks.log('info', `stream from ${this.address}: the source could not continue from its current offset; its RDB is read and left out (liveonly)`);
    }
    if (!first) this.tickets.splice(0);
    this.head = 0;
  }


  private onCommand(args: Buffer[], offset: number): void {
    this.hooks.changed();
    const ops = this.translator.feed(args);
    if (!ops.length) {
      // left out (or inside a transaction): applied once everything before it is
      if (this.head < this.tickets.length && !this.translator.inTransaction) this.track({ done: true, offset, at: -1 });
      return;
    }
    const at = performance.now();
    const stream = `${this.address}#${this.fullSyncs}`;
    ops.forEach((op, i) => {
      const ticket: Ticket = { done: false, offset: i === ops.length - 1 ? offset : -1, at: i === ops.length - 1 ? at : -1 };
      this.track(ticket);
      const out: WriteOp = { ...op, ticket, stream, streamOffset: offset };
      if (out.reread) out.wait = this.reads.readAgain(out);
      this.push(out);
    });
  }
}
