// The console's cluster operations, engine side: a cluster check (read-nodes + check), and a reshard or a rebalance
// prepared from the operator's choices (the cluster read fresh from one node, the slots planned as redis-cli does,
// their keys counted), waiting for the typed word `reshard` or `rebalance`, then run by the slot-move engine
// (Reshard) with its events forwarded and every command journaled to a file like the headless command's. One
// operation at a time. Knows nothing about Ink.
import { Emitter } from '../emitter.js';
import { redact } from '../../options/redact.js';
import type { Endpoint } from '../../options/endpoint.js';
import { nodeId } from '../../options/endpoint.js';
import { respLogin, type ConnectOptions } from '../redis/connect.js';
import { RespPool } from '../redis/resp-pool.js';
import { defaultJournalPath, FileJournal, type Journal } from '../failover/journal.js';
import type { LogEntry } from '../topology/types.js';
import { checkCluster } from './check.js';
import type { CheckReport } from './check-types.js';
import { readClusterNodes } from './read-nodes.js';
import { clusterViewOf, openOnEveryMaster } from './move/cluster-view.js';
import { planReshard, countOf, SLOTS, type ClusterView } from './move/reshard-plan.js';
import { entryFirst, planRebalance } from './move/rebalance-plan.js';
import { previewRebalance, type RebalancePreview } from './move/rebalance-preview.js';
import { parseClusterNodes } from '../topology/parse-cluster-nodes.js';
import { previewReshard, type ReshardPreview } from './move/reshard-preview.js';
import { Reshard } from './move/reshard.js';
import type { ClusterMaster, MoveEvent, ReshardOptions, ReshardSummary, SlotMove } from './move/types.js';

/** The word the operator types to run a reshard, as for `cutover cluster reshard`. */
export const RESHARD_WORD = 'reshard';
/** The word the operator types to run a rebalance, as for `cutover cluster rebalance`. */
export const REBALANCE_WORD = 'rebalance';
export type MoveWord = typeof RESHARD_WORD | typeof REBALANCE_WORD;

/** What the operator asked for in the console's reshard wizard (R). */
export interface ReshardAsk {
  kind: 'reshard';
  /** node id of the master that receives the slots */
  to: string;
  /** node ids of the sources, or every master with slots but `to` */
  from: string[] | 'all';
  slots: number;
}

/** What the operator asked for in the console's rebalance wizard (B): planned as redis-cli --cluster rebalance, every master weighing 1. */
export interface RebalanceAsk {
  kind: 'rebalance';
  /** --use-empty-masters: masters without slots take part and get their share */
  useEmptyMasters: boolean;
  /** --threshold, percent */
  threshold: number;
}

export type ClusterAsk = ReshardAsk | RebalanceAsk;

export type ClusterOpEvent =
  | { type: 'cluster-check-started'; entry: string; at: number }
  | { type: 'cluster-check-done'; report: CheckReport; at: number }
  | { type: 'cluster-check-failed'; message: string; at: number }
  /** the plan, read and counted: waiting for the typed word */
  | { type: 'reshard-plan'; preview: ReshardPreview; at: number }
  /** the rebalance's plan, read and counted (the moves for their ranges): waiting for the typed word */
  | { type: 'rebalance-plan'; preview: RebalancePreview; moves: SlotMove[]; at: number }
  /** every master is within the threshold of its share: one line, nothing changed */
  | { type: 'rebalance-balanced'; message: string; at: number }
  /** the choices cannot be planned (more slots than the sources hold, slots already open …): one line, nothing changed */
  | { type: 'reshard-refused'; message: string; at: number }
  | { type: 'reshard-declined'; at: number }
  /** the word was typed: a drill alongside starts, then the first slot */
  | { type: 'reshard-confirmed'; drill: boolean; at: number }
  | { type: 'reshard-started'; journal: string; at: number }
  | { type: 'reshard'; event: MoveEvent }
  /** the run could not start or broke outside a slot (the journal, a connection): one line */
  | { type: 'reshard-error'; message: string; at: number }
  | { type: 'log'; entry: LogEntry };

export interface RunHooks {
  /** where the journal goes (default ./cutover-reshard-<time>.jsonl or ./cutover-rebalance-<time>.jsonl, as for the commands) */
  journalPath?: string;
  /** once confirmed, before the first slot moves (a drill to start) */
  before?: () => Promise<void>;
  /** when the reshard ended (the drill to stop) */
  after?: (s: ReshardSummary) => void;
}

const oneLine = (err: unknown) => redact(String((err as Error)?.message ?? err).split('\n')[0]);

interface Prepared {
  entry: Endpoint;
  masters: ClusterMaster[];
  /** the replicas as the plan saw them: a master that fails over mid-move is followed to its replica */
  replicas: ClusterView['replicas'];
  moves: SlotMove[];
  /** the word that runs it, and the journal's procedure */
  word: MoveWord;
}

export class ClusterOps {
  readonly events = new Emitter<ClusterOpEvent>();
  private prepared?: Prepared;
  private reshard?: Reshard;
  private busy = false;

  constructor(
    private readonly conn: ConnectOptions,
    private readonly opts: ReshardOptions = {},
  ) {}

  /** A check, a plan being read or a reshard under way. */
  get running(): boolean {
    return this.busy;
  }

  private log(level: LogEntry['level'], message: string): void {
    this.events.emit({ type: 'log', entry: { at: Date.now(), level, kind: 'cluster', message } });
  }

  private current: Promise<void> = Promise.resolve();

  private job(work: () => Promise<void>): boolean {
    if (this.busy) return false;
    this.busy = true;
    this.current = work().finally(() => (this.busy = false));
    return true;
  }

  /** A reshard (or a rebalance) is moving slots. */
  get resharding(): boolean {
    return !!this.reshard;
  }

  /** What is moving slots now: a reshard or a rebalance (undefined: nothing). */
  get moving(): MoveWord | undefined {
    return this.reshard ? this.movingWord : undefined;
  }
  private movingWord?: MoveWord;

  /** Resolves when no operation runs (after stop(): once the slots in hand are done). */
  idle(): Promise<void> {
    return this.current;
  }

  /** `cutover cluster check` from the entry node: its report, or one line why it could not read the cluster. */
  check(entry: Endpoint): boolean {
    return this.job(async () => {
      this.events.emit({ type: 'cluster-check-started', entry: nodeId(entry.host, entry.port), at: Date.now() });
      try {
        const report = checkCluster(await readClusterNodes({ entry, conn: this.conn }));
        this.events.emit({ type: 'cluster-check-done', report, at: Date.now() });
        const problems = report.findings.filter((f) => f.severity === 'problem').length;
        this.log(report.ok ? 'info' : 'warn', report.ok ? 'cluster check: all is well' : `cluster check: ${problems} problem${problems === 1 ? '' : 's'}`);
      } catch (err) {
        this.events.emit({ type: 'cluster-check-failed', message: oneLine(err), at: Date.now() });
      }
    });
  }

  /** Reads the cluster from the entry node, plans the moves and counts their keys; then waits for answer(). */
  plan(entry: Endpoint, ask: ClusterAsk): boolean {
    this.prepared = undefined;
    return this.job(async () => {
      const pool = new RespPool({ auth: respLogin(entry, this.conn) }, Math.max(5000, this.conn.commandTimeoutMs * 5));
      try {
        const address = nodeId(entry.host, entry.port);
        const p = (await pool.get(address)).pipeline();
        p.call('CLUSTER', ['NODES']);
        const [[err, text]] = await p.exec();
        if (err) throw new Error(`CLUSTER NODES on ${address}: ${err.message}`);
        const view = clusterViewOf(String(text));
        const open = await openOnEveryMaster(pool, view);
        if (open.length) {
          throw new Error(`slots are open already (${open.slice(0, 2).join('; ')}${open.length > 2 ? '; …' : ''}): close them first with cutover cluster fix; nothing was changed`);
        }
        if (ask.kind === 'rebalance') return await this.planRebalance(pool, entry, String(text), view, ask);
        const moves = planReshard(view, { to: ask.to, from: ask.from, slots: ask.slots });
        const preview = await previewReshard(view.masters, moves, pool);
        this.prepared = { entry, masters: view.masters, replicas: view.replicas, moves, word: RESHARD_WORD };
        this.events.emit({ type: 'reshard-plan', preview, at: Date.now() });
      } catch (err) {
        this.events.emit({ type: 'reshard-refused', message: oneLine(err), at: Date.now() });
      } finally {
        await pool.close();
      }
    });
  }

  /** The rebalance as the headless command plans it (the entry node first, as redis-cli orders them); nothing to do in one line. */
  private async planRebalance(pool: RespPool, entry: Endpoint, text: string, view: ClusterView, ask: RebalanceAsk): Promise<void> {
    const covered = view.masters.reduce((n, m) => n + countOf(m), 0);
    if (covered < SLOTS) {
      const n = SLOTS - covered;
      throw new Error(`${n} slot${n === 1 ? ' has' : 's have'} no master: assign ${n === 1 ? 'it' : 'them'} first (cutover cluster fix), then rebalance; nothing was changed`);
    }
    const myself = parseClusterNodes(text).find((e) => e.myself)?.id;
    const plan = planRebalance({ ...view, masters: entryFirst(view.masters, myself) }, { weights: [], useEmptyMasters: ask.useEmptyMasters, threshold: ask.threshold });
    if (!plan.needed) {
      const involved = plan.rows.filter((r) => r.involved).length;
      const empty = plan.rows.length - involved;
      const message = `nothing to do: ${involved} masters, each within ${ask.threshold} % of its share${empty ? ` (${empty} without slots left out: use empty masters yes takes ${empty === 1 ? 'it' : 'them'} in)` : ''}; nothing was changed`;
      this.events.emit({ type: 'rebalance-balanced', message, at: Date.now() });
      return;
    }
    const preview = await previewRebalance(plan, pool);
    this.prepared = { entry, masters: view.masters, replicas: view.replicas, moves: plan.moves, word: REBALANCE_WORD };
    this.events.emit({ type: 'rebalance-plan', preview, moves: plan.moves, at: Date.now() });
  }

  /** The operator's typed word: `reshard` (or `rebalance`) runs the plan shown; anything else (or '') declines it, nothing changed. */
  answer(typed: string, hooks: RunHooks = {}): void {
    const prepared = this.prepared;
    this.prepared = undefined;
    if (!prepared) return;
    if (typed.trim() !== prepared.word) {
      this.events.emit({ type: 'reshard-declined', at: Date.now() });
      return;
    }
    this.events.emit({ type: 'reshard-confirmed', drill: !!hooks.before, at: Date.now() });
    this.job(() => this.run(prepared, hooks));
  }

  private async run(p: Prepared, hooks: RunHooks): Promise<void> {
    let journal: Journal | undefined;
    try {
      const file = new FileJournal(hooks.journalPath ?? defaultJournalPath(p.word));
      journal = withConfirm(file, p.word);
      if (hooks.before) await hooks.before();
      const reshard = new Reshard(p.masters, p.moves, { entry: p.entry, conn: this.conn, journal, procedure: p.word, replicas: p.replicas }, this.opts);
      this.reshard = reshard;
      this.movingWord = p.word;
      this.events.emit({ type: 'reshard-started', journal: file.path, at: Date.now() });
      this.log('info', `${p.word} of ${p.moves.length} slot${p.moves.length === 1 ? '' : 's'} started; journal ${file.path}`);
      const off = reshard.events.on((event) => this.events.emit({ type: 'reshard', event }));
      let summary: ReshardSummary;
      try {
        summary = await reshard.run();
      } finally {
        off();
      }
      const t = summary.totals;
      this.log(summary.status === 'done' ? 'info' : summary.status === 'stopped' ? 'warn' : 'error', `${p.word} ${summary.status}: ${t.slotsDone} of ${t.slotsTotal} slots moved, ${t.keys} keys${summary.error ? ` (${summary.error})` : ''}; journal ${file.path}`);
      hooks.after?.(summary);
    } catch (err) {
      this.events.emit({ type: 'reshard-error', message: oneLine(err), at: Date.now() });
    } finally {
      this.reshard = undefined;
      journal?.close();
    }
  }

  /** Stops a running reshard or rebalance after the slots in hand (none is left open); declines a plan waiting for its word. */
  stop(): void {
    if (this.reshard) return this.reshard.stop();
    if (this.prepared) this.answer('');
  }
}

/** The journal with the operator's confirmation right after the plan line, as the headless command writes it. */
function withConfirm(journal: Journal, word: MoveWord): Journal {
  return {
    path: journal.path,
    write(entry) {
      journal.write(entry);
      if (entry.event === 'plan') journal.write({ event: 'confirm', procedure: word, word, granted: true, how: `typed ${word} in the console` });
    },
    close: () => journal.close(),
  };
}
