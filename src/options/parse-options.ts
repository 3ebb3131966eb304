// The one reading of a command's options (node:util parseArgs, strict), with one wording for what it refuses:
// "<what is wrong>: see 'cutover COMMAND --help'", on one line.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from './endpoint.js';

const URI = 'a URI (redis://host:port)';
const DURATION = 'a duration (like 5s)';
const SIZE = 'a size (like 1MB)';
const COUNT = 'a whole number';

/** What an option's value is, for "--to needs host:port" when it is missing or the next option was taken for it. */
const VALUE_OF: Record<string, string> = {
  '--uri': URI,
  '--source': URI,
  '--target': URI,
  '--origin': URI,
  '--clone': URI,
  '--to': 'host:port',
  '--metrics': 'HOST:PORT to serve Prometheus metrics on (like 127.0.0.1:9464)',
  '--sentinel': 'host:port',
  '--master-name': 'the name the Sentinels monitor the master under',
  '--user': 'a user name',
  '--cacert': 'a file',
  '--cert': 'a file',
  '--key': 'a file',
  '--journal': 'a file name',
  '--checkpoint': 'a file name',
  '--interval': DURATION,
  '--timeout': DURATION,
  '--pause-timeout': DURATION,
  '--follow-timeout': 'a duration (like 60s)',
  '--fence-wait': 'a duration (like 30s)',
  '--idle-timeout': 'a duration (like 30s)',
  '--flush-interval': 'a duration (like 50ms)',
  '--duration': 'a duration (like 5m)',
  '--stall': 'a duration (like 100ms)',
  '--reconnect': 'a duration (like 50ms)',
  '--max-lag': SIZE,
  '--max-block': 'a duration (like 100ms)',
  '--resume': 'a journal file',
  '--mem-limit': SIZE,
  '--via': 'pause or failover',
  '--role': 'master or replica',
  '--mode': 'snapshot, live, liveonly or compare',
  '--type': 'dump or struct',
  '--merge-policy': 'overwrite or merge',
  '--read-from': 'master or replica',
  '--live-source': 'psync or notifications',
  '--event-order': 'fifo or priority',
  '--source-db': 'a database number',
  '--target-db': 'a database number',
  '--scan-count': COUNT,
  '--read-batch': COUNT,
  '--read-threads': COUNT,
  '--read-queue': COUNT,
  '--write-batch': COUNT,
  '--target-pool': COUNT,
  '--event-queue': COUNT,
  '--counters': COUNT,
  '--keys': COUNT,
  '--masters': COUNT,
  '--replicas': COUNT,
  '--spare': COUNT,
  '--rate': 'writes a second, or max',
  '--ttl-tolerance': 'milliseconds',
  '--scan-match': 'a glob pattern',
  '--scan-type': 'a Redis type',
  '--key-include': 'a regular expression',
  '--key-exclude': 'a regular expression',
  '--key-slots': 'slot ranges (like 0:8000)',
  '--preset': 'a preset name',
  '--prefix': 'a key prefix',
};

export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, command: string, values: Record<string, string> = {}) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true as const });
  } catch (err) {
    throw new InputError(`${refusal(String((err as Error).message), argv, options, { ...VALUE_OF, ...values })}: see 'cutover ${command} --help'`);
  }
}

/** `values`: what a command's own options take where the shared table says otherwise (reshard's --to is a node id) */
function refusal(text: string, argv: string[], options: NonNullable<ParseArgsConfig['options']>, valueOf: Record<string, string>): string {
  // "--to" last on the line, or "--to --dry-run" (the value forgotten: the next option taken for it)
  const missing = /^Option '(--[\w-]+) <value>' argument missing/.exec(text)?.[1];
  if (missing) return `${missing} needs ${valueOf[missing] ?? 'a value'}`;
  const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(text)?.[1];
  if (ambiguous) {
    const value = argv[argv.indexOf(ambiguous) + 1] ?? '';
    const isOption = /^--?[\w-]+/.test(value) && (Object.hasOwn(options, value.replace(/^--?|=.*$/g, '')) || value === '-h');
    if (isOption) return `${ambiguous} needs ${valueOf[ambiguous] ?? 'a value'}`;
    return `${ambiguous} was given '${value}', which reads as an option; write ${ambiguous}=${value} if that is really the value`;
  }
  const msg = text.split('\n')[0].replace(/\. To specify a positional argument.*$/, '').replace(/\.$/, '');
  return `${msg.charAt(0).toLowerCase()}${msg.slice(1)}`;
}
