// `cutover failover` and `cutover clone` options. Owned by the failover/clone work.
// Every mistake is an InputError: one line, exit code 2, nothing touched.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { TlsFiles } from './tls-files.js';
import { InputError, nodeId, parseEndpoint, type Endpoint, type EndpointDefaults } from './endpoint.js';

export interface Credentials {
  username?: string;
  password?: string;
}

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
  tls: { type: 'boolean' },
  cacert: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  insecure: { type: 'boolean' },
  user: { type: 'string' },
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

/** What an option's value is, for "--to needs host:port" when it is missing (or looks like another option). */
const VALUE_OF: Record<string, string> = {
  '--uri': 'a URI (redis://host:port)',
  '--to': 'host:port',
  '--sentinel': 'host:port',
  '--master-name': "the name the Sentinels monitor the master under",
  '--origin': 'a URI (redis://host:port)',
  '--clone': 'a URI (redis://host:port)',
  '--via': 'pause or failover',
  '--role': 'master or replica',
  '--timeout': 'a duration (5s)',
  '--pause-timeout': 'a duration (5s)',
  '--follow-timeout': 'a duration (60s)',
  '--fence-wait': 'a duration (30s)',
  '--max-lag': 'a size (1MB)',
  '--journal': 'a file name',
  '--user': 'a user name',
  '--cacert': 'a file',
  '--cert': 'a file',
  '--key': 'a file',
};

function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, command: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true as const });
  } catch (err) {
    const text = String((err as Error).message);
    // "--to --dry-run" (the value forgotten: the next option taken for it) or "--to" last on the line
    const missing = /option '(--[\w-]+)(?: <value>)?' argument (?:is ambiguous|missing)/i.exec(text);
    if (missing) throw new InputError(`${missing[1]} needs ${VALUE_OF[missing[1]] ?? 'a value'}: see 'cutover ${command} --help'`);
    const msg = text.split('\n')[0].replace(/\. To specify a positional argument.*$/, '').replace(/\.$/, '');
    throw new InputError(`${msg.charAt(0).toLowerCase()}${msg.slice(1)}: see 'cutover ${command} --help'`);
  }
}

/** "500ms", "5s", "2m", "5" (seconds) → ms, from min to max. */
export function parseWait(text: string, option: string, minMs: number, maxMs: number): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000) : NaN;
  const range = `${minMs >= 1000 ? `${minMs / 1000}s` : `${minMs}ms`} to ${maxMs >= 60_000 ? `${maxMs / 60_000}m` : `${maxMs / 1000}s`}`;
  if (!m || ms < minMs || ms > maxMs) throw new InputError(`${option} '${text}' is not a duration from ${range}: write it like 500ms, 5s, 2m or 5 (seconds)`);
  return Math.round(ms);
}

/** "1MB", "512KB", "0" (bytes when a unit is given, megabytes otherwise). */
function parseSize(text: string, option: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*$/i.exec(text);
  const unit = { b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 }[(m?.[2] ?? 'mb').toLowerCase() as 'mb'];
  if (!m) throw new InputError(`${option} '${text}' is not a size: write it like 1MB, 64KB or 0`);
  return Math.floor(Number(m[1]) * unit);
}

function oneOf<T extends string>(text: string | undefined, option: string, values: readonly T[], fallback: T): T {
  if (text === undefined) return fallback;
  if (!(values as readonly string[]).includes(text)) throw new InputError(`${option} '${text}' is not one of ${values.join(', ')}`);
  return text as T;
}

function tlsFiles(v: { cacert?: string; cert?: string; key?: string; insecure?: boolean }, anyTls: boolean): TlsFiles {
  if ((v.cacert || v.cert || v.key || v.insecure) && !anyTls) throw new InputError(`--cacert/--cert/--key/--insecure need TLS: add --tls or use rediss:// URIs`);
  if (!!v.cert !== !!v.key) throw new InputError(`--cert and --key go together: give both for a client certificate`);
  return { cacert: v.cacert, cert: v.cert, key: v.key, insecure: !!v.insecure };
}

export function failoverArgs(argv: string[], env: NodeJS.ProcessEnv): ({ kind: 'failover' } & FailoverArgs) | { kind: 'help'; topic: string } {
  const { values: v, positionals } = parse(argv, FAILOVER_OPTIONS, 'failover');
  if (v.help) return { kind: 'help', topic: 'failover' };
  if (positionals.length) throw new InputError(`unexpected '${positionals[0]}': name a node with --uri URI (see 'cutover failover --help')`);
  const defaults: EndpointDefaults = { tls: !!v.tls, password: env.REDISCLI_AUTH || undefined, username: v.user };
  const entries = (v.uri ?? []).map((u) => parseEndpoint(u, defaults));
  const sentinels = (v.sentinel ?? []).map((s) => parseEndpoint(s, { tls: !!v.tls }));
  if (!entries.length && !sentinels.length) throw new InputError(`--uri is missing: 'cutover failover --uri redis://host:port' names any node of the deployment`);
  if (sentinels.length && !v['master-name']) throw new InputError(`--sentinel needs --master-name NAME (the name the Sentinels monitor the master under)`);
  if (v['master-name'] && !sentinels.length) throw new InputError(`--master-name goes with --sentinel host:port`);
  const dataAuth = entries[0]?.password ? { username: entries[0].username, password: entries[0].password } : { username: defaults.username, password: defaults.password };
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
    timeoutMs: v.timeout === undefined ? 5000 : parseWait(v.timeout, '--timeout', 500, 60_000),
    followTimeoutMs: v['follow-timeout'] === undefined ? 60_000 : parseWait(v['follow-timeout'], '--follow-timeout', 1000, 3_600_000),
    fenceWaitMs: v['fence-wait'] === undefined ? 0 : parseWait(v['fence-wait'], '--fence-wait', 0, 3_600_000),
    killClients: !!v['kill-clients'],
    maxLagBytes: v['max-lag'] === undefined ? 1024 * 1024 : parseSize(v['max-lag'], '--max-lag'),
    tlsFiles: tlsFiles(v, [...entries, ...sentinels].some((e) => e.tls)),
    dataAuth,
    sentinelAuth: sentinels[0] ? { username: sentinels[0].username, password: sentinels[0].password } : {},
  };
}

export function cloneArgs(argv: string[], env: NodeJS.ProcessEnv): ({ kind: 'clone' } & CloneArgs) | { kind: 'help'; topic: string } {
  const { values: v, positionals } = parse(argv, CLONE_OPTIONS, 'clone');
  if (v.help) return { kind: 'help', topic: 'clone' };
  if (positionals.length) throw new InputError(`unexpected '${positionals[0]}': name the two nodes with --origin URI --clone URI`);
  if (!v.origin || !v.clone) throw new InputError(`${!v.origin ? '--origin' : '--clone'} is missing: 'cutover clone --origin URI --clone URI'`);
  const defaults: EndpointDefaults = { tls: !!v.tls, password: env.REDISCLI_AUTH || undefined, username: v.user };
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
    timeoutMs: v.timeout === undefined ? 600_000 : parseWait(v.timeout, '--timeout', 500, 86_400_000),
    pauseMs: v['pause-timeout'] === undefined ? 5000 : parseWait(v['pause-timeout'], '--pause-timeout', 500, 60_000),
    noConfig: !!v['no-config'],
    noPause: !!v['no-pause'],
    via,
    followTimeoutMs: v['follow-timeout'] === undefined ? 60_000 : parseWait(v['follow-timeout'], '--follow-timeout', 1000, 3_600_000),
    yes: !!v.yes,
    dryRun: !!v['dry-run'],
    journal: v.journal,
    json: !!v.json,
    tlsFiles: tlsFiles(v, origin.tls || clone.tls),
  };
}
