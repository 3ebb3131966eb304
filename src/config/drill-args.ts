// `cutover drill` options. Owned by the drill (consistency checker) work.
import { parseArgs } from 'node:util';
import type { TlsFiles } from './tls-files.js';
import { InputError, parseEndpoint, type Endpoint } from './endpoint.js';

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
  json: boolean;
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
  json: { type: 'boolean' },
  user: { type: 'string' },
  tls: { type: 'boolean' },
  cacert: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  insecure: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "500ms", "30s", "5m", "1h", "1.5s", "2" (seconds) → ms, within [min, max]. */
export function drillDuration(text: string, option: string, min: number, max: number, example: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2] ?? 's'] : NaN;
  if (!m || !(ms >= min) || ms > max) throw new InputError(`${option} '${text}' is not a duration from ${human(min)} to ${human(max)}: write it like ${example}`);
  return Math.round(ms);
}

function human(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${ms / 1000}s`;
  if (ms < 3_600_000) return `${ms / 60_000}m`;
  return `${ms / 3_600_000}h`;
}

function whole(text: string | undefined, option: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new InputError(`${option} '${text}' is not a whole number from ${min} to ${max}`);
  return n;
}

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    let msg = String((err as Error).message).split('\n')[0].replace(/\. To specify a positional argument.*$/, '').replace(/\.$/, '');
    const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(msg);
    if (ambiguous) {
      const value = argv[argv.indexOf(ambiguous[1]) + 1];
      msg = `${ambiguous[1]} was given '${value}', which reads as an option; write ${ambiguous[1]}=${value} if that is really the value`;
    }
    throw new InputError(`${msg.charAt(0).toLowerCase()}${msg.slice(1)}: see 'cutover drill --help'`);
  }
}

/** Parses `cutover drill …` (argv after the command word). */
export function drillArgs(argv: string[], env: NodeJS.ProcessEnv): ({ kind: 'drill' } & DrillArgs) | { kind: 'help'; topic: string } {
  const { values: v, positionals } = parse(argv);
  if (v.help) return { kind: 'help', topic: 'drill' };
  // `cutover drill redis://…` is read as --uri
  if (positionals.length > 1 || (positionals.length === 1 && v.uri)) throw new InputError(`unexpected '${positionals[v.uri ? 0 : 1]}': name one node with --uri URI (or Sentinels with --sentinel)`);
  const uriText = v.uri ?? positionals[0];
  const password = env.REDISCLI_AUTH || undefined;
  const tls = !!v.tls;
  const uri = uriText !== undefined ? parseEndpoint(uriText, { tls, password, username: v.user }) : undefined;
  const sentinels = (v.sentinel ?? []).map((s) => parseEndpoint(s, { tls }));
  if (!uri && !sentinels.length) throw new InputError(`no endpoint: 'cutover drill --uri redis://host:port' (or --sentinel host:port --master-name NAME)`);
  if (uri && sentinels.length) throw new InputError(`give --uri or --sentinel, not both: with --sentinel the Sentinels name the master (its password: REDISCLI_AUTH)`);
  if (sentinels.length && !v['master-name']) throw new InputError(`--sentinel needs --master-name NAME (the name the Sentinels monitor the master under)`);
  if ((v.cacert || v.cert || v.key || v.insecure) && !tls && !uri?.tls && !sentinels.some((s) => s.tls)) {
    throw new InputError(`--cacert/--cert/--key/--insecure need TLS: add --tls or use rediss:// URIs`);
  }
  if (!!v.cert !== !!v.key) throw new InputError(`--cert and --key go together: give both for a client certificate`);
  const rateText = v.rate?.trim().toLowerCase();
  if (rateText !== undefined && /^0+$/.test(rateText)) throw new InputError(`--rate 0 would write nothing: give writes a second (1 to 1000000), or --rate max for as fast as 16 in flight allow`);
  const rate = rateText === 'max' ? 0 : whole(rateText, '--rate', 1000, 1, 1_000_000);
  const prefix = v.prefix ?? 'cutover:drill:';
  if (!prefix) throw new InputError(`--prefix is empty: the drill's counters need a prefix of their own (default cutover:drill:)`);
  return {
    kind: 'drill',
    uri,
    sentinels,
    masterName: v['master-name'],
    username: v.user,
    password,
    tls,
    tlsFiles: { cacert: v.cacert, cert: v.cert, key: v.key, insecure: !!v.insecure },
    counters: whole(v.counters, '--counters', 1000, 1, 1_000_000),
    rate,
    durationMs: v.duration === undefined ? undefined : drillDuration(v.duration, '--duration', 100, 7 * 24 * 3_600_000, '30s, 5m or 1h'),
    prefix,
    reset: !!v.reset,
    stallMs: v.stall === undefined ? 100 : drillDuration(v.stall, '--stall', 1, 60_000, '100ms or 1s'),
    timeoutMs: v.timeout === undefined ? 1000 : drillDuration(v.timeout, '--timeout', 100, 60_000, '500ms or 2s'),
    reconnectMs: v.reconnect === undefined ? 50 : drillDuration(v.reconnect, '--reconnect', 10, 5000, '50ms or 1s'),
    json: !!v.json,
  };
}
