// A reshard: a list of slot moves (over bare RESP connections, one per node: SETSLOT, lists and MIGRATE alike), run as
// groups of slots from one source to one target, a few groups in flight at once, never two from the same source (its
// MIGRATE blocks it: two at once would only block it longer). Each group, with one write a node for each step:
// SETSLOT IMPORTING on the target, MIGRATING on the source (slot-steps), the keys (migrate-keys), SETSLOT NODE on the
// target, the source, every other master. A node saves nodes.conf once per event-loop turn, so a group's SETSLOTs cost
// about one save where slot after slot costs one each: that, not the keys, is what bounds a reshard of small slots.
// Every slot change is journaled (time, node, command, reply; never a password) and told as a typed event, slot by
// slot. stop() lets the groups in hand finish (no slot is left open) and starts no other. A group that fails midway
// reports its slots open, with where it stopped; the other groups in hand finish, and nothing new starts.
import { Emitter } from '../../emitter.js';
import type { Journal, JournalEntry } from '../../failover/journal.js';
import { ServerReplyError } from '../../failover/pool.js';
import { redactArgv, redactReply } from '../../failover/redact-command.js';
import { respLogin, type ConnectOptions } from '../../redis/connect.js';
import { RespPool } from '../../redis/resp-pool.js';
import type { Endpoint } from '../../../options/endpoint.js';
import { moveKeysInSlots, SlotKeysError } from './migrate-keys.js';
import { MigratePace } from './pace.js';
import { closeSteps, openSteps, type SlotStep } from './slot-steps.js';
import { planLines, rangesText, slotOf, stableSteps, takeGroup } from './groups.js';
import { ClusterProbe } from './cluster-probe.js';
import { mayBeFailover, ownerOf, replacementOf } from './follow-failover.js';
import type { ClusterView } from './reshard-plan.js';
import type { ClusterMaster, DuplicateKeys, MoveEvent, MoveTotals, OpenSlot, ReshardOptions, ReshardSummary, SlotMove } from './types.js';

export const RESHARD_DEFAULTS = { concurrency: 4, groupSlots: 64, batchBytes: 4 << 20, batchKeys: 1000, migrateTimeoutMs: 60_000, replace: false, failoverWaitMs: 30_000, maxBlockMs: 100 } as const;

/** a group is tried again at most this many times after its source or target failed over */
const FAILOVER_RETRIES = 3;

/** replies of a cluster that is down for a moment (a master failing, not replaced yet): wait, then try again */
const TRANSIENT = /CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN/;

export interface ReshardDeps {
  /** how every node is logged in to: the entry's user, password and TLS, at each master's address */
  entry: Endpoint;
  conn: ConnectOptions;
  journal: Journal;
  /** the replicas as the plan saw them: a master that fails over is known by the replica that takes its place */
  replicas?: ClusterView['replicas'];
  /** the journal's procedure name (default reshard; rebalance runs as a reshard) */
  procedure?: 'reshard' | 'rebalance';
}

/** SETSLOT NODE on a source that has just lost its last slot: it turned itself into a replica meanwhile (redis#9223). */
const SOURCE_BECAME_REPLICA = /^ERR Please use SETSLOT only with masters/;

function oneLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}

export class Reshard {
  readonly events = new Emitter<MoveEvent>();
  private readonly opts: Required<ReshardOptions>;
  private byId: Map<string, ClusterMaster>;
  private readonly bulk: RespPool;
  /** short reads while a failover is awaited: the node's own timeout, not MIGRATE's */
  private readonly probe: ClusterProbe;
  /** the moves not started yet (their node ids follow a failover) */
  private queue: SlotMove[] = [];
  /** the bytes a write of MIGRATEs may carry, from the rate seen so far (--max-block) */
  private readonly pace: MigratePace;
  /** the moves done, with the ids they were done with */
  private done: SlotMove[] = [];
  private stopping = false;
  private started = 0;
  private totals: MoveTotals;
  private inFlight = new Set<number>();
  private duplicates: DuplicateKeys[] = [];
  private readonly procedure: 'reshard' | 'rebalance';

  constructor(
    /** the masters as the plan saw them; after a failover, as the cluster tells it */
    public masters: ClusterMaster[],
    readonly moves: SlotMove[],
    private readonly deps: ReshardDeps,
    opts: ReshardOptions = {},
  ) {
    this.opts = { ...RESHARD_DEFAULTS, ...opts };
    this.procedure = deps.procedure ?? 'reshard';
    this.pace = new MigratePace(this.opts.maxBlockMs, this.opts.batchBytes);
    this.byId = new Map(masters.map((m) => [m.id, m]));
    for (const mv of moves) if (!this.byId.has(mv.from) || !this.byId.has(mv.to)) throw new Error(`internal: slot ${mv.slot} names a node not in the cluster map`);
    this.bulk = new RespPool({ auth: respLogin(deps.entry, deps.conn) }, this.opts.migrateTimeoutMs + 10_000);
    this.probe = new ClusterProbe(new RespPool({ auth: respLogin(deps.entry, deps.conn) }, deps.conn.commandTimeoutMs));
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

    const queue = (this.queue = this.moves.map((mv) => ({ ...mv })));
    const busy = new Set<string>();
    const open: OpenSlot[] = [];
    let error: string | undefined;

    await new Promise<void>((resolve) => {
      let running = 0;
      const pump = () => {
        while (!this.stopping && !error && running < this.opts.concurrency) {
          const group = takeGroup(queue, busy, this.opts.groupSlots);
          if (!group) break;
          const from = group[0].from;
          busy.add(from);
          running++;
          void this.moveGroup(group)
            .then((failed) => {
              if (failed) {
                error ??= failed.error;
                open.push(...failed.open);
              }
            })
            .finally(() => {
              busy.delete(from);
              running--;
              pump();
            });
        }
        if (running === 0) resolve();
      };
      pump();
    });

    await Promise.all([this.bulk.close(), this.probe.close()]);
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
   * SETSLOT steps on one node in one write (one nodes.conf save for all of them): each journaled with its reply and
   * told. Rejects with the first error that is not tolerated, once every reply is recorded.
   */
  private async steps(node: string, sts: SlotStep[]): Promise<void> {
    if (!sts.length) return;
    const t0 = Date.now();
    let replies: Array<[Error | null, unknown]>;
    try {
      const conn = await this.bulk.get(node);
      const p = conn.pipeline();
      for (const st of sts) p.call(st.argv[0], st.argv.slice(1));
      replies = await p.exec();
    } catch (err) {
      // no reply at all (the node went away): every step of the write failed the same way
      for (const st of sts) this.record(st, undefined, oneLine(err), Date.now() - t0);
      if (!sts.every((st) => st.stage === 'node-other')) throw err;
      // a master that is neither side: it (or the replica that replaces it) learns the owner from the cluster bus
      this.note(`${node}: ${oneLine(err)}; it learns the owner of slot${sts.length === 1 ? '' : 's'} ${rangesText(sts.map(slotOf))} from the cluster bus instead`);
      return;
    }
    const ms = Date.now() - t0;
    let first: Error | undefined;
    const lines: JournalEntry[] = [];
    /** another master's refusals: the target's new epoch reaches it by gossip anyway (one note for the write) */
    const learnsLater: number[] = [];
    let otherError = '';
    sts.forEach((st, i) => {
      const [err, v] = replies[i];
      if (!err) return lines.push(this.record(st, redactReply(st.argv, Buffer.isBuffer(v) ? v.toString() : v), undefined, ms, false));
      const e = oneLine(err);
      lines.push(this.record(st, undefined, e, ms, false));
      if (st.stage === 'node-source' && SOURCE_BECAME_REPLICA.test(e)) {
        this.note(`${st.node} gave up its last slot and became a replica before SETSLOT NODE reached it (redis#9223): fine`);
      } else if (st.stage === 'node-other') {
        learnsLater.push(slotOf(st));
        otherError ||= e;
      } else first ??= new ServerReplyError(e);
    });
    this.writeAll(lines);
    // this SETSLOT only spares clients a redirect
    if (learnsLater.length) this.note(`${node}: ${otherError}; it learns the owner of slot${learnsLater.length === 1 ? '' : 's'} ${rangesText(learnsLater)} from the cluster bus instead`);
    if (first) throw first;
  }

  /** A step's reply told as an event; its journal line written, or returned to be written with its write's others. */
  private record(st: SlotStep, reply: unknown, error: string | undefined, ms: number, write = true): JournalEntry {
    const command = redactArgv(st.argv);
    const line: JournalEntry = { time: new Date().toISOString(), event: 'command', procedure: this.procedure, step: st.id, node: st.node, command, ...(error !== undefined ? { error } : { reply }), ms };
    if (write) this.deps.journal.write(line);
    this.events.emit({ type: 'command', slot: slotOf(st), node: st.node, command, ...(error !== undefined ? { error } : { reply }), ms, why: st.why });
    return line;
  }

  private writeAll(lines: JournalEntry[]): void {
    if (this.deps.journal.writeAll) this.deps.journal.writeAll(lines);
    else for (const l of lines) this.deps.journal.write(l);
  }

  /** Moves a group of slots (one source, one target); resolves with what went wrong, if anything (never rejects). */
  private async moveGroup(group: SlotMove[], attempt = 0): Promise<{ error: string; open: OpenSlot[] } | undefined> {
    const src = this.byId.get(group[0].from)!;
    const dst = this.byId.get(group[0].to)!;
    const t0 = Date.now();
    for (const mv of group) {
      this.inFlight.add(mv.slot);
      this.events.emit({ type: 'slot-start', slot: mv.slot, from: src.address, to: dst.address, at: t0 });
    }
    this.progress();
    let stage: OpenSlot['stage'] = 'importing';
    const moved = new Map<number, { keys: number; bytes: number }>();
    try {
      const open = group.map((mv) => openSteps(mv, this.masters));
      await this.steps(dst.address, open.map(([importing]) => importing));
      stage = 'migrating';
      await this.steps(src.address, open.map(([, migrating]) => migrating));
      stage = 'keys';
      const at = dst.address.lastIndexOf(':');
      await moveKeysInSlots({
        slots: group.map((mv) => mv.slot),
        source: await this.bulk.get(src.address),
        target: () => this.bulk.get(dst.address),
        targetHost: dst.address.slice(0, at),
        targetPort: Number(dst.address.slice(at + 1)),
        username: this.deps.entry.username,
        password: this.deps.entry.password,
        bounds: { bytes: this.opts.batchBytes, keys: this.opts.batchKeys },
        pace: this.pace,
        timeoutMs: this.opts.migrateTimeoutMs,
        replace: this.opts.replace,
        onBatch: (slot, k, b, ms) => {
          const m = moved.get(slot) ?? { keys: 0, bytes: 0 };
          moved.set(slot, { keys: m.keys + k, bytes: m.bytes + b });
          this.totals = { ...this.totals, keys: this.totals.keys + k, bytes: this.totals.bytes + b };
          this.events.emit({ type: 'batch', slot, keys: k, bytes: b, ms: Math.round(ms) });
          this.progress();
        },
        onDuplicates: (d) => {
          this.duplicates.push(d);
          this.deps.journal.write({ event: 'note', procedure: this.procedure, step: `slot:${d.slot}:keys`, text: `keys on both sides of slot ${d.slot}`, ...d });
          this.events.emit({ type: 'duplicates', duplicates: d });
        },
        onCommand: (slot, argv, reply, error, ms) => {
          const command = redactArgv(argv);
          this.deps.journal.write({ event: 'command', procedure: this.procedure, step: `slot:${slot}:keys`, node: src.address, command, ...(error ? { error } : { reply }), ms });
        },
      });
      stage = 'node';
      // the target first, then the source (redis#7116), then the other masters all at once
      const close = group.map((mv) => closeSteps(mv, this.masters));
      await this.steps(dst.address, close.map(([toTarget]) => toTarget));
      await this.steps(src.address, close.map(([, toSource]) => toSource));
      const others = new Map<string, SlotStep[]>();
      for (const [, , ...toOthers] of close) for (const st of toOthers) others.set(st.node, [...(others.get(st.node) ?? []), st]);
      await Promise.all([...others].map(([node, sts]) => this.steps(node, sts)));
      const ms = Date.now() - t0;
      for (const mv of group) {
        this.inFlight.delete(mv.slot);
        const m = moved.get(mv.slot) ?? { keys: 0, bytes: 0 };
        this.events.emit({ type: 'slot-done', slot: mv.slot, from: src.address, to: dst.address, keys: m.keys, bytes: m.bytes, ms });
      }
      this.totals = { ...this.totals, slotsDone: this.totals.slotsDone + group.length };
      this.done.push(...group);
      this.progress();
      return undefined;
    } catch (err) {
      for (const mv of group) this.inFlight.delete(mv.slot);
      if (attempt < FAILOVER_RETRIES && mayBeFailover(err)) {
        const next = await this.followFailover(group, oneLine(err));
        if (next) return next.length ? this.moveGroup(next, attempt + 1) : undefined;
      }
      const where = err instanceof SlotKeysError ? `slot ${err.slot}` : `slot${group.length > 1 ? 's' : ''} ${rangesText(group.map((mv) => mv.slot))}`;
      const error = `${where} (${src.address} → ${dst.address}): ${oneLine(err)}`;
      const open = await this.afterFailure(group, stage);
      for (const o of open) this.events.emit({ type: 'slot-failed', slot: o.slot, from: src.address, to: dst.address, error, open: o });
      this.note(
        open.length
          ? `${error}; ${open.length === 1 ? `slot ${open[0].slot}` : `${open.length} slots`} left open (${stage}${open.length === 1 && open[0].keysLeft !== undefined ? `, ${open[0].keysLeft} keys still on the source` : ''})`
          : error,
      );
      this.progress();
      return { error, open };
    }
  }

  /**
   * After a group failed in a way a failover explains: the cluster is asked (from a node that answers) who owns what
   * now, until the source and target answer as masters, or were replaced by the replicas the cluster promoted
   * (up to failoverWaitMs). A replacement is noted, journaled and told; the queue's moves follow it, and the group
   * goes on against the new master: the slots the target owns by now are done, the others move again (IMPORTING and
   * MIGRATING set afresh; a key both sides hold, from a MIGRATE cut short, is compared as usual). A cluster that was
   * down for a moment (CLUSTERDOWN while a failing master is replaced) is waited for until both sides say
   * cluster_state:ok, and the group tried again as it was. Undefined: no failover (both masters answer, and the error
   * was not a cluster down) or none came in time, and the group fails as it would have.
   */
  private async followFailover(group: SlotMove[], error: string): Promise<SlotMove[] | undefined> {
    const src = this.byId.get(group[0].from)!;
    const dst = this.byId.get(group[0].to)!;
    const deadline = Date.now() + this.opts.failoverWaitMs;
    let waiting = false;
    for (;;) {
      const view = await this.probe.view([...new Set([...this.byId.values()].map((m) => m.address).concat((this.deps.replicas ?? []).map((r) => r.address)))]);
      if (view) {
        const slots = group.map((mv) => mv.slot);
        const newSrc = replacementOf(src.id, [...slots, ...src.slots.flatMap(([a, b]) => [a, b])], view, this.deps.replicas, dst.id);
        const newDst = replacementOf(dst.id, [...this.movedTo(dst.id), ...dst.slots.flatMap(([a, b]) => [a, b])], view, this.deps.replicas, src.id);
        if (newSrc && newDst && (newSrc !== src.id || newDst !== dst.id)) {
          const rest = this.adopt(view, group, { [src.id]: newSrc, [dst.id]: newDst });
          if (newSrc !== src.id && rest.length) {
            // the target ignores news of a slot it imports (clusterUpdateSlotsConfigWith): while it imports from the
            // old source, it sees the slot served by a failed node and says CLUSTERDOWN. Closed, it learns the new owner.
            const target = this.byId.get(newDst)!;
            await this.steps(target.address, stableSteps(rest, target.address, 'the target learns the new source owns the slot'));
            while (!(await this.probe.clusterOk(target.address)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
          }
          return rest;
        }
        if (newSrc === src.id && newDst === dst.id && (await this.probe.isMaster(src.address)) && (await this.probe.isMaster(dst.address))) {
          // no failover; a cluster that was down (a master failing, not replaced yet) is waited for, then the group tried again
          if (!TRANSIENT.test(error)) return undefined;
          if ((await this.probe.clusterOk(src.address)) && (await this.probe.clusterOk(dst.address))) return group;
        }
      }
      if (Date.now() >= deadline) return undefined;
      if (!waiting) {
        waiting = true;
        this.note(`${error}; waiting up to ${Math.round(this.opts.failoverWaitMs / 1000)} s for the cluster to fail ${src.address} or ${dst.address} over`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** The view after a failover taken as the reshard's: masters, the queue's ids, the group's remaining slots. */
  private adopt(view: ClusterView, group: SlotMove[], remap: Record<string, string>): SlotMove[] {
    const before = this.byId;
    this.masters = view.masters;
    this.byId = new Map([...before, ...view.masters.map((m) => [m.id, m] as const)]);
    for (const [role, id] of [['source', group[0].from], ['target', group[0].to]] as const) {
      if (remap[id] === id) continue;
      const old = before.get(id)!;
      const now = this.byId.get(remap[id])!;
      const slots = group.map((mv) => mv.slot);
      this.note(`the ${role} ${old.address} (${old.id.slice(0, 8)}) failed over: ${now.address} (${now.id.slice(0, 8)}) is its master now; slots ${rangesText(slots)} and the plan's others continue against it`);
      this.events.emit({ type: 'failover', role, old: old.address, now: now.address, slots, at: Date.now() });
    }
    for (const mv of this.queue) {
      mv.from = remap[mv.from] ?? mv.from;
      mv.to = remap[mv.to] ?? mv.to;
    }
    const to = remap[group[0].to];
    const from = remap[group[0].from];
    const rest: SlotMove[] = [];
    for (const mv of group) {
      if (ownerOf(view, mv.slot) !== to) rest.push({ slot: mv.slot, from, to });
      else {
        // the target took it before the source went: done
        this.totals = { ...this.totals, slotsDone: this.totals.slotsDone + 1 };
        this.events.emit({ type: 'slot-done', slot: mv.slot, from: before.get(mv.from)!.address, to: this.byId.get(to)!.address, keys: 0, bytes: 0, ms: 0 });
      }
    }
    return rest;
  }

  /** Slots this run gave to `id` so far. */
  private movedTo(id: string): number[] {
    return this.done.filter((mv) => mv.to === id).map((mv) => mv.slot);
  }

  /**
   * After a group failed: before any key moved, its IMPORTING (and MIGRATING) state is undone with SETSLOT STABLE,
   * journaled; later, its slots are left as they are (keys on both sides: closing them is a decision, `fix`'s) and
   * reported with the keys still on the source.
   */
  private async afterFailure(group: SlotMove[], stage: OpenSlot['stage']): Promise<OpenSlot[]> {
    const src = this.byId.get(group[0].from)!;
    const dst = this.byId.get(group[0].to)!;
    if (stage === 'importing' || stage === 'migrating') {
      try {
        await this.steps(dst.address, stableSteps(group, dst.address, 'back to stable: no key moved'));
        if (stage === 'migrating') await this.steps(src.address, stableSteps(group, src.address, 'back to stable: no key moved'));
        return [];
      } catch {
        /* reported open below */
      }
    }
    let left: Array<number | undefined> = group.map(() => undefined);
    try {
      const p = (await this.bulk.get(src.address)).pipeline();
      for (const mv of group) p.call('CLUSTER', ['COUNTKEYSINSLOT', mv.slot]);
      left = (await p.exec()).map(([err, n]) => (err ? undefined : Number(n)));
    } catch {
      /* the source is gone: unknown */
    }
    return group.map((mv, i) => ({ slot: mv.slot, from: src.address, to: dst.address, stage, ...(left[i] !== undefined ? { keysLeft: left[i] } : {}) }));
  }
}
