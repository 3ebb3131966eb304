// A reshard: a list of slot moves (over bare RESP connections, one per node: SETSLOT, lists and MIGRATE alike) run with a few slots in flight at once, never two from the same source (its
// MIGRATE blocks it: two at once would only block it longer). Each slot: SETSLOT IMPORTING/MIGRATING (slot-steps),
// its keys (migrate-keys), SETSLOT NODE on the target, the source, every other master. Every slot change is
// journaled (time, node, command, reply; never a password) and told as a typed event. stop() lets the slots in
// hand finish (none is left open) and starts no other. A slot that fails midway is reported open, with where it
// stopped; the other slots in hand finish, and nothing new starts.
import { Emitter } from '../../emitter.js';
import type { Journal } from '../../failover/journal.js';
import { ServerReplyError } from '../../failover/pool.js';
import { redactArgv, redactReply } from '../../failover/redact-command.js';
import { respLogin, type ConnectOptions } from '../../redis/connect.js';
import { RespPool } from '../../redis/resp-pool.js';
import type { Endpoint } from '../../../options/endpoint.js';
import { moveKeysInSlot } from './migrate-keys.js';
import { closeSteps, openSteps, type SlotStep } from './slot-steps.js';
import type { ClusterMaster, DuplicateKeys, MoveEvent, MoveTotals, OpenSlot, ReshardOptions, ReshardSummary, SlotMove } from './types.js';

export const RESHARD_DEFAULTS = { concurrency: 4, batchBytes: 4 << 20, batchKeys: 1000, migrateTimeoutMs: 60_000, replace: false } as const;

export interface ReshardDeps {
  /** how every node is logged in to: the entry's user, password and TLS, at each master's address */
  entry: Endpoint;
  conn: ConnectOptions;
  journal: Journal;
  /** the journal's procedure name (default reshard; rebalance runs as a reshard) */
  procedure?: 'reshard' | 'rebalance';
}

/** SETSLOT NODE on a source that has just lost its last slot: it turned itself into a replica meanwhile (redis#9223). */
const SOURCE_BECAME_REPLICA = /^ERR Please use SETSLOT only with masters/;

function oneLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}

/** A slot's ranges, grouped per source → target, for the journal's plan line. */
function planLines(moves: SlotMove[], byId: Map<string, ClusterMaster>): Array<{ from: string; to: string; fromId: string; toId: string; slots: string; count: number }> {
  const groups = new Map<string, number[]>();
  for (const m of moves) {
    const k = `${m.from} ${m.to}`;
    groups.set(k, [...(groups.get(k) ?? []), m.slot]);
  }
  return [...groups].map(([k, slots]) => {
    const [from, to] = k.split(' ');
    const ranges: string[] = [];
    const sorted = [...slots].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; ) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
      ranges.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
      i = j + 1;
    }
    return { from: byId.get(from)?.address ?? from, to: byId.get(to)?.address ?? to, fromId: from, toId: to, slots: ranges.join(','), count: slots.length };
  });
}

export class Reshard {
  readonly events = new Emitter<MoveEvent>();
  private readonly opts: Required<ReshardOptions>;
  private readonly byId: Map<string, ClusterMaster>;
  private readonly bulk: RespPool;
  private stopping = false;
  private started = 0;
  private totals: MoveTotals;
  private inFlight = new Set<number>();
  private duplicates: DuplicateKeys[] = [];
  private readonly procedure: 'reshard' | 'rebalance';

  constructor(
    readonly masters: ClusterMaster[],
    readonly moves: SlotMove[],
    private readonly deps: ReshardDeps,
    opts: ReshardOptions = {},
  ) {
    this.opts = { ...RESHARD_DEFAULTS, ...opts };
    this.procedure = deps.procedure ?? 'reshard';
    this.byId = new Map(masters.map((m) => [m.id, m]));
    for (const mv of moves) if (!this.byId.has(mv.from) || !this.byId.has(mv.to)) throw new Error(`internal: slot ${mv.slot} names a node not in the cluster map`);
    this.bulk = new RespPool({ auth: respLogin(deps.entry, deps.conn) }, this.opts.migrateTimeoutMs + 10_000);
    this.totals = { slotsDone: 0, slotsTotal: moves.length, inFlight: [], keys: 0, bytes: 0, elapsedMs: 0, keysPerSec: 0 };
  }

  /** Finishes the slots in hand, starts no other. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.note('stop asked: the slots in hand finish, no other starts');
  }

  private note(text: string): void {
    this.deps.journal.write({ event: 'note', procedure: this.procedure, text });
    this.events.emit({ type: 'note', text, at: Date.now() });
  }

  private progress(): void {
    const elapsedMs = Date.now() - this.started;
    this.totals = { ...this.totals, inFlight: [...this.inFlight].sort((a, b) => a - b), elapsedMs, keysPerSec: elapsedMs > 0 ? Math.round((this.totals.keys * 1000) / elapsedMs) : 0 };
    this.events.emit({ type: 'progress', totals: this.totals });
  }

  async run(): Promise<ReshardSummary> {
    const { journal } = this.deps;
    this.started = Date.now();
    journal.write({ event: 'start', procedure: this.procedure, title: `move ${this.moves.length} slot${this.moves.length === 1 ? '' : 's'}`, options: { ...this.opts } });
    journal.write({ event: 'plan', procedure: this.procedure, moves: planLines(this.moves, this.byId), masters: this.masters.map((m) => ({ id: m.id, address: m.address })) });

    const queue = [...this.moves];
    const busy = new Set<string>();
    const open: OpenSlot[] = [];
    let error: string | undefined;

    await new Promise<void>((resolve) => {
      let running = 0;
      const pump = () => {
        while (!this.stopping && !error && running < this.opts.concurrency) {
          const i = queue.findIndex((m) => !busy.has(m.from));
          if (i < 0) break;
          const [mv] = queue.splice(i, 1);
          busy.add(mv.from);
          running++;
          void this.moveSlot(mv)
            .then((failed) => {
              if (failed) {
                error ??= failed.error;
                if (failed.open) open.push(failed.open);
              }
            })
            .finally(() => {
              busy.delete(mv.from);
              running--;
              pump();
            });
        }
        if (running === 0) resolve();
      };
      pump();
    });

    await this.bulk.close();
    this.progress();
    const summary: ReshardSummary = {
      status: error ? 'failed' : queue.length ? 'stopped' : 'done',
      totals: this.totals,
      ...(error ? { error } : {}),
      open,
      notStarted: queue.length,
      duplicates: this.duplicates,
    };
    journal.write({ event: 'end', procedure: this.procedure, status: summary.status, slotsDone: this.totals.slotsDone, keys: this.totals.keys, bytes: this.totals.bytes, ms: this.totals.elapsedMs, open, notStarted: queue.length, ...(error ? { error } : {}) });
    this.events.emit({ type: 'summary', summary });
    return summary;
  }

  /**
   * A command over the node's bare RESP connection (the one its MIGRATEs use): a fraction of a client library's
   * cost per command, which is what a slot's five SETSLOTs are mostly made of. An error reply is a ServerReplyError.
   */
  private async command(node: string, argv: string[]): Promise<unknown> {
    const conn = await this.bulk.get(node);
    const p = conn.pipeline();
    p.call(argv[0], argv.slice(1));
    const [[err, v]] = await p.exec();
    if (err) throw new ServerReplyError(err.message); // a reply; a lost connection rejects exec() instead
    return Buffer.isBuffer(v) ? v.toString() : v;
  }

  /** One SETSLOT step: sent, journaled with its reply, told. */
  private async step(st: SlotStep, slot: number): Promise<void> {
    const t0 = Date.now();
    const command = redactArgv(st.argv);
    const base = { event: 'command' as const, procedure: this.procedure, step: st.id, node: st.node, command };
    try {
      const reply = await this.command(st.node, st.argv);
      const shown = redactReply(st.argv, reply);
      this.deps.journal.write({ ...base, reply: shown, ms: Date.now() - t0 });
      this.events.emit({ type: 'command', slot, node: st.node, command, reply: shown, ms: Date.now() - t0, why: st.why });
    } catch (err) {
      const e = oneLine(err);
      this.deps.journal.write({ ...base, error: e, ms: Date.now() - t0 });
      this.events.emit({ type: 'command', slot, node: st.node, command, error: e, ms: Date.now() - t0, why: st.why });
      if (st.stage === 'node-source' && err instanceof ServerReplyError && SOURCE_BECAME_REPLICA.test(e)) {
        this.note(`${st.node} gave up its last slot and became a replica before SETSLOT NODE reached it (redis#9223): fine`);
        return;
      }
      if (st.stage === 'node-other') {
        // the target's new epoch reaches it by gossip anyway; this SETSLOT only spares clients a redirect
        this.note(`${st.node}: ${e}; it learns slot ${slot}'s owner from the cluster bus instead`);
        return;
      }
      throw err;
    }
  }

  /** Moves one slot; resolves with what went wrong, if anything (never rejects). */
  private async moveSlot(mv: SlotMove): Promise<{ error: string; open?: OpenSlot } | undefined> {
    const src = this.byId.get(mv.from)!;
    const dst = this.byId.get(mv.to)!;
    const t0 = Date.now();
    this.inFlight.add(mv.slot);
    this.events.emit({ type: 'slot-start', slot: mv.slot, from: src.address, to: dst.address, at: t0 });
    this.progress();
    let stage: OpenSlot['stage'] = 'importing';
    let keys = 0;
    let bytes = 0;
    try {
      const [importing, migrating] = openSteps(mv, this.masters);
      await this.step(importing, mv.slot);
      stage = 'migrating';
      await this.step(migrating, mv.slot);
      stage = 'keys';
      const at = dst.address.lastIndexOf(':');
      const moved = await moveKeysInSlot({
        slot: mv.slot,
        source: await this.bulk.get(src.address),
        target: () => this.bulk.get(dst.address),
        targetHost: dst.address.slice(0, at),
        targetPort: Number(dst.address.slice(at + 1)),
        username: this.deps.entry.username,
        password: this.deps.entry.password,
        bounds: { bytes: this.opts.batchBytes, keys: this.opts.batchKeys },
        timeoutMs: this.opts.migrateTimeoutMs,
        replace: this.opts.replace,
        onBatch: (k, b, ms) => {
          keys += k;
          bytes += b;
          this.totals = { ...this.totals, keys: this.totals.keys + k, bytes: this.totals.bytes + b };
          this.events.emit({ type: 'batch', slot: mv.slot, keys: k, bytes: b, ms: Math.round(ms) });
          this.progress();
        },
        onDuplicates: (d) => {
          this.duplicates.push(d);
          this.deps.journal.write({ event: 'note', procedure: this.procedure, step: `slot:${mv.slot}:keys`, text: `keys on both sides of slot ${mv.slot}`, ...d });
          this.events.emit({ type: 'duplicates', duplicates: d });
        },
        onCommand: (argv, reply, error, ms) => {
          const command = redactArgv(argv);
          this.deps.journal.write({ event: 'command', procedure: this.procedure, step: `slot:${mv.slot}:keys`, node: src.address, command, ...(error ? { error } : { reply }), ms });
        },
      });
      keys = moved.keys;
      bytes = moved.bytes;
      stage = 'node';
      // the target first, then the source (redis#7116), then the other masters all at once
      const [toTarget, toSource, ...toOthers] = closeSteps(mv, this.masters);
      await this.step(toTarget, mv.slot);
      await this.step(toSource, mv.slot);
      await Promise.all(toOthers.map((st) => this.step(st, mv.slot)));
      this.totals = { ...this.totals, slotsDone: this.totals.slotsDone + 1 };
      this.inFlight.delete(mv.slot);
      this.events.emit({ type: 'slot-done', slot: mv.slot, from: src.address, to: dst.address, keys, bytes, ms: Date.now() - t0 });
      this.progress();
      return undefined;
    } catch (err) {
      this.inFlight.delete(mv.slot);
      const error = `slot ${mv.slot} (${src.address} → ${dst.address}): ${oneLine(err)}`;
      const open = await this.afterFailure(mv, stage);
      if (open) this.events.emit({ type: 'slot-failed', slot: mv.slot, from: src.address, to: dst.address, error, open });
      this.note(open ? `${error}; slot ${mv.slot} left open (${stage}${open.keysLeft !== undefined ? `, ${open.keysLeft} keys still on the source` : ''})` : error);
      this.progress();
      return { error, ...(open ? { open } : {}) };
    }
  }

  /**
   * After a slot failed: before any key moved, its IMPORTING (and MIGRATING) state is undone with SETSLOT STABLE,
   * journaled; later, it is left as it is (keys on both sides: closing it is a decision, `fix`'s) and reported.
   */
  private async afterFailure(mv: SlotMove, stage: OpenSlot['stage']): Promise<OpenSlot | undefined> {
    const src = this.byId.get(mv.from)!;
    const dst = this.byId.get(mv.to)!;
    if (stage === 'importing' || stage === 'migrating') {
      const undo = (node: string): SlotStep => ({ kind: 'command', stage: 'importing', id: `slot:${mv.slot}:stable:${node}`, node, argv: ['CLUSTER', 'SETSLOT', String(mv.slot), 'STABLE'], changesRole: true, why: `slot ${mv.slot} back to stable: no key moved` });
      try {
        await this.step(undo(dst.address), mv.slot);
        if (stage === 'migrating') await this.step(undo(src.address), mv.slot);
        return undefined;
      } catch {
        /* reported open below */
      }
    }
    let keysLeft: number | undefined;
    try {
      keysLeft = Number(await this.command(src.address, ['CLUSTER', 'COUNTKEYSINSLOT', String(mv.slot)]));
    } catch {
      /* the source is gone: unknown */
    }
    return { slot: mv.slot, from: src.address, to: dst.address, stage, ...(keysLeft !== undefined ? { keysLeft } : {}) };
  }
}
