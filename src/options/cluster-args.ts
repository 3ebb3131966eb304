// `cutover cluster SUBCOMMAND` options: `check` today; `fix`, `reshard` and `rebalance` are words the parser knows
// (so they answer "not yet available", exit 2) but take no options yet.
import { TLS_OPTIONS, tlsFilesOf, type TlsFiles } from './tls-files.js';
import { InputError, parseEndpoint, type Endpoint } from './endpoint.js';
import { endpointDefaults, USER_OPTION } from './credentials.js';
import { parseOptions } from './parse-options.js';
import { parseDuration } from './duration.js';

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
}

const OPTIONS = {
  uri: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  ...USER_OPTION,
  ...TLS_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses `cutover cluster …` (argv after the word `cluster`). */
export function clusterArgs(argv: string[], env: NodeJS.ProcessEnv): ({ kind: 'cluster' } & ClusterArgs) | { kind: 'help'; topic: string } {
  const [action, ...rest] = argv;
  if (action === undefined || action === '-h' || action === '--help') return { kind: 'help', topic: 'cluster' };
  if (!(CLUSTER_ACTIONS as readonly string[]).includes(action)) {
    throw new InputError(`unknown cluster subcommand '${action}': use 'cutover cluster check --uri URI' (see 'cutover cluster --help')`);
  }
  if (action !== 'check') return { kind: 'cluster', action: action as ClusterAction, tlsFiles: {}, timeoutMs: 0, json: false };
  const { values: v, positionals } = parseOptions(rest, OPTIONS, 'cluster');
  if (v.help) return { kind: 'help', topic: 'cluster' };
  // `cutover cluster check redis://…` is read as --uri
  if (positionals.length > 1 || (positionals.length === 1 && v.uri)) throw new InputError(`unexpected '${positionals[v.uri ? 0 : 1]}': name one node of the cluster with --uri URI`);
  const uriText = v.uri ?? positionals[0];
  if (uriText === undefined) throw new InputError(`--uri is missing: 'cutover cluster check --uri redis://host:port' (any node of the cluster)`);
  const uri = parseEndpoint(uriText, endpointDefaults(v, env));
  if (uri.db) throw new InputError(`a Redis Cluster has database 0 only: drop the URI's /${uri.db}`);
  return {
    kind: 'cluster',
    action: 'check',
    uri,
    tlsFiles: tlsFilesOf(v, uri.tls),
    timeoutMs: v.timeout === undefined ? 2000 : parseDuration(v.timeout, '--timeout', { minMs: 100, maxMs: 60_000 }),
    json: !!v.json,
  };
}
