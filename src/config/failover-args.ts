// `cutover failover` and `cutover clone` options. Owned by the failover/clone work.

export interface FailoverArgs {
  uri: string;
}

export interface CloneArgs {
  origin: string;
  clone: string;
}

export const FAILOVER_HELP = `cutover failover --uri URI [--to host:port] [--unplanned] [--yes] [--dry-run] [--journal FILE] [--json]

(not implemented yet)`;

export const CLONE_HELP = `cutover clone --origin URI --clone URI [--promote] [--reconfigure] [--yes]

(not implemented yet)`;

export function failoverArgs(_argv: string[], _env: NodeJS.ProcessEnv): ({ kind: 'failover' } & FailoverArgs) | { kind: 'help'; topic: string } {
  return { kind: 'help', topic: 'failover' };
}

export function cloneArgs(_argv: string[], _env: NodeJS.ProcessEnv): ({ kind: 'clone' } & CloneArgs) | { kind: 'help'; topic: string } {
  return { kind: 'help', topic: 'clone' };
}
