// Verification: every source key compared on the target by type, value and TTL (RIOT's compare), and with
// checkExtra the keys only the target has. Streams batches through a bounded queue like the snapshot.
// With a memory limit, a key above it on either side is never DUMPed or read whole: it is compared in chunks
// (chunked.ts), one chunk in flight per worker. Without one, a key whose payloads differ is read whole and compared
// member by member in linear time, a slice at a time (struct-equals.ts), so progress events, Ctrl-C and whatever
// else shares the process (a live stream) are served during a key of millions of members.
import type { Redis } from 'ioredis';
import { Emitter } from '../emitter.js';
import { chunkSizing, compareBigKey, connOf } from './chunked.js';
import { memoryUsage, readDump } from './dump.js';
import { BoundedQueue } from './queue.js';
import { addressOf, RespPool } from '../redis/resp-pool.js';
import { scanKeys, type ScanOptions } from './scan.js';
import { byOwner, keyCount, type Side } from './side.js';
import { printableKey } from './snapshot.js';
import { readStruct, ttlClose } from './struct.js';
import { elementsOf, structEqualsAsync } from './struct-equals.js';
import { isConnectionError } from '../topology/connection-words.js';
import { addressOfError, DEFAULT_LOST_AFTER_MS, SideLostError, type SideName } from './side-health.js';

/**
 * Keys whose DUMP payloads differ are read by type in runs of about this many bytes of payload (one key at least),
 * so that two keys of millions of members are not held at once.
 */
const WHOLE_READ_BYTES = 16 * 1024 * 1024;

export interface CompareOptions {
  scan: ScanOptions;
  readBatch: number;
  readThreads: number;
  ttlToleranceMs: number;
  checkExtra: boolean;
  /** keep at most this many differences for --show-diffs */
  maxDiffs: number;
  /** bytes: a key whose MEMORY USAGE is above this on either side is compared in chunks (--mem-limit) */
  memLimitBytes?: number;
  /** a read with no reply this long fails and ends the compare (a hung node). Default: each side's timeoutMs (--timeout), else 10 s */
  lostAfterMs?: number;
}

export type DiffKind = 'missing' | 'type' | 'value' | 'ttl' | 'extra';

export interface CompareCounts {
  total: number;
  compared: number;
  ok: number;
  missing: number;
  type: number;
  value: number;
  ttl: number;
  extra: number;
  /** gone from the source before it could be read: not a difference */
  vanished: number;
  /** types cutover cannot read by type (modules) */
  skipped: number;
  /** keys over --mem-limit, compared in chunks (also counted in compared) */
  chunked: number;
  /**
   * progress inside keys compared member by member (read whole, or in chunks): elements gone through so far
   * (fields, members, list elements, stream entries, both sides counted) and the total of those keys begun
   */
  elements: number;
  elementsTotal: number;
}

export interface Diff {
  key: string;
  kind: DiffKind;
  detail: string;
}

export interface CompareSummary {
  counts: CompareCounts;
  diffs: Diff[];
  elapsedMs: number;
  stopped: boolean;
  checkExtra: boolean;
}

export type CompareEvent =
  | { type: 'progress'; counts: CompareCounts; elapsedMs: number; keysPerSec: number }
  | { type: 'done'; summary: CompareSummary };

/** RIOT's line: "N missing, N type, N value, N ttl" (", N extra" with checkExtra). */
export function summaryLine(c: CompareCounts, checkExtra: boolean): string {
  return `${c.missing} missing, ${c.type} type, ${c.value} value, ${c.ttl} ttl${checkExtra ? `, ${c.extra} extra` : ''}`;
}

export function differences(c: CompareCounts): number {
  return c.missing + c.type + c.value + c.ttl + c.extra;
}

export class CompareJob {
  readonly events = new Emitter<CompareEvent>();
  private stopped = false;
  private readonly counts: CompareCounts = { total: 0, compared: 0, ok: 0, missing: 0, type: 0, value: 0, ttl: 0, extra: 0, vanished: 0, skipped: 0, chunked: 0, elements: 0, elementsTotal: 0 };
  private readonly diffs: Diff[] = [];
  private started = 0;
  private readonly sourceConns: RespPool;
  private readonly targetConns: RespPool;
  private readonly bounds: Record<SideName, number>;

  constructor(
    private readonly source: Side,
    private readonly target: Side,
    private readonly o: CompareOptions,
  ) {
    this.bounds = { source: o.lostAfterMs ?? source.timeoutMs ?? DEFAULT_LOST_AFTER_MS, target: o.lostAfterMs ?? target.timeoutMs ?? DEFAULT_LOST_AFTER_MS };
    // a hung server (SIGSTOP) fails its reads after the bound instead of holding the compare forever
    this.sourceConns = new RespPool(source, this.bounds.source);
    this.targetConns = new RespPool(target, this.bounds.target);
  }

  /**
   * A read that timed out (a node hung or stopped for the bound) ends the compare as a SideLostError naming the
   * side and node; other errors as they are (a lost connection is worded by the caller, jobError).
   */
  private ending(err: unknown, scanned?: { side: SideName; address: string }): unknown {
    if (err instanceof SideLostError || !isConnectionError(err) || !/timed? ?out|ETIMEDOUT/i.test(`${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`)) return err;
    const address = addressOfError(err, scanned?.address ?? '');
    const on = (side: Side) => [...side.masters, ...side.readers].some((c) => addressOf(c) === address);
    const side = on(this.target) && !on(this.source) ? 'target' : on(this.source) && !on(this.target) ? 'source' : scanned?.side;
    return side && address ? new SideLostError(side, address, this.bounds[side], err) : err;
  }

  stop(): void {
    this.stopped = true;
  }

  /** The summary as it stands (a stop whose reads hang is reported without waiting for them). */
  summarySoFar(): CompareSummary {
    return { counts: { ...this.counts }, diffs: [...this.diffs], elapsedMs: this.started ? Date.now() - this.started : 0, stopped: this.stopped, checkExtra: this.o.checkExtra };
  }

  private progress(): void {
    const elapsedMs = Date.now() - this.started;
    this.events.emit({ type: 'progress', counts: { ...this.counts }, elapsedMs, keysPerSec: elapsedMs ? Math.round((this.counts.compared * 1000) / elapsedMs) : 0 });
  }

  private diff(kind: DiffKind, key: Buffer, detail: string): void {
    this.counts[kind]++;
    if (this.diffs.length < this.o.maxDiffs) this.diffs.push({ key: printableKey(key), kind, detail });
  }

  async run(): Promise<CompareSummary> {
    this.started = Date.now();
    this.counts.total = await keyCount(this.source);
    const ticker = setInterval(() => this.progress(), 1000);
    try {
      await this.pass(this.source, (from, keys) => this.compareBatch(from, keys));
      if (this.o.checkExtra && !this.stopped) await this.pass(this.target, (_from, keys) => this.extraBatch(keys));
    } catch (err) {
      throw this.ending(err);
    } finally {
      clearInterval(ticker);
      await Promise.all([this.sourceConns.close(), this.targetConns.close()]);
    }
    this.progress();
    const summary: CompareSummary = { counts: { ...this.counts }, diffs: this.diffs, elapsedMs: Date.now() - this.started, stopped: this.stopped, checkExtra: this.o.checkExtra };
    this.events.emit({ type: 'done', summary });
    return summary;
  }

  /** Scan every master of a side; readThreads workers handle the batches. */
  private async pass(side: Side, handle: (from: Redis, keys: Buffer[]) => Promise<void>): Promise<void> {
    const q = new BoundedQueue<{ from: Redis; keys: Buffer[] }>(Math.max(2, this.o.readThreads * 2));
    const scanners = Promise.all(
      side.readers.map(async (m) => {
        try {
          for await (const keys of scanKeys(m, this.o.scan, this.o.readBatch, () => undefined, () => this.stopped)) await q.put({ from: m, keys });
        } catch (err) {
          // a SCAN timed out (ioredis's error names no node): the side scanned, at the node scanned
          throw this.ending(err, { side: side === this.target ? 'target' : 'source', address: addressOf(m) });
        }
      }),
    ).finally(() => q.close());
    const workers = Array.from({ length: this.o.readThreads }, async () => {
      for (;;) {
        const next = await q.take();
        if (next.done) return;
        await handle(next.value.from, next.value.keys);
      }
    });
    await Promise.all([scanners, ...workers]);
  }

  /**
   * Fast path: DUMP and PTTL on both sides; identical payloads are identical values. Only keys whose
   * payloads differ (a real difference, or the same value in another encoding) are read by type.
   */
  private async compareBatch(from: Redis, all: Buffer[]): Promise<void> {
    let keys = all;
    const big: Array<{ key: Buffer; memBytes: number }> = [];
    const limit = this.o.memLimitBytes;
    if (limit !== undefined) {
      // MEMORY USAGE on both sides first: a key big on either is not DUMPed
      const [a, b] = await Promise.all([memoryUsage(await this.sourceConns.forClient(from), all), this.targetMemory(all)]);
      keys = [];
      all.forEach((key, i) => {
        const m = Math.max(a[i] ?? 0, b[i] ?? 0);
        if (a[i] === null) this.counts.vanished++; // gone from the source: not a difference
        else if (m > limit) big.push({ key, memBytes: m });
        else keys.push(key);
      });
    }
    if (keys.length) await this.compareSmall(from, keys, big);
    for (const b of big) await this.compareBig(from, b.key, b.memBytes);
  }

  /** A key over the limit on either side, compared in chunks. */
  private async compareBig(from: Redis, key: Buffer, memBytes: number): Promise<void> {
    const [owner] = byOwner(this.target, [key]);
    let r: Awaited<ReturnType<typeof compareBigKey>>;
    try {
      r = await compareBigKey(connOf(from), connOf(owner.client), key, {
        sizing: chunkSizing(this.o.memLimitBytes ?? memBytes),
        memBytes,
        ttlToleranceMs: this.o.ttlToleranceMs,
        lengths: (n) => void (this.counts.elementsTotal += n),
        progress: (n) => void (this.counts.elements += n),
        stopped: () => this.stopped,
      });
    } catch (err) {
      // a key changing type while it is walked (WRONGTYPE), say: compared, found different
      this.counts.compared++;
      this.counts.chunked++;
      return this.diff('value', key, `compared in chunks: ${(err as Error).message}`);
    }
    if (r.kind === 'vanished') return void this.counts.vanished++;
    if (r.kind === 'stopped') return; // not compared: the summary says stopped
    this.counts.compared++;
    this.counts.chunked++;
    if (r.kind === 'skipped') return void this.counts.skipped++;
    if (r.kind === 'ok') return void this.counts.ok++;
    this.diff(r.kind, key, r.detail);
  }

  private async targetMemory(keys: Buffer[]): Promise<Array<number | null>> {
    const out: Array<number | null> = new Array(keys.length);
    await Promise.all(
      byOwner(this.target, keys).map(async (g) => {
        const mem = await memoryUsage(await this.targetConns.get(addressOf(g.client)), g.keys);
        g.index.forEach((i, j) => (out[i] = mem[j]));
      }),
    );
    return out;
  }

  private async compareSmall(from: Redis, keys: Buffer[], big: Array<{ key: Buffer; memBytes: number }>): Promise<void> {
    const slow = await this.compareDumps(from, keys);
    // read by type a run of keys at a time, runs of about WHOLE_READ_BYTES of DUMP payload: keys of millions of
    // members are then read (and held) one at a time, the small ones still many a round trip
    let run: Buffer[] = [];
    let bytes = 0;
    for (const s of slow) {
      if (run.length && bytes + s.bytes > WHOLE_READ_BYTES) {
        await this.compareByType(from, run, big);
        run = [];
        bytes = 0;
      }
      run.push(s.key);
      bytes += s.bytes;
    }
    if (run.length) await this.compareByType(from, run, big);
  }

  /** The DUMP fast path; returns the keys to compare by type, with their DUMP payload's size (a size hint). */
  private async compareDumps(from: Redis, keys: Buffer[]): Promise<Array<{ key: Buffer; bytes: number }>> {
    const [src, dst] = await Promise.all([readDump(await this.sourceConns.forClient(from), keys), this.readTargetDumps(keys)]);
    const slow: Array<{ key: Buffer; bytes: number }> = [];
    keys.forEach((key, i) => {
      const a = src[i];
      const b = dst[i];
      const bytes = Math.max(a.status === 'ok' && 'dump' in a ? a.dump.length : 0, b?.status === 'ok' && 'dump' in b ? b.dump.length : 0);
      if (a.status === 'vanished') return void this.counts.vanished++;
      if (a.status !== 'ok' || !('dump' in a)) return void slow.push({ key, bytes });
      if (b.status === 'vanished') {
        this.counts.compared++;
        return this.diff('missing', key, 'not on the target');
      }
      if (b.status !== 'ok' || !('dump' in b) || !a.dump.equals(b.dump)) return void slow.push({ key, bytes });
      this.counts.compared++;
      if (!ttlClose(a.ttlMs, b.ttlMs, this.o.ttlToleranceMs)) return this.diff('ttl', key, `ttl ${a.ttlMs} ms on the source, ${b.ttlMs} ms on the target`);
      this.counts.ok++;
    });
    return slow;
  }

  private async readTargetDumps(keys: Buffer[]): Promise<Awaited<ReturnType<typeof readDump>>> {
    const out: Awaited<ReturnType<typeof readDump>> = new Array(keys.length);
    await Promise.all(
      byOwner(this.target, keys).map(async (g) => {
        const read = await readDump(await this.targetConns.get(addressOf(g.client)), g.keys);
        g.index.forEach((i, j) => (out[i] = read[j]));
      }),
    );
    return out;
  }

  /**
   * Keys whose DUMP payloads differ, read by type; one that grew over the limit meanwhile joins `big`. Values are
   * compared a slice at a time (the event loop served in between) and let go of as soon as they are compared.
   */
  private async compareByType(from: Redis, keys: Buffer[], big: Array<{ key: Buffer; memBytes: number }>): Promise<void> {
    const limit = this.o.memLimitBytes;
    const [src, dst] = await Promise.all([readStruct(await this.sourceConns.forClient(from), keys, limit), this.readTarget(keys, limit)]);
    for (let i = 0; i < keys.length && !this.stopped; i++) {
      const key = keys[i];
      const a = src[i];
      const b = dst[i];
      (src as unknown[])[i] = (dst as unknown[])[i] = undefined;
      if (a.vanished) {
        this.counts.vanished++;
        continue;
      }
      if (a.big !== undefined || b.big !== undefined) {
        big.push({ key, memBytes: Math.max(a.big ?? 0, b.big ?? 0) });
        continue;
      }
      if (a.unsupported || !a.struct) {
        this.counts.compared++;
        this.counts.skipped++;
        continue;
      }
      if (b.vanished || b.unsupported || !b.struct || a.struct.type !== b.struct.type) {
        this.counts.compared++;
        if (b.vanished) this.diff('missing', key, 'not on the target');
        else this.diff('type', key, `${a.struct.type} on the source, ${b.struct?.type ?? b.unsupported ?? '?'} on the target`);
        continue;
      }
      this.counts.elementsTotal += elementsOf(a.struct, b.struct);
      const eq = await structEqualsAsync(a.struct, b.struct, { progress: (n) => void (this.counts.elements += n), stopped: () => this.stopped });
      if (!eq) return; // stopped: this key not compared
      this.counts.compared++;
      if (!eq.equal) this.diff('value', key, eq.detail ?? 'values differ');
      else if (!ttlClose(a.ttlMs, b.ttlMs, this.o.ttlToleranceMs)) this.diff('ttl', key, `ttl ${a.ttlMs} ms on the source, ${b.ttlMs} ms on the target`);
      else this.counts.ok++;
    }
  }

  /** The target's view of the same keys, read on the masters that hold them. */
  private async readTarget(keys: Buffer[], memLimitBytes?: number): Promise<Awaited<ReturnType<typeof readStruct>>> {
    const out: Awaited<ReturnType<typeof readStruct>> = new Array(keys.length);
    await Promise.all(
      byOwner(this.target, keys).map(async (g) => {
        const read = await readStruct(await this.targetConns.get(addressOf(g.client)), g.keys, memLimitBytes);
        g.index.forEach((i, j) => (out[i] = read[j]));
      }),
    );
    return out;
  }

  /** Keys the target holds and the source does not. */
  private async extraBatch(keys: Buffer[]): Promise<void> {
    await Promise.all(
      byOwner(this.source, keys).map(async (g) => {
        const pipe = (await this.sourceConns.get(addressOf(g.client))).pipeline();
        for (const k of g.keys) pipe.call('EXISTS', [k]);
        const replies = await pipe.exec();
        g.keys.forEach((k, j) => {
          if (replies[j]?.[1] === 0) this.diff('extra', k, 'only on the target');
        });
      }),
    );
  }
}
