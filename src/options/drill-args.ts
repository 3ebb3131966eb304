// `cutover drill` options. Owned by the drill (consistency checker) work.
import { TLS_OPTIONS, tlsFilesOf, type TlsFiles } from './tls-files.js';
import { InputError, parseEndpoint, type Endpoint } from './endpoint.js';
import { endpointDefaults, USER_OPTION } from './credentials.js';
import { parseOptions } from './parse-options.js';
import { parseDuration } from './duration.js';
import { wholeNumber } from './whole-number.js';
import { parseMetricsAddress, type MetricsAddress } from './metrics-address.js';

export interface DrillArgs {
  /** --uri: a data node (standalone, replica, cluster node) or a Sentinel; undefined with --sentinel only */
  uri?: Endpoint;
  sentinels: Endpoint[];
  masterName?: string;
  /** data nodes' credentials when the URI names none, and every data node found through Sentinel */
  username?: string;
  password?: string;
  tls: boolean;
  tlsFiles: TlsFiles;
  counters: number;
  /** writes a second; 0 = the maximum rate (--rate max; a literal --rate 0 is refused) */
  rate: number;
  /** undefined: until Ctrl-C */
  durationMs?: number;
  prefix: string;
  reset: boolean;
  stallMs: number;
  timeoutMs: number;
  reconnectMs: number;
  /** --no-follow: write to --uri only, never to a master found elsewhere (behind a proxy or a DNS name) */
  noFollow: boolean;
  json: boolean;
  /** --metrics HOST:PORT: the drill's figures served to Prometheus */
  metrics?: MetricsAddress;
}

const OPTIONS = {
  uri: { type: 'string' },
  sentinel: { type: 'string', multiple: true },
  'master-name': { type: 'string' },
  counters: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  prefix: { type: 'string' },
  reset: { type: 'boolean' },
  stall: { type: 'string' },
  timeout: { type: 'string' },
  reconnect: { type: 'string' },
  'no-follow': { type: 'boolean' },
  json: { type: 'boolean' },
  metrics: { type: 'string' },
  ...USER_OPTION,
  ...TLS_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses `cutover drill …` (argv after the command word). */
export function drillArgs(argv: string[], env: NodeJS.ProcessEnv): ({ kind: 'drill' } & DrillArgs) | { kind: 'help'; topic: string } {
  const { values: v, positionals } = parseOptions(argv, OPTIONS, 'drill');
  if (v.help) return { kind: 'help', topic: 'drill' };
  // `cutover drill redis://…` is read as --uri
  if (positionals.length > 1 || (positionals.length === 1 && v.uri)) throw new InputError(`unexpected '${positionals[v.uri ? 0 : 1]}': name one node with --uri URI (or Sentinels with --sentinel)`);
  const uriText = v.uri ?? positionals[0];
  const defaults = endpointDefaults(v, env);
  const tls = !!v.tls;
  const uri = uriText !== undefined ? parseEndpoint(uriText, defaults) : undefined;
  const sentinels = (v.sentinel ?? []).map((s) => parseEndpoint(s, { tls }));
  if (!uri && !sentinels.length) throw new InputError(`no endpoint: 'cutover drill --uri redis://host:port' (or --sentinel host:port --master-name NAME)`);
  if (uri && sentinels.length) throw new InputError(`give --uri or --sentinel, not both: with --sentinel the Sentinels name the master (its password: REDISCLI_AUTH)`);
  if (sentinels.length && !v['master-name']) throw new InputError(`--sentinel needs --master-name NAME (the name the Sentinels monitor the master under)`);
  if (v['no-follow'] && (sentinels.length || v['master-name'])) throw new InputError(`--no-follow is for --uri (a master, or an address in front of one such as a proxy): through Sentinel the drill always follows the master`);
  const tlsFiles = tlsFilesOf(v, tls || !!uri?.tls || sentinels.some((s) => s.tls));
  const rateText = v.rate?.trim().toLowerCase();
  if (rateText !== undefined && /^0+$/.test(rateText)) throw new InputError(`--rate 0 would write nothing: give writes a second (1 to 1000000), or --rate max for as fast as 16 in flight allow`);
  const rate = rateText === 'max' ? 0 : wholeNumber(rateText, '--rate', 1000, 1, 1_000_000);
  const prefix = v.prefix ?? 'cutover:drill:';
  if (!prefix) throw new InputError(`--prefix is empty: the drill's counters need a prefix of their own (default cutover:drill:)`);
  return {
    kind: 'drill',
    uri,
    sentinels,
    masterName: v['master-name'],
    username: defaults.username,
    password: defaults.password,
    tls,
    tlsFiles,
    counters: wholeNumber(v.counters, '--counters', 1000, 1, 1_000_000),
    rate,
    durationMs: v.duration === undefined ? undefined : parseDuration(v.duration, '--duration', { minMs: 100, maxMs: 7 * 24 * 3_600_000 }),
    prefix,
    reset: !!v.reset,
    stallMs: v.stall === undefined ? 100 : parseDuration(v.stall, '--stall', { minMs: 1, maxMs: 60_000 }),
    timeoutMs: v.timeout === undefined ? 1000 : parseDuration(v.timeout, '--timeout', { minMs: 100, maxMs: 60_000 }),
    reconnectMs: v.reconnect === undefined ? 50 : parseDuration(v.reconnect, '--reconnect', { minMs: 10, maxMs: 5000 }),
    noFollow: !!v['no-follow'],
    json: !!v.json,
    ...(v.metrics === undefined ? {} : { metrics: parseMetricsAddress(v.metrics) }),
  };
}
