// `cutover cluster SUBCOMMAND` options: `check`, `fix`, `reshard` and `rebalance`, with redis-cli --cluster's
// option names where it has one.
import { TLS_OPTIONS, tlsFilesOf, type TlsFiles } from './tls-files.js';
import { InputError, parseEndpoint, type Endpoint } from './endpoint.js';
import { endpointDefaults, USER_OPTION } from './credentials.js';
import { parseOptions } from './parse-options.js';
import { parseDuration } from './duration.js';
import { wholeNumber } from './whole-number.js';
import { parseSlotRanges } from './slot-ranges.js';
import { parseMetricsAddress, type MetricsAddress } from './metrics-address.js';
import { parseSize } from './size.js';

export const CLUSTER_ACTIONS = ['check', 'fix', 'reshard', 'rebalance'] as const;
export type ClusterAction = (typeof CLUSTER_ACTIONS)[number];

export interface ClusterArgs {
  action: ClusterAction;
  /** --uri: any node of the cluster; every other node is reached with its login and TLS */
  uri?: Endpoint;
  tlsFiles: TlsFiles;
  /** how long a node may take to connect and answer */
  timeoutMs: number;
  json: boolean;
  /** --metrics HOST:PORT (reshard, rebalance): the run's figures served to Prometheus */
  metrics?: MetricsAddress;
  /** `reshard` only */
  reshard?: ReshardArgs;
  /** `fix` only */
  fix?: FixArgs;
  /** `rebalance` only */
  rebalance?: RebalanceArgs;
}

/** What every procedure that moves keys takes (redis-cli --cluster's names): confirmation, dry run, how keys move. */
export interface ProcedureArgs {
  yes: boolean;
  /** --dry-run (rebalance: --simulate too) */
  dryRun: boolean;
  /** a key on both sides with different values is overwritten with the moving side's copy */
  replace: boolean;
  /** --pipeline: at most this many keys a GETKEYSINSLOT and a MIGRATE */
  pipeline: number;
  /** --timeout: MIGRATE's own timeout */
  migrateTimeoutMs: number;
  journal?: string;
}

/** The big keys of a reshard's or rebalance's slots (--mem-limit, --max-block, --allow-big-keys). */
export interface BigKeyArgs {
  /** --mem-limit, bytes: keys of the moved slots at or above it are listed in the plan */
  memLimit: number;
  /** --max-block, ms: no write of MIGRATEs blocks a source longer; a key whose MIGRATE would refuses the run unless allowBigKeys */
  maxBlockMs: number;
  /** --allow-big-keys */
  allowBigKeys: boolean;
}

/** `cutover cluster rebalance`: redis-cli --cluster rebalance's weights, empty masters and threshold, and how slots move. */
export interface RebalanceArgs extends ProcedureArgs, BigKeyArgs {
  /** --weight ID=W (repeated or comma-separated): a node id prefix or host:port, a weight of 0 or more */
  weights: Array<{ name: string; weight: number }>;
  useEmptyMasters: boolean;
  /** --threshold, percent */
  threshold: number;
}

/** `cutover cluster fix`: how the open slots are closed (redis-cli --cluster fix's option names). */
export interface FixArgs extends ProcedureArgs {
  /** the master (node id or host:port) that takes uncovered slots holding no key */
  to?: string;
}

/** `cutover cluster reshard`: what moves where, and how (redis-cli --cluster reshard's option names). */
export interface ReshardArgs extends ProcedureArgs, BigKeyArgs {
  /** node ids (or host:port) of the source masters, or every master with slots but the target */
  from: string[] | 'all';
  /** node id (or host:port) of the master that receives the slots */
  to: string;
  /** --slots N */
  slots?: number;
  /** or --slot-ranges A-B,… */
  ranges?: Array<[number, number]>;
  /** --resume JOURNAL: the plan is the journal's, less what the cluster shows done */
  resume?: string;
  /** the options given on the command line (a resumed run takes the others from the journal's start line) */
  given: string[];
}

const OPTIONS = {
  uri: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  ...USER_OPTION,
  ...TLS_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

/** what fix, reshard and rebalance share: a procedure that moves keys (confirmed, dry-runnable, journaled) */
const PROCEDURE_FLAGS = {
  yes: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  replace: { type: 'boolean' },
  pipeline: { type: 'string' },
  journal: { type: 'string' },
} as const;

/** fix and reshard: the procedure's flags and --to */
const PROCEDURE_OPTIONS = {
  ...OPTIONS,
  ...PROCEDURE_FLAGS,
  to: { type: 'string' },
} as const;

/** what reshard and rebalance share: the big keys, --resume, --metrics */
const MOVE_OPTIONS = {
  'mem-limit': { type: 'string' },
  'max-block': { type: 'string' },
  'allow-big-keys': { type: 'boolean' },
  resume: { type: 'string' },
  metrics: { type: 'string' },
} as const;

const RESHARD_OPTIONS = {
  ...PROCEDURE_OPTIONS,
  ...MOVE_OPTIONS,
  from: { type: 'string' },
  slots: { type: 'string' },
  'slot-ranges': { type: 'string' },
} as const;

const REBALANCE_OPTIONS = {
  ...OPTIONS,
  ...PROCEDURE_FLAGS,
  ...MOVE_OPTIONS,
  weight: { type: 'string', multiple: true },
  'use-empty-masters': { type: 'boolean' },
  threshold: { type: 'string' },
  simulate: { type: 'boolean' },
} as const;

/** reshard's defaults for the big keys: keys of 1 MB and more listed (about 20 ms of MIGRATE each at big-keys.ts's rate) */
export const RESHARD_MEM_LIMIT = 1024 * 1024;
export const RESHARD_MAX_BLOCK_MS = 100;

/** --mem-limit and --max-block of a reshard (rebalance takes the same) */
export function bigKeyOptions(v: { 'mem-limit'?: string; 'max-block'?: string; 'allow-big-keys'?: boolean }) {
  return {
    memLimit: v['mem-limit'] === undefined ? RESHARD_MEM_LIMIT : parseSize(v['mem-limit'], '--mem-limit', { minBytes: 1, maxBytes: 1024 ** 4, zero: 'not 0, which would list every key' }),
    maxBlockMs: v['max-block'] === undefined ? RESHARD_MAX_BLOCK_MS : parseDuration(v['max-block'], '--max-block', { minMs: 1, maxMs: 60_000 }),
    allowBigKeys: !!v['allow-big-keys'],
  };
}

/** --metrics HOST:PORT, when given */
function metricsOf(v: { metrics?: string }): { metrics?: MetricsAddress } {
  return v.metrics === undefined ? {} : { metrics: parseMetricsAddress(v.metrics) };
}

/** `URI` or `--uri URI`: one node of the cluster, database 0 */
function clusterUri(v: { uri?: string; user?: string }, positionals: string[], env: NodeJS.ProcessEnv, usage: string): Endpoint {
  if (positionals.length > 1 || (positionals.length === 1 && v.uri)) throw new InputError(`unexpected '${positionals[v.uri ? 0 : 1]}': name one node of the cluster with --uri URI`);
  const uriText = v.uri ?? positionals[0];
  if (uriText === undefined) throw new InputError(`--uri is missing: '${usage}' (any node of the cluster)`);
  const uri = parseEndpoint(uriText, endpointDefaults(v, env));
  if (uri.db) throw new InputError(`a Redis Cluster has database 0 only: drop the URI's /${uri.db}`);
  return uri;
}

/** --yes, --dry-run, --replace, --pipeline, --timeout (MIGRATE's), --journal */
function procedureOptions(v: { yes?: boolean; 'dry-run'?: boolean; replace?: boolean; pipeline?: string; timeout?: string; journal?: string }) {
  return {
    yes: !!v.yes,
    dryRun: !!v['dry-run'],
    replace: !!v.replace,
    pipeline: wholeNumber(v.pipeline, '--pipeline', 1000, 1, 100_000),
    migrateTimeoutMs: v.timeout === undefined ? 60_000 : parseDuration(v.timeout, '--timeout', { minMs: 100, maxMs: 3_600_000 }),
    ...(v.journal ? { journal: v.journal } : {}),
  };
}

/** Parses `cutover cluster …` (argv after the word `cluster`). */
export function clusterArgs(argv: string[], env: NodeJS.ProcessEnv): ({ kind: 'cluster' } & ClusterArgs) | { kind: 'help'; topic: string } {
  const [action, ...rest] = argv;
  if (action === undefined || action === '-h' || action === '--help') return { kind: 'help', topic: 'cluster' };
  if (!(CLUSTER_ACTIONS as readonly string[]).includes(action)) {
    throw new InputError(`unknown cluster subcommand '${action}': use 'cutover cluster check --uri URI' (see 'cutover cluster --help')`);
  }
  if (action === 'reshard') return reshardArgs(rest, env);
  if (action === 'fix') return fixArgs(rest, env);
  if (action === 'rebalance') return rebalanceArgs(rest, env);
  const { values: v, positionals } = parseOptions(rest, OPTIONS, 'cluster');
  if (v.help) return { kind: 'help', topic: 'cluster' };
  const uri = clusterUri(v, positionals, env, 'cutover cluster check --uri redis://host:port');
  return {
    kind: 'cluster',
    action: 'check',
    uri,
    tlsFiles: tlsFilesOf(v, uri.tls),
    timeoutMs: v.timeout === undefined ? 2000 : parseDuration(v.timeout, '--timeout', { minMs: 100, maxMs: 60_000 }),
    json: !!v.json,
  };
}

/** `cutover cluster reshard --uri URI --from ID,…|all --to ID (--slots N | --slot-ranges A-B,…) …` */
function reshardArgs(argv: string[], env: NodeJS.ProcessEnv): ({ kind: 'cluster' } & ClusterArgs) | { kind: 'help'; topic: string } {
  const { values: v, positionals } = parseOptions(argv, RESHARD_OPTIONS, 'cluster', { '--to': 'a node id', '--from': 'node ids (a,b) or all' });
  if (v.help) return { kind: 'help', topic: 'cluster' };
  const uri = clusterUri(v, positionals, env, 'cutover cluster reshard --uri redis://host:port --from ID|all --to ID --slots N');
  const given = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
  const base = { kind: 'cluster' as const, action: 'reshard' as const, uri, tlsFiles: tlsFilesOf(v, uri.tls), timeoutMs: 2000, json: !!v.json, ...metricsOf(v) };
  if (v.resume !== undefined) {
    if (!v.resume.trim()) throw new InputError('--resume needs the journal of the reshard to continue: --resume cutover-reshard-<time>.jsonl');
    const planned = (['from', 'to', 'slots', 'slot-ranges'] as const).filter((k) => v[k] !== undefined);
    if (planned.length) throw new InputError(`--resume takes the plan from the journal: drop --${planned.join(', --')}`);
    return { ...base, reshard: { from: 'all', to: '', resume: v.resume, given, ...procedureOptions(v), ...bigKeyOptions(v) } };
  }
  if (v.to === undefined || !v.to.trim()) throw new InputError(`--to is missing: name the master that receives the slots by its node id (CLUSTER NODES)`);
  if (v.from === undefined || !v.from.trim()) throw new InputError(`--from is missing: name the source masters by node id (comma-separated), or give --from all`);
  const from = v.from.trim() === 'all' ? 'all' : v.from.split(',').map((x) => x.trim()).filter(Boolean);
  if (from !== 'all' && !from.length) throw new InputError(`--from '${v.from}' names no node: give node ids separated by commas, or all`);
  if (v.slots !== undefined && v['slot-ranges'] !== undefined) throw new InputError('give either --slots N or --slot-ranges A-B,…, not both');
  if (v.slots === undefined && v['slot-ranges'] === undefined) throw new InputError('say how many slots to move with --slots N, or which with --slot-ranges A-B,…');
  const slots = v.slots === undefined ? undefined : wholeNumber(v.slots, '--slots', 0, 1, 16384);
  let ranges: Array<[number, number]> | undefined;
  if (v['slot-ranges'] !== undefined) {
    ranges = parseSlotRanges(v['slot-ranges']);
    if (!ranges) throw new InputError(`--slot-ranges '${v['slot-ranges']}' is not a list of slot ranges: write it like 0-99,500-599 (slots 0 to 16383, low-high)`);
  }
  return {
    ...base,
    reshard: {
      from,
      to: v.to.trim(),
      ...(slots !== undefined ? { slots } : {}),
      ...(ranges ? { ranges } : {}),
      given,
      ...procedureOptions(v),
      ...bigKeyOptions(v),
    },
  };
}

/** `cutover cluster fix --uri URI [--yes] [--dry-run] [--replace] [--pipeline N] [--timeout D] [--journal FILE] [--json]` */
function fixArgs(argv: string[], env: NodeJS.ProcessEnv): ({ kind: 'cluster' } & ClusterArgs) | { kind: 'help'; topic: string } {
  const { values: v, positionals } = parseOptions(argv, PROCEDURE_OPTIONS, 'cluster', { '--to': 'a node id' });
  if (v.help) return { kind: 'help', topic: 'cluster' };
  const uri = clusterUri(v, positionals, env, 'cutover cluster fix --uri redis://host:port');
  return {
    kind: 'cluster',
    action: 'fix',
    uri,
    tlsFiles: tlsFilesOf(v, uri.tls),
    timeoutMs: 2000,
    json: !!v.json,
    fix: {
      ...procedureOptions(v),
      ...(v.to?.trim() ? { to: v.to.trim() } : {}),
    },
  };
}

const WEIGHT_FORM = "write it like --weight 3c3a0c74=2 (a node id, or a unique start of one, or host:port; = a weight of 0 or more); several as --weight a=1,b=2 or --weight again";

/** --weight values (each may be a comma list) → name and weight; the master each names is found against the cluster later */
function weightsOf(values: string[] | undefined): Array<{ name: string; weight: number }> {
  const out: Array<{ name: string; weight: number }> = [];
  for (const part of (values ?? []).flatMap((v) => v.split(','))) {
    const text = part.trim();
    if (!text) continue;
    const eq = text.lastIndexOf('=');
    const name = text.slice(0, eq).trim();
    const value = text.slice(eq + 1).trim();
    if (eq < 0 || !name || !/^(\d+(\.\d*)?|\.\d+)$/.test(value)) throw new InputError(`--weight '${text}' is not ID=WEIGHT: ${WEIGHT_FORM}`);
    out.push({ name, weight: Number(value) });
  }
  return out;
}

/** `cutover cluster rebalance --uri URI [--weight ID=W,…] [--use-empty-masters] [--threshold P] [--simulate] …` */
function rebalanceArgs(argv: string[], env: NodeJS.ProcessEnv): ({ kind: 'cluster' } & ClusterArgs) | { kind: 'help'; topic: string } {
  const { values: v, positionals } = parseOptions(argv, REBALANCE_OPTIONS, 'cluster', { '--weight': 'ID=WEIGHT (like 3c3a0c74=2)', '--threshold': 'a percentage (like 2)' });
  if (v.help) return { kind: 'help', topic: 'cluster' };
  // redis-cli's --cluster-weight a=1 b=2: the second pair would read as a URI
  const pair = positionals.find((x) => x.includes('=') && !x.includes('://'));
  if (pair !== undefined) throw new InputError(`unexpected '${pair}': give every weight to --weight (--weight a=1,b=2, or --weight a=1 --weight b=2)`);
  const uri = clusterUri(v, positionals, env, 'cutover cluster rebalance --uri redis://host:port');
  if (v.resume !== undefined) {
    // a rebalance runs as a reshard: its journal is resumed the same way (the plan is the journal's)
    if (!v.resume.trim()) throw new InputError('--resume needs the journal of the rebalance to continue: --resume cutover-rebalance-<time>.jsonl');
    const planned = (['weight', 'use-empty-masters', 'threshold', 'simulate'] as const).filter((k) => v[k] !== undefined);
    if (planned.length) throw new InputError(`--resume takes the plan from the journal: drop --${planned.join(', --')}`);
    const given = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
    return { kind: 'cluster', action: 'reshard', uri, tlsFiles: tlsFilesOf(v, uri.tls), timeoutMs: 2000, json: !!v.json, ...metricsOf(v), reshard: { from: 'all', to: '', resume: v.resume, given, ...procedureOptions(v), ...bigKeyOptions(v) } };
  }
  let threshold = 2;
  if (v.threshold !== undefined) {
    const text = v.threshold.trim().replace(/\s*%$/, '');
    if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text)) throw new InputError(`--threshold '${v.threshold}' is not a percentage: give a number of 0 or more, like 2 (redis-cli's default) or 0.5`);
    threshold = Number(text);
  }
  const { dryRun, ...procedure } = procedureOptions(v);
  return {
    kind: 'cluster',
    action: 'rebalance',
    uri,
    tlsFiles: tlsFilesOf(v, uri.tls),
    timeoutMs: 2000,
    json: !!v.json,
    ...metricsOf(v),
    rebalance: {
      weights: weightsOf(v.weight),
      useEmptyMasters: !!v['use-empty-masters'],
      threshold,
      dryRun: dryRun || !!v.simulate,
      ...bigKeyOptions(v),
      ...procedure,
    },
  };
}
