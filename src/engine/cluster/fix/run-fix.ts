// Runs the plan of `cutover cluster fix` one step at a time, slot after slot: SETSLOT commands as they are, key
// steps through the move engine's migrate-keys (GETKEYSINSLOT + MIGRATE … KEYS in batches cut by bytes; a key on
// both sides compared, different copies refused unless `replace`). Every command is journaled (time, node,
// command, reply; never a password) and told as an event, one per step. The first failing step stops the run: the
// slots after it are left as they were. Knows nothing of terminals.
import { Emitter } from '../../emitter.js';
import type { Journal } from '../../failover/journal.js';
import { redactArgv, redactReply } from '../../failover/redact-command.js';
import { respLogin, type ConnectOptions } from '../../redis/connect.js';
import { RespPool } from '../../redis/resp-pool.js';
import type { RespConnection } from '../../redis/resp.js';
import type { Endpoint } from '../../../options/endpoint.js';
import { moveKeysInSlot } from '../move/migrate-keys.js';
import { RESHARD_DEFAULTS } from '../move/reshard.js';
import type { DuplicateKeys } from '../move/types.js';
import type { FixStep, SlotFix } from './fix-plan.js';

export interface FixDeps {
  entry: Endpoint;
  conn: ConnectOptions;
  journal: Journal;
}

export interface FixOptions {
  replace: boolean;
  batchKeys: number;
  migrateTimeoutMs: number;
}

export type FixEvent =
  | { type: 'step'; step: FixStep; reply?: unknown; error?: string; ms: number; keysMoved?: number }
  | { type: 'duplicates'; duplicates: DuplicateKeys };

export interface FixSummary {
  status: 'done' | 'failed';
  /** slots whose steps all ran */
  fixed: number[];
  /** slots refused by the plan (left as they are) */
  refused: number[];
  keys: number;
  error?: string;
}

/**
 * The connection with ASKING sent before every command: an importing node that does not own the slot serves its
 * keys (MEMORY USAGE, DUMP, MIGRATE) only to a command right after ASKING; without it, MOVED to the owner.
 */
function askingEach(conn: RespConnection): RespConnection {
  return new Proxy(conn, {
    get(target, prop, receiver) {
      if (prop !== 'pipeline') return Reflect.get(target, prop, receiver);
      return () => {
        const inner = target.pipeline();
        return {
          call(name: string, args: Parameters<typeof inner.call>[1]) {
            inner.call('ASKING', []);
            inner.call(name, args);
          },
          get length() {
            return inner.length / 2;
          },
          async exec() {
            return (await inner.exec()).filter((_, i) => i % 2 === 1);
          },
        };
      };
    },
  });
}

function oneLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}

export async function runFix(fixes: SlotFix[], deps: FixDeps, opts: FixOptions, events = new Emitter<FixEvent>()): Promise<FixSummary> {
  const { journal } = deps;
  const pool = new RespPool({ auth: respLogin(deps.entry, deps.conn) }, opts.migrateTimeoutMs + 10_000);
  const summary: FixSummary = { status: 'done', fixed: [], refused: fixes.filter((f) => f.refused).map((f) => f.slot), keys: 0 };
  journal.write({ event: 'start', procedure: 'cluster-fix', title: `close ${fixes.length} open slot${fixes.length === 1 ? '' : 's'}`, options: { ...opts } });
  journal.write({ event: 'plan', procedure: 'cluster-fix', slots: fixes.map((f) => ({ slot: f.slot, diagnosis: f.diagnosis, ...(f.refused ? { refused: f.refused } : {}), steps: f.steps.map((s) => (s.kind === 'keys' ? { node: s.node, keysTo: s.to, keys: s.keys } : { node: s.node, command: redactArgv(s.argv) })) })) });
  try {
    for (const f of fixes) {
      if (f.refused) continue;
      for (const st of f.steps) {
        const t0 = Date.now();
        const id = `slot:${f.slot}:${st.kind === 'keys' ? 'keys' : (st.argv[1] === 'SETSLOT' ? st.argv[3] : st.argv[1]).toLowerCase()}:${st.node}`;
        try {
          if (st.kind === 'command') {
            const conn = await pool.get(st.node);
            const p = conn.pipeline();
            p.call(st.argv[0], st.argv.slice(1));
            const [[err, v]] = await p.exec();
            const command = redactArgv(st.argv);
            if (err) {
              journal.write({ event: 'command', procedure: 'cluster-fix', step: id, node: st.node, command, error: err.message, ms: Date.now() - t0 });
              throw new Error(`${command.join(' ')} on ${st.node}: ${err.message}`);
            }
            const reply = redactReply(st.argv, Buffer.isBuffer(v) ? v.toString() : v);
            journal.write({ event: 'command', procedure: 'cluster-fix', step: id, node: st.node, command, reply, ms: Date.now() - t0 });
            events.emit({ type: 'step', step: st, reply, ms: Date.now() - t0 });
          } else {
            const at = st.to.lastIndexOf(':');
            const moved = await moveKeysInSlot({
              slot: f.slot,
              source: st.asking ? askingEach(await pool.get(st.node)) : await pool.get(st.node),
              target: () => pool.get(st.to),
              targetHost: st.to.slice(0, at),
              targetPort: Number(st.to.slice(at + 1)),
              username: deps.entry.username,
              password: deps.entry.password,
              bounds: { bytes: RESHARD_DEFAULTS.batchBytes, keys: opts.batchKeys },
              timeoutMs: opts.migrateTimeoutMs,
              replace: opts.replace,
              onBatch: () => undefined,
              onDuplicates: (d) => {
                journal.write({ event: 'note', procedure: 'cluster-fix', step: id, text: `keys on both sides of slot ${f.slot}`, ...d });
                events.emit({ type: 'duplicates', duplicates: d });
              },
              onCommand: (argv, reply, error, ms) => {
                journal.write({ event: 'command', procedure: 'cluster-fix', step: id, node: st.node, command: redactArgv(argv), ...(error ? { error } : { reply }), ms });
              },
            });
            summary.keys += moved.keys;
            events.emit({ type: 'step', step: st, ms: Date.now() - t0, keysMoved: moved.keys });
          }
        } catch (err) {
          const error = `slot ${f.slot}: ${oneLine(err)}`;
          events.emit({ type: 'step', step: st, error, ms: Date.now() - t0 });
          throw new Error(error);
        }
      }
      summary.fixed.push(f.slot);
    }
  } catch (err) {
    summary.status = 'failed';
    summary.error = oneLine(err);
  } finally {
    await pool.close();
  }
  journal.write({ event: 'end', procedure: 'cluster-fix', status: summary.status, fixed: summary.fixed, refused: summary.refused, keys: summary.keys, ...(summary.error ? { error: summary.error } : {}) });
  return summary;
}
