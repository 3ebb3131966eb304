// Command-line words to a typed command. Every mistake is an InputError: one line, exit code 2.
import { InputError, parseEndpoint, type Endpoint } from './endpoint.js';
import { passwordOption, rememberArgv } from './redact.js';
import { isHelpTopic } from '../commands/names.js';
import { TLS_OPTIONS, tlsFilesOf, type TlsFiles } from './tls-files.js';
import { dataAuth, endpointDefaults, sentinelAuth, USER_OPTION, type Credentials } from './credentials.js';
import { parseOptions } from './parse-options.js';
import { parseDuration } from './duration.js';
import { parseSize } from './size.js';
import { wholeNumber } from './whole-number.js';
import { oneOf } from './one-of.js';
import { parseMetricsAddress, type MetricsAddress } from './metrics-address.js';

import { PRESETS, type ClusterShape, type Preset } from '../lab/presets.js';
import { parseSlotRanges } from './slot-ranges.js';
import { drillArgs, type DrillArgs } from './drill-args.js';
import { cloneArgs, failoverArgs, type CloneArgs, type FailoverArgs } from './failover-args.js';
import { clusterArgs, type ClusterArgs } from './cluster-args.js';
import { labSwitchArgs, type LabSwitchArgs } from './lab-switch-args.js';

export interface ConnectionArgs {
  entries: Endpoint[];
  /** which of the entries came through --sentinel (they must be Sentinels) */
  sentinelEntries?: number;
  masterName?: string;
  intervalMs: number;
  timeoutMs: number;
  tlsFiles: TlsFiles;
  /** for data nodes found by discovery: the first endpoint's, or --user and REDISCLI_AUTH */
  dataAuth: Credentials;
  /** for Sentinels found by discovery: the first --sentinel URI's (REDISCLI_AUTH is not a Sentinel's password) */
  sentinelAuth: Credentials;
  /** console: --metrics HOST:PORT, the topology (and the console's jobs) served to Prometheus */
  metrics?: MetricsAddress;
}

/** The poll timeout when none is given: the interval, at least a second. */
export function defaultTimeout(intervalMs: number): number {
  return Math.max(1000, intervalMs);
}

export type Command =
  | { kind: 'help'; topic?: string }
  | { kind: 'version' }
  | ({ kind: 'console'; readOnly: boolean } & ConnectionArgs)
  | ({ kind: 'topology'; json: boolean } & ConnectionArgs)
  | { kind: 'lab'; preset: Preset; keys: number; workload: boolean; intervalMs: number; readOnly: boolean; cluster?: ClusterShape; metrics?: MetricsAddress }
  | ({ kind: 'lab-switch' } & LabSwitchArgs)
  | ({ kind: 'replicate' } & ReplicateArgs)
  | ({ kind: 'drill' } & DrillArgs)
  | ({ kind: 'failover' } & FailoverArgs)
  | ({ kind: 'clone' } & CloneArgs)
  | ({ kind: 'cluster' } & ClusterArgs);

export interface LiveArgs {
  liveSource: 'psync' | 'notifications';
  allowFlush: boolean;
  checkpoint?: string;
  eventQueue: number;
  eventOrder: 'fifo' | 'priority';
  flushIntervalMs: number;
  enableNotifications: boolean;
  idleTimeoutMs?: number;
  verifyOnIdle: boolean;
  /** --diskless-load (psync): the RDB applied as it arrives, not kept in a file and checked first */
  disklessLoad: boolean;
}

export interface ReplicateArgs {
  mode: 'snapshot' | 'compare' | 'live' | 'liveonly';
  /** --mode live / liveonly only */
  live?: LiveArgs;
  source: Endpoint;
  target: Endpoint;
  tlsFiles: TlsFiles;
  timeoutMs: number;
  type: 'dump' | 'struct';
  scan: { count: number; match?: string; type?: string; include: RegExp[]; exclude: RegExp[]; slots?: Array<[number, number]> };
  readBatch: number;
  readThreads: number;
  readQueue: number;
  writeBatch: number;
  targetPool: number;
  /** undefined: not given (a non-empty target is then refused unless --yes) */
  mergePolicy?: 'overwrite' | 'merge';
  dryRun: boolean;
  verify: boolean;
  ttlToleranceMs: number;
  showDiffs: boolean;
  checkExtra: boolean;
  yes: boolean;
  json: boolean;
  /** --mem-limit, in bytes: keys whose MEMORY USAGE is above it are copied and compared in chunks */
  memLimitBytes?: number;
  /** --all-dbs: every non-empty database of the source into the same number on the target (standalone only) */
  allDbs: boolean;
  /** --read-from: scan and read the source on its masters (default) or on one replica of each */
  readFrom: 'master' | 'replica';
  /** --metrics HOST:PORT: progress, differences and live meters served to Prometheus */
  metrics?: MetricsAddress;
}

const CONNECTION_OPTIONS = {
  sentinel: { type: 'string', multiple: true },
  'master-name': { type: 'string' },
  interval: { type: 'string' },
  timeout: { type: 'string' },
  ...TLS_OPTIONS,
  ...USER_OPTION,
  json: { type: 'boolean' },
  'read-only': { type: 'boolean' },
  metrics: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const LAB_OPTIONS = {
  preset: { type: 'string' },
  keys: { type: 'string' },
  workload: { type: 'boolean' },
  interval: { type: 'string' },
  'read-only': { type: 'boolean' },
  masters: { type: 'string' },
  replicas: { type: 'string' },
  spare: { type: 'string' },
  metrics: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** --interval and the polls' --timeout: from 100 ms to 60 s. */
const POLL = { minMs: 100, maxMs: 60_000 };

function connectionArgs(command: 'console' | 'topology', argv: string[], env: NodeJS.ProcessEnv): Command {
  const { values: v, positionals } = parseOptions(argv, CONNECTION_OPTIONS, command);
  if (v.help) return { kind: 'help', topic: command };
  if (v.json && command !== 'topology') throw new InputError(`--json is for 'cutover topology': the console draws, or prints plain text when not on a terminal`);
  if (v['read-only'] && command !== 'console') throw new InputError(`--read-only is for 'cutover console' and 'cutover lab': 'cutover topology' only reads anyway`);
  if (v.metrics !== undefined && command !== 'console') throw new InputError(`--metrics is for 'cutover console' (which keeps watching): 'cutover topology' prints once and exits`);
  const metrics = v.metrics === undefined ? undefined : parseMetricsAddress(v.metrics);
  const defaults = endpointDefaults(v, env);
  const entries = positionals.map((p) => parseEndpoint(p, defaults));
  const sentinels = (v.sentinel ?? []).map((s) => parseEndpoint(s, { tls: defaults.tls }));
  if (sentinels.length && !v['master-name']) throw new InputError(`--sentinel needs --master-name NAME (the name the Sentinels monitor the master under)`);
  if (v['master-name'] && !sentinels.length && entries.length === 0) throw new InputError(`--master-name goes with --sentinel host:port`);
  const all = [...entries, ...sentinels];
  if (all.length === 0) throw new InputError(`no endpoint given: 'cutover ${command} redis://host:port' (or host:port, or --sentinel host:port --master-name NAME)`);
  const tlsFiles = tlsFilesOf(v, all.some((e) => e.tls));
  const intervalMs = v.interval ? parseDuration(v.interval, '--interval', POLL) : 1000;
  return {
    kind: command,
    ...(command === 'topology' ? { json: !!v.json } : { readOnly: !!v['read-only'] }),
    entries: all,
    sentinelEntries: sentinels.length,
    masterName: v['master-name'],
    intervalMs,
    timeoutMs: v.timeout ? parseDuration(v.timeout, '--timeout', POLL) : defaultTimeout(intervalMs),
    tlsFiles,
    dataAuth: dataAuth(entries, defaults),
    sentinelAuth: sentinelAuth(sentinels),
    ...(metrics ? { metrics } : {}),
  } as Command;
}

const REPLICATE_OPTIONS = {
  source: { type: 'string' },
  target: { type: 'string' },
  mode: { type: 'string' },
  type: { type: 'string' },
  'source-db': { type: 'string' },
  'target-db': { type: 'string' },
  'scan-count': { type: 'string' },
  'scan-match': { type: 'string' },
  'scan-type': { type: 'string' },
  'key-include': { type: 'string', multiple: true },
  'key-exclude': { type: 'string', multiple: true },
  'key-slots': { type: 'string' },
  'read-batch': { type: 'string' },
  'read-threads': { type: 'string' },
  'read-queue': { type: 'string' },
  'write-batch': { type: 'string' },
  'target-pool': { type: 'string' },
  'merge-policy': { type: 'string' },
  'dry-run': { type: 'boolean' },
  'no-verify': { type: 'boolean' },
  'ttl-tolerance': { type: 'string' },
  'show-diffs': { type: 'boolean' },
  'check-extra': { type: 'boolean' },
  'mem-limit': { type: 'string' },
  'all-dbs': { type: 'boolean' },
  'read-from': { type: 'string' },
  'live-source': { type: 'string' },
  'allow-flush': { type: 'boolean' },
  'diskless-load': { type: 'boolean' },
  checkpoint: { type: 'string' },
  'event-queue': { type: 'string' },
  'event-order': { type: 'string' },
  'flush-interval': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'verify-on-idle': { type: 'boolean' },
  'enable-notifications': { type: 'boolean' },
  metrics: { type: 'string' },
  yes: { type: 'boolean' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  ...TLS_OPTIONS,
  ...USER_OPTION,
  help: { type: 'boolean', short: 'h' },
} as const;

function regexes(list: string[] | undefined, option: string): RegExp[] {
  return (list ?? []).map((r) => {
    try {
      return new RegExp(r);
    } catch (err) {
      throw new InputError(`${option} '${r}' is not a regular expression: ${(err as Error).message}`);
    }
  });
}

/** --mem-limit: a key above it is copied in chunks; more than 0 (every key would be), at most 1 TB. */
export function parseMemLimit(text: string): number {
  return parseSize(text, '--mem-limit', { minBytes: 1, maxBytes: 1024 ** 4, zero: 'not 0, which would copy every key in chunks' });
}

function withDb(ep: Endpoint, db: string | undefined, option: string): Endpoint {
  return db === undefined ? ep : { ...ep, db: wholeNumber(db, option, 0, 0, 10_000) };
}

function replicateArgs(command: 'replicate' | 'compare', argv: string[], env: NodeJS.ProcessEnv): Command {
  const { values: v, positionals } = parseOptions(argv, REPLICATE_OPTIONS, command);
  if (v.help) return { kind: 'help', topic: 'replicate' };
  if (positionals.length) throw new InputError(`unexpected '${positionals[0]}': name the two sides with --source URI --target URI`);
  if (!v.source || !v.target) throw new InputError(`${!v.source ? '--source' : '--target'} is missing: 'cutover ${command} --source URI --target URI'`);
  const defaults = endpointDefaults(v, env);
  const mode = command === 'compare' ? 'compare' : oneOf(v.mode, '--mode', ['snapshot', 'live', 'liveonly', 'compare'] as const, 'snapshot')!;
  const live = liveArgs(v, mode);
  const type = oneOf(v.type, '--type', ['dump', 'struct'] as const, 'dump')!;
  const mergePolicy = oneOf(v['merge-policy'], '--merge-policy', ['overwrite', 'merge'] as const, undefined);
  if (type === 'dump' && mergePolicy === 'merge') throw new InputError(`--merge-policy merge needs --type struct: RESTORE replaces a key whole, it cannot merge into it`);
  const slotsText = v['key-slots'];
  const slots = slotsText === undefined ? undefined : parseSlotRanges(slotsText);
  if (slotsText !== undefined && !slots) throw new InputError(`--key-slots '${slotsText}' is not a list of slot ranges like 0:8000,10000:16383 (slots 0 to 16383)`);
  const source = withDb(parseEndpoint(v.source, defaults), v['source-db'], '--source-db');
  const target = withDb(parseEndpoint(v.target, defaults), v['target-db'], '--target-db');
  const allDbs = !!v['all-dbs'];
  if (allDbs && (v['source-db'] !== undefined || v['target-db'] !== undefined || source.db || target.db)) {
    throw new InputError(`--all-dbs copies each database into the same number on the target: drop --source-db/--target-db (and a URI's /N)`);
  }
  const readFrom = oneOf(v['read-from'], '--read-from', ['master', 'replica'] as const, 'master')!;
  const metrics = v.metrics === undefined ? undefined : parseMetricsAddress(v.metrics);
  const tlsFiles = tlsFilesOf(v, source.tls || target.tls);
  if (live && v['dry-run']) throw new InputError(`--dry-run is for snapshots: a live replication writes as changes come (try --mode snapshot --dry-run first)`);
  if (live?.liveSource === 'psync' && readFrom === 'replica') throw new InputError(`--read-from replica does not apply to --live-source psync: the stream comes from each master, as a replica's would`);
  return {
    kind: 'replicate',
    mode,
    live,
    source,
    target,
    tlsFiles,
    timeoutMs: v.timeout ? parseDuration(v.timeout, '--timeout', POLL) : 10_000,
    type,
    scan: {
      count: wholeNumber(v['scan-count'], '--scan-count', 1000),
      match: v['scan-match'],
      type: v['scan-type'],
      include: regexes(v['key-include'], '--key-include'),
      exclude: regexes(v['key-exclude'], '--key-exclude'),
      slots,
    },
    readBatch: wholeNumber(v['read-batch'], '--read-batch', 500, 1, 100_000),
    readThreads: wholeNumber(v['read-threads'], '--read-threads', 2, 1, 64),
    readQueue: wholeNumber(v['read-queue'], '--read-queue', 10_000, 1, 10_000_000),
    writeBatch: wholeNumber(v['write-batch'], '--write-batch', 500, 1, 100_000),
    targetPool: wholeNumber(v['target-pool'], '--target-pool', 4, 1, 64),
    mergePolicy,
    dryRun: !!v['dry-run'],
    verify: !v['no-verify'],
    ttlToleranceMs: wholeNumber(v['ttl-tolerance'], '--ttl-tolerance', 1000, 0, 86_400_000),
    showDiffs: !!v['show-diffs'],
    checkExtra: !!v['check-extra'],
    yes: !!v.yes,
    json: !!v.json,
    memLimitBytes: v['mem-limit'] === undefined ? undefined : parseMemLimit(v['mem-limit']),
    allDbs,
    readFrom,
    ...(metrics ? { metrics } : {}),
  };
}

type ReplicateValues = ReturnType<typeof parseOptions<typeof REPLICATE_OPTIONS>>['values'];

/** Live options: only with --mode live/liveonly, and each only with the change source it is for. */
function liveArgs(v: ReplicateValues, mode: ReplicateArgs['mode']): LiveArgs | undefined {
  const liveOnly = ['live-source', 'allow-flush', 'checkpoint', 'idle-timeout', 'verify-on-idle', 'diskless-load'] as const;
  const notifyOnly = ['event-queue', 'event-order', 'flush-interval', 'enable-notifications'] as const;
  if (mode !== 'live' && mode !== 'liveonly') {
    const given = [...liveOnly, ...notifyOnly].find((o) => v[o] !== undefined);
    if (given) throw new InputError(`--${given} is for live replication: add --mode live (snapshot, then changes) or --mode liveonly (changes only)`);
    return undefined;
  }
  const liveSource = oneOf(v['live-source'], '--live-source', ['psync', 'notifications'] as const, 'psync')!;
  if (liveSource === 'psync') {
    const given = notifyOnly.find((o) => v[o] !== undefined);
    if (given) throw new InputError(`--${given} is for --live-source notifications (keyspace notifications); the psync stream misses nothing and needs no queue`);
  } else if (v.checkpoint !== undefined) {
    throw new InputError(`--checkpoint is for --live-source psync: keyspace notifications have no offset to resume from`);
  } else if (v['diskless-load'] !== undefined) {
    throw new InputError(`--diskless-load is for --live-source psync: it is how the source's RDB is applied`);
  }
  if (v.checkpoint === '') throw new InputError(`--checkpoint needs a file name`);
  return {
    liveSource,
    allowFlush: !!v['allow-flush'],
    checkpoint: v.checkpoint,
    eventQueue: wholeNumber(v['event-queue'], '--event-queue', 10_000, 1, 10_000_000),
    eventOrder: oneOf(v['event-order'], '--event-order', ['fifo', 'priority'] as const, 'fifo')!,
    flushIntervalMs: v['flush-interval'] === undefined ? 50 : parseDuration(v['flush-interval'], '--flush-interval', { minMs: 1, maxMs: 10_000 }),
    enableNotifications: !!v['enable-notifications'],
    idleTimeoutMs: v['idle-timeout'] === undefined ? undefined : parseDuration(v['idle-timeout'], '--idle-timeout', { minMs: 100, maxMs: 86_400_000 }),
    verifyOnIdle: !!v['verify-on-idle'],
    disklessLoad: !!v['diskless-load'],
  };
}

function labArgs(argv: string[]): Command {
  if (argv[0] === 'switch') return labSwitchArgs(argv.slice(1));
  const { values: v, positionals } = parseOptions(argv, LAB_OPTIONS, 'lab');
  if (v.help) return { kind: 'help', topic: 'lab' };
  if (positionals.length) throw new InputError(`'cutover lab' takes no endpoints (got '${positionals[0]}'): it starts its own servers; see 'cutover lab --help'`);
  const preset = v.preset ?? 'migration';
  if (!(PRESETS as readonly string[]).includes(preset)) throw new InputError(`unknown preset '${preset}': use --preset ${PRESETS.join('|')}`);
  const keys = v.keys === undefined ? 0 : Number(v.keys);
  if (!Number.isInteger(keys) || keys < 0 || keys > 50_000_000) throw new InputError(`--keys '${v.keys}' is not a whole number from 0 to 50000000`);
  const shapeGiven = (['masters', 'replicas', 'spare'] as const).find((o) => v[o] !== undefined);
  if (shapeGiven && preset !== 'cluster') throw new InputError(`--${shapeGiven} is for --preset cluster: add --preset cluster`);
  const cluster: ClusterShape | undefined =
    preset === 'cluster'
      ? {
          masters: wholeNumber(v.masters, '--masters', 3, 3, 16),
          replicas: wholeNumber(v.replicas, '--replicas', 1, 0, 3),
          spare: wholeNumber(v.spare, '--spare', 0, 0, 8),
        }
      : undefined;
  return {
    kind: 'lab',
    preset: preset as Preset,
    keys,
    workload: !!v.workload,
    intervalMs: v.interval ? parseDuration(v.interval, '--interval', POLL) : 1000,
    readOnly: !!v['read-only'],
    ...(cluster ? { cluster } : {}),
    ...(v.metrics === undefined ? {} : { metrics: parseMetricsAddress(v.metrics) }),
  };
}

export function parseCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Command {
  // whatever refuses the line below, nothing typed as a credential is echoed: it is redacted from here on
  rememberArgv(argv);
  const passwordFlag = passwordOption(argv);
  if (passwordFlag) {
    throw new InputError(`cutover takes no ${passwordFlag}: give the password in the URI (redis://:PASSWORD@host:port) or, kept out of ps and shell history, in REDISCLI_AUTH`);
  }
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') return { kind: 'help' };
  if (first === 'help') {
    const topic = rest[0];
    if (topic !== undefined && !isHelpTopic(topic)) throw new InputError(`no help for '${topic}': it is not a command; use console, topology, replicate, compare, clone, failover, cluster, drill or lab (see 'cutover --help')`);
    return { kind: 'help', topic };
  }
  if (first === '-V' || first === '--version' || first === 'version') return { kind: 'version' };
  // `cutover COMMAND … --help`: that command's help, whatever else is on the line (a typo in it included)
  if (isHelpTopic(first) && rest.some((w) => w === '--help' || w === '-h')) return { kind: 'help', topic: first };
  if (first === 'console' || first === 'topology') return connectionArgs(first, rest, env);
  if (first === 'lab') return labArgs(rest);
  if (first === 'replicate' || first === 'compare') return replicateArgs(first, rest, env);
  if (first === 'drill') return drillArgs(rest, env);
  if (first === 'failover') return failoverArgs(rest, env);
  if (first === 'clone') return cloneArgs(rest, env);
  if (first === 'cluster') return clusterArgs(rest, env);
  throw new InputError(`unknown command '${first}': use console, topology, replicate, compare, clone, failover, cluster, drill or lab (see 'cutover --help')`);
}
