// `cutover failover` and `cutover clone` options. Owned by the failover/clone work.
// Every mistake is an InputError: one line, exit code 2, nothing touched.
import { TLS_OPTIONS, tlsFilesOf, type TlsFiles } from './tls-files.js';
import { InputError, nodeId, parseEndpoint, type Endpoint } from './endpoint.js';
import { dataAuth as dataAuthOf, endpointDefaults, sentinelAuth, USER_OPTION, type Credentials } from './credentials.js';
import { parseOptions } from './parse-options.js';
import { parseDuration } from './duration.js';
import { parseSize } from './size.js';
import { oneOf } from './one-of.js';

export interface FailoverArgs {
  /** --uri: any node of the deployment (repeatable: with the master down, a replica per branch) */
  entries: Endpoint[];
  /** --to: the replica to promote */
  to?: Endpoint;
  sentinels: Endpoint[];
  masterName?: string;
  unplanned: boolean;
  yes: boolean;
  dryRun: boolean;
  /** --journal FILE (default: cutover-failover-<time>.jsonl in the current folder) */
  journal?: string;
  json: boolean;
  /** planned, plain replication: CLIENT PAUSE + REPLICAOF (default) or FAILOVER TO */
  via: 'failover' | 'pause';
  /** FAILOVER's TIMEOUT, the longest write pause, the wait for the promotion */
  timeoutMs: number;
  /** how long replicas may take to follow the new master */
  followTimeoutMs: number;
  /** unplanned: watch for the old master this long and fence it */
  fenceWaitMs: number;
  killClients: boolean;
  maxLagBytes: number;
  tlsFiles: TlsFiles;
  dataAuth: Credentials;
  sentinelAuth: Credentials;
}

export interface CloneArgs {
  origin: Endpoint;
  clone: Endpoint;
  promote: boolean;
  reconfigure: boolean;
  role: 'master' | 'replica';
  /** the sync must finish within this */
  timeoutMs: number;
  /** the longest write pause on the origin for a loss-free promotion */
  pauseMs: number;
  noConfig: boolean;
  /** promote without pausing writes (reditool's way: writes in flight may be missing on the clone) */
  noPause: boolean;
  via: 'pause' | 'failover';
  /** how long the nodes repointed to the clone may take to follow it */
  followTimeoutMs: number;
  yes: boolean;
  dryRun: boolean;
  journal?: string;
  json: boolean;
  tlsFiles: TlsFiles;
}

/** --reconfigure moves a deployment to the clone; from a replica it would leave its master a master beside the clone. */
export const RECONFIGURE_REPLICA_REFUSAL =
  "--reconfigure does not go with --role replica: the origin's master would keep taking writes beside the promoted clone (two masters) and the origin would keep following it; to move the deployment to the clone give its master as --origin (--role master --reconfigure), or leave out --reconfigure for an independent copy (--promote); nothing was changed";

const COMMON = {
  yes: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  journal: { type: 'string' },
  json: { type: 'boolean' },
  ...TLS_OPTIONS,
  ...USER_OPTION,
  help: { type: 'boolean', short: 'h' },
} as const;

const FAILOVER_OPTIONS = {
  ...COMMON,
  uri: { type: 'string', multiple: true },
  to: { type: 'string' },
  unplanned: { type: 'boolean' },
  sentinel: { type: 'string', multiple: true },
  'master-name': { type: 'string' },
  via: { type: 'string' },
  timeout: { type: 'string' },
  'follow-timeout': { type: 'string' },
  'fence-wait': { type: 'string' },
  'kill-clients': { type: 'boolean' },
  'max-lag': { type: 'string' },
} as const;

const CLONE_OPTIONS = {
  ...COMMON,
  origin: { type: 'string' },
  clone: { type: 'string' },
  promote: { type: 'boolean' },
  reconfigure: { type: 'boolean' },
  role: { type: 'string' },
  timeout: { type: 'string' },
  'pause-timeout': { type: 'string' },
  'no-config': { type: 'boolean' },
  'no-pause': { type: 'boolean' },
  via: { type: 'string' },
  'follow-timeout': { type: 'string' },
} as const;

/** FAILOVER's TIMEOUT and the longest write pause: from 500 ms to 60 s. */
const PAUSE = { minMs: 500, maxMs: 60_000 };
/** How long repointed nodes may take to follow: from 1 s to an hour. */
const FOLLOW = { minMs: 1000, maxMs: 3_600_000 };

export function failoverArgs(argv: string[], env: NodeJS.ProcessEnv): ({ kind: 'failover' } & FailoverArgs) | { kind: 'help'; topic: string } {
  const { values: v, positionals } = parseOptions(argv, FAILOVER_OPTIONS, 'failover');
  if (v.help) return { kind: 'help', topic: 'failover' };
  if (positionals.length) throw new InputError(`unexpected '${positionals[0]}': name a node with --uri URI (see 'cutover failover --help')`);
  const defaults = endpointDefaults(v, env);
  const entries = (v.uri ?? []).map((u) => parseEndpoint(u, defaults));
  const sentinels = (v.sentinel ?? []).map((s) => parseEndpoint(s, { tls: !!v.tls }));
  if (!entries.length && !sentinels.length) throw new InputError(`--uri is missing: 'cutover failover --uri redis://host:port' names any node of the deployment`);
  if (sentinels.length && !v['master-name']) throw new InputError(`--sentinel needs --master-name NAME (the name the Sentinels monitor the master under)`);
  if (v['master-name'] && !sentinels.length) throw new InputError(`--master-name goes with --sentinel host:port`);
  const dataAuth = dataAuthOf(entries, defaults);
  const to = v.to ? parseEndpoint(v.to, { tls: !!v.tls, ...dataAuth }) : undefined;
  if (v['fence-wait'] !== undefined && !v.unplanned) throw new InputError(`--fence-wait is for --unplanned: a planned failover makes the old master a replica itself`);
  const via = oneOf(v.via, '--via', ['pause', 'failover'] as const, 'pause');
  if (via === 'failover' && v.unplanned) throw new InputError(`--via failover is for a planned failover: FAILOVER TO needs the master to answer`);
  return {
    kind: 'failover',
    entries,
    to,
    sentinels,
    masterName: v['master-name'],
    unplanned: !!v.unplanned,
    yes: !!v.yes,
    dryRun: !!v['dry-run'],
    journal: v.journal,
    json: !!v.json,
    via,
    timeoutMs: v.timeout === undefined ? 5000 : parseDuration(v.timeout, '--timeout', PAUSE),
    followTimeoutMs: v['follow-timeout'] === undefined ? 60_000 : parseDuration(v['follow-timeout'], '--follow-timeout', FOLLOW),
    fenceWaitMs: v['fence-wait'] === undefined ? 0 : parseDuration(v['fence-wait'], '--fence-wait', { minMs: 0, maxMs: 3_600_000, zero: '0: one look' }),
    killClients: !!v['kill-clients'],
    maxLagBytes: v['max-lag'] === undefined ? 1024 * 1024 : parseSize(v['max-lag'], '--max-lag', { minBytes: 0, zero: '0: the candidate must have every write' }),
    tlsFiles: tlsFilesOf(v, [...entries, ...sentinels].some((e) => e.tls)),
    dataAuth,
    sentinelAuth: sentinelAuth(sentinels),
  };
}

export function cloneArgs(argv: string[], env: NodeJS.ProcessEnv): ({ kind: 'clone' } & CloneArgs) | { kind: 'help'; topic: string } {
  const { values: v, positionals } = parseOptions(argv, CLONE_OPTIONS, 'clone');
  if (v.help) return { kind: 'help', topic: 'clone' };
  if (positionals.length) throw new InputError(`unexpected '${positionals[0]}': name the two nodes with --origin URI --clone URI`);
  if (!v.origin || !v.clone) throw new InputError(`${!v.origin ? '--origin' : '--clone'} is missing: 'cutover clone --origin URI --clone URI'`);
  const defaults = endpointDefaults(v, env);
  const origin = parseEndpoint(v.origin, defaults);
  const clone = parseEndpoint(v.clone, defaults);
  if (nodeId(origin.host, origin.port) === nodeId(clone.host, clone.port)) throw new InputError(`--origin and --clone are the same node (${nodeId(clone.host, clone.port)}): the clone must be another server`);
  if (v['no-pause'] && !v.promote && !v.reconfigure) throw new InputError(`--no-pause is about the promotion: it goes with --promote or --reconfigure`);
  const role = oneOf(v.role, '--role', ['master', 'replica'] as const, 'master');
  if (v.reconfigure && role === 'replica') throw new InputError(RECONFIGURE_REPLICA_REFUSAL);
  const via = oneOf(v.via, '--via', ['pause', 'failover'] as const, 'pause');
  if (v.via !== undefined && !v.reconfigure) throw new InputError(`--via is for --reconfigure (FAILOVER TO makes the origin follow the clone)`);
  if (via === 'failover' && v['no-pause']) throw new InputError(`--via failover pauses writes itself: leave out --no-pause`);
  return {
    kind: 'clone',
    origin,
    clone,
    promote: !!v.promote || !!v.reconfigure,
    reconfigure: !!v.reconfigure,
    role,
    timeoutMs: v.timeout === undefined ? 600_000 : parseDuration(v.timeout, '--timeout', { minMs: 500, maxMs: 86_400_000 }),
    pauseMs: v['pause-timeout'] === undefined ? 5000 : parseDuration(v['pause-timeout'], '--pause-timeout', PAUSE),
    noConfig: !!v['no-config'],
    noPause: !!v['no-pause'],
    via,
    followTimeoutMs: v['follow-timeout'] === undefined ? 60_000 : parseDuration(v['follow-timeout'], '--follow-timeout', FOLLOW),
    yes: !!v.yes,
    dryRun: !!v['dry-run'],
    journal: v.journal,
    json: !!v.json,
    tlsFiles: tlsFilesOf(v, origin.tls || clone.tls),
  };
}
