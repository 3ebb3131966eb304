// RIOT's way, for sources that refuse PSYNC: keyspace notifications on every master say which keys changed; each
// changed key is queued once (de-duplicated), then read again (DUMP + PTTL, or by type) and written (RESTORE
// REPLACE, or DEL when it is gone). Events that do not fit the queue are dropped and counted, and so are gaps when
// the source drops the subscription: this mode never claims zero loss (a final compare tells).
import type { Redis } from 'ioredis';
import { InputError } from '../../options/endpoint.js';
import { readDump } from '../replicate/dump.js';
import { RespPool } from '../redis/resp-pool.js';
import { keyPasses, type ScanOptions } from '../replicate/scan.js';
import { byOwner, type Side } from '../replicate/side.js';
import { readStruct, writeStruct } from '../replicate/struct.js';
import { NO_TTL } from '../replicate/types.js';
import type { Cmd } from '../redis/resp.js';
import type { TargetWriter, Ticket } from './writer.js';

export interface NotifySourceOptions {
  scan: ScanOptions;
  allDbs: boolean;
  sourceDb: number;
  targetDb: number;
  type: 'dump' | 'struct';
  eventQueue: number;
  eventOrder: 'fifo' | 'priority';
  flushIntervalMs: number;
  readBatch: number;
  enableNotifications: boolean;
}

export interface NotifySourceHooks {
  log(level: 'info' | 'warn' | 'error', message: string): void;
  changed(): void;
}

export interface NotifyCounts {
  events: number;
  droppedEvents: number;
  overflows: number;
  reconnects: number;
  read: number;
  deleted: number;
}

interface Entry {
  db: number;
  key: Buffer;
  /** performance.now() of the first event since it was queued */
  at: number;
}

/** Events that remove a key: taken first with --event-order priority (cheap, and they free memory). */
const REMOVALS = new Set(['del', 'expired', 'evicted', 'unlink']);
/** Flags notify-keyspace-events must have: K (keyspace channel) and every class A stands for. */
const CLASSES = 'g$lshzxet';

/** Does a notify-keyspace-events value publish what this mode needs? */
export function notificationsCover(flags: string): boolean {
  if (!flags.includes('K')) return false;
  return flags.includes('A') || [...CLASSES].every((c) => flags.includes(c));
}

export class NotificationSource {
  readonly counts: NotifyCounts = { events: 0, droppedEvents: 0, overflows: 0, reconnects: 0, read: 0, deleted: 0 };
  /** keys waiting: insertion order is FIFO order */
  private urgent = new Map<string, Entry>();
  private normal = new Map<string, Entry>();
  private full = false;
  private subs: Redis[] = [];
  private timer?: NodeJS.Timeout;
  private flushing = false;
  private readonly pool: RespPool;
  /** while a snapshot runs, keys are queued but not written (written after it, so nothing older overwrites them) */
  hold = false;
  private stopped = false;
  /** masters whose notify-keyspace-events cutover changed, and the value to put back */
  private restore: Array<{ m: Redis; at: string; flags: string }> = [];

  constructor(
    private readonly source: Side,
    private readonly writer: TargetWriter,
    private readonly o: NotifySourceOptions,
    private readonly hooks: NotifySourceHooks,
  ) {
    this.pool = new RespPool(source);
  }

  get depth(): number {
    return this.urgent.size + this.normal.size;
  }

  /** Refuses (one line) when a master does not publish keyspace notifications, unless told to turn them on. */
  async checkConfig(): Promise<void> {
    for (const m of this.source.masters) {
      const at = `${m.options.host}:${m.options.port}`;
      let flags: string;
      try {
        const reply = (await m.call('CONFIG', 'GET', 'notify-keyspace-events')) as string[];
        flags = reply[1] ?? '';
      } catch (err) {
        this.hooks.log('warn', `source ${at}: cannot read notify-keyspace-events (${(err as Error).message}); make sure it includes KA`);
        continue;
      }
      if (notificationsCover(flags)) continue;
      if (!this.o.enableNotifications) {
        throw new InputError(
          `source ${at} does not publish keyspace notifications (notify-keyspace-events is "${flags}"): run CONFIG SET notify-keyspace-events KA on it (and in its config file), or add --enable-notifications`,
        );
      }
      // KA added to what was there (an E for keyevent subscribers stays); Redis shows the classes A stands for
      await m.call('CONFIG', 'SET', 'notify-keyspace-events', `${flags}KA`);
      this.restore.push({ m, at, flags });
      const shown = await m.call('CONFIG', 'GET', 'notify-keyspace-events').then(
        (r) => String((r as string[])[1] ?? '?'),
        () => '?',
      );
      this.hooks.log('warn', `source ${at}: notify-keyspace-events was "${flags}", set to KA (Redis shows it as "${shown}") for this run (--enable-notifications); set back to "${flags}" when cutover stops`);
    }
  }

  /** --enable-notifications: notify-keyspace-events set back to what it was on each master. */
  private async restoreConfig(): Promise<void> {
    for (const { m, at, flags } of this.restore.splice(0)) {
      try {
        await m.call('CONFIG', 'SET', 'notify-keyspace-events', flags);
        this.hooks.log('info', `source ${at}: notify-keyspace-events set back to "${flags}"`);
      } catch (err) {
        this.hooks.log('error', `source ${at}: could not set notify-keyspace-events back to "${flags}" (${(err as Error).message}): run CONFIG SET notify-keyspace-events "${flags}" on it`);
      }
    }
  }

  async start(): Promise<void> {
    const pattern = this.o.allDbs ? '__keyspace@*__:*' : `__keyspace@${this.o.sourceDb}__:*`;
    for (const m of this.source.masters) {
      const sub = m.duplicate({ lazyConnect: true, connectionName: 'cutover-notifications', retryStrategy: (n: number) => Math.min(2000, 100 * n) });
      sub.on('error', () => undefined);
      let ready = false;
      sub.on('ready', () => {
        if (ready && !this.stopped) {
          this.counts.reconnects++;
          this.hooks.log('warn', `subscription to ${m.options.host}:${m.options.port} restored: changes made while it was down were not seen (a verification shows them)`);
        }
        ready = true;
      });
      sub.on('close', () => {
        if (ready && !this.stopped) this.hooks.log('warn', `subscription to ${m.options.host}:${m.options.port} lost (the source may have dropped it: client-output-buffer-limit pubsub); reconnecting`);
      });
      sub.on('pmessageBuffer', (_p: Buffer, channel: Buffer, message: Buffer) => this.onEvent(channel, message));
      await sub.connect();
      await sub.psubscribe(pattern);
      this.subs.push(sub);
    }
    this.timer = setInterval(() => void this.flush(), this.o.flushIntervalMs);
  }

  private onEvent(channel: Buffer, message: Buffer): void {
    this.counts.events++;
    this.hooks.changed();
    // __keyspace@<db>__:<key>
    const sep = channel.indexOf('__:', 11);
    if (sep < 0) return;
    const db = Number(channel.toString('latin1', 11, sep));
    const key = channel.subarray(sep + 3);
    if (!keyPasses(key, this.o.scan)) return;
    const id = `${db}:${key.toString('latin1')}`;
    if (this.urgent.has(id) || this.normal.has(id)) return;
    if (this.depth >= this.o.eventQueue) {
      this.counts.droppedEvents++;
      if (!this.full) {
        this.full = true;
        this.counts.overflows++;
        this.hooks.log('warn', `event queue full (${this.o.eventQueue} keys): events are being dropped (--event-queue to hold more)`);
      }
      return;
    }
    const entry: Entry = { db, key: Buffer.from(key), at: performance.now() };
    const urgent = this.o.eventOrder === 'priority' && REMOVALS.has(message.toString('latin1'));
    (urgent ? this.urgent : this.normal).set(id, entry);
    if (this.depth >= this.o.readBatch) void this.flush();
  }

  private take(n: number): Entry[] {
    const out: Entry[] = [];
    for (const q of [this.urgent, this.normal]) {
      for (const [id, e] of q) {
        if (out.length >= n) break;
        out.push(e);
        q.delete(id);
      }
    }
    if (this.full && this.depth < this.o.eventQueue) this.full = false;
    return out;
  }

  /** Reads the queued keys again and writes them, a batch at a time, until the queue is empty. */
  async flush(): Promise<void> {
    if (this.flushing || this.hold || this.stopped) return;
    this.flushing = true;
    try {
      while (this.depth && !this.hold && !this.stopped && !this.writer.overHighWater) {
        const batch = this.take(this.o.readBatch);
        const byDb = new Map<number, Entry[]>();
        for (const e of batch) byDb.set(e.db, [...(byDb.get(e.db) ?? []), e]);
        for (const [db, entries] of byDb) await this.copy(db, entries);
      }
    } catch (err) {
      this.hooks.log('error', `reading changed keys: ${(err as Error).message}`);
    } finally {
      this.flushing = false;
    }
  }

  private async copy(db: number, entries: Entry[]): Promise<void> {
    const targetDb = this.o.allDbs ? db : this.o.targetDb;
    const keys = entries.map((e) => e.key);
    for (const group of byOwner(this.source, keys)) {
      const conn = await this.pool.forClient(group.client);
      if (this.o.allDbs) {
        const p = conn.pipeline();
        p.call('SELECT', [db]);
        await p.exec();
      }
      const ents = group.index.map((i) => entries[i]);
      const cmds: Array<Cmd[] | undefined> = [];
      if (this.o.type === 'dump') {
        const records = await readDump(conn, group.keys, undefined, this.source.expiry);
        records.forEach((r) => {
          // the expiry as the absolute time read at the source (PEXPIREAT, any target version): a queue that waited,
          // a retry or a stalled target cannot stretch it
          if (r.status === 'ok' && 'dump' in r && r.expireAtMs !== undefined && r.ttlMs !== NO_TTL && r.ttlMs >= 0) {
            cmds.push([
              ['RESTORE', r.key, 0, r.dump, 'REPLACE'],
              ['PEXPIREAT', r.key, Math.max(1, r.expireAtMs)],
            ]);
          } else if (r.status === 'ok' && 'dump' in r) cmds.push([['RESTORE', r.key, 0, r.dump, 'REPLACE']]);
          else if (r.status === 'vanished') cmds.push([['DEL', r.key]]);
          else cmds.push(undefined);
        });
      } else {
        const reads = await readStruct(conn, group.keys, undefined, this.source.expiry);
        reads.forEach((r) => {
          if (r.vanished) return void cmds.push([['DEL', r.key]]);
          if (!r.struct) return void cmds.push(undefined);
          const out: Cmd[] = [];
          writeStruct({ call: (name: string, args: Array<Buffer | string | number>) => void out.push([name, ...args]) }, r.key, r.ttlMs, r.struct, 'overwrite', r.expireAtMs);
          cmds.push(out);
        });
      }
      cmds.forEach((c, i) => {
        const e = ents[i];
        if (!c) {
          this.hooks.log('warn', `key ${e.key.toString('utf8').slice(0, 60)} could not be read for copying (its type cannot be copied this way)`);
          return;
        }
        if (c[0][0] === 'DEL') this.counts.deleted++;
        else this.counts.read++;
        const ticket: Ticket = { done: false, offset: -1, at: e.at };
        this.writer.push({ db: targetDb, cmds: c, keys: c.map(() => e.key), ticket, bytes: c.reduce((n, cmd) => n + cmd.reduce<number>((m, a) => m + (Buffer.isBuffer(a) ? a.length : 8), 0), 0) });
      });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const s of this.subs) s.disconnect();
    await this.pool.close();
    await this.restoreConfig();
  }

  /** Writes what is queued (after a snapshot, or before stopping). */
  async release(): Promise<void> {
    this.hold = false;
    await this.flush();
  }
}
