// Which of the origin's settings a clone takes (CONFIG GET * on both sides), which it must not, and how
// the passwords are carried. Pure.
import { SECRET_SETTINGS } from '../redact-command.js';

/** Settings that belong to one server and its host: never copied. */
const NODE_LOCAL = new Set([
  'port',
  'bind',
  'bind-source-addr',
  'unixsocket',
  'unixsocketperm',
  'dir',
  'dbfilename',
  'appendfilename',
  'appenddirname',
  'pidfile',
  'logfile',
  'replicaof',
  'slaveof',
  'replica-announce-ip',
  'replica-announce-port',
  'replica-announced',
  'replica-priority',
  'protected-mode',
  'tls-port',
  'tls-cert-file',
  'tls-key-file',
  'tls-key-file-pass',
  'tls-client-cert-file',
  'tls-client-key-file',
  'tls-client-key-file-pass',
  'tls-ca-cert-file',
  'tls-ca-cert-dir',
  'tls-dh-params-file',
  'socket-mark-id',
  'server_cpulist',
  'bio_cpulist',
  'aof_rewrite_cpulist',
  'bgsave_cpulist',
  'oom-score-adj',
  'oom-score-adj-values',
  'aclfile',
]);

/** Fixed when the server starts (CONFIG SET refuses them): set them in the clone's config file if they matter. */
const FIXED_AT_START = new Set([
  'daemonize',
  'supervised',
  'databases',
  'io-threads',
  'io-threads-do-reads',
  'always-show-logo',
  'set-proc-title',
  'proc-title-template',
  'syslog-enabled',
  'syslog-ident',
  'syslog-facility',
  'tcp-backlog',
  'rdbchecksum',
  'disable-thp',
  'enable-debug-command',
  'enable-module-command',
  'enable-protected-configs',
]);

/** Older names Redis 7 still answers CONFIG GET with, and the name each stands for. */
export const ALIASES: Record<string, string> = {
  slaveof: 'replicaof',
  'slave-priority': 'replica-priority',
  'slave-announce-ip': 'replica-announce-ip',
  'slave-announce-port': 'replica-announce-port',
  'slave-read-only': 'replica-read-only',
  'slave-serve-stale-data': 'replica-serve-stale-data',
  'slave-lazy-flush': 'replica-lazy-flush',
  'slave-ignore-maxmemory': 'replica-ignore-maxmemory',
  'min-slaves-to-write': 'min-replicas-to-write',
  'min-slaves-max-lag': 'min-replicas-max-lag',
  'repl-ping-slave-period': 'repl-ping-replica-period',
  'cluster-slave-validity-factor': 'cluster-replica-validity-factor',
  'cluster-slave-no-failover': 'cluster-replica-no-failover',
  'hash-max-ziplist-entries': 'hash-max-listpack-entries',
  'hash-max-ziplist-value': 'hash-max-listpack-value',
  'zset-max-ziplist-entries': 'zset-max-listpack-entries',
  'zset-max-ziplist-value': 'zset-max-listpack-value',
  'list-max-ziplist-size': 'list-max-listpack-size',
};

/** Handled on their own: the clone's credentials towards the origin, and its own password. */
const CREDENTIALS = new Set(['requirepass', 'masterauth', 'masteruser']);

export interface Skipped {
  name: string;
  reason: string;
}

export interface SettingsPlan {
  /** to CONFIG SET on the clone, in name order */
  apply: Array<{ name: string; value: string; from?: string }>;
  /** already equal on the clone */
  same: number;
  skipped: Skipped[];
}

/** Why a setting is never copied, or undefined when it may be. */
export function skipReason(name: string): string | undefined {
  if (ALIASES[name]) return `another name for ${ALIASES[name]}`;
  if (CREDENTIALS.has(name)) return 'credentials: carried on their own';
  if (name.startsWith('cluster-')) return 'cluster settings belong to one node';
  if (name.startsWith('syslog-') || FIXED_AT_START.has(name)) return 'fixed at start: set it in the clone\'s config file if it matters';
  if (NODE_LOCAL.has(name)) return 'belongs to one node or host';
  return undefined;
}

/** CONFIG GET's flat reply → record. */
export function configRecord(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

/** The settings to copy: every origin setting not skipped, that the clone knows and holds otherwise. */
export function planSettings(origin: Record<string, string>, clone: Record<string, string>): SettingsPlan {
  const apply: SettingsPlan['apply'] = [];
  const skipped: Skipped[] = [];
  let same = 0;
  for (const name of Object.keys(origin).sort()) {
    const reason = skipReason(name);
    if (reason) {
      if (!ALIASES[name]) skipped.push({ name, reason });
      continue;
    }
    if (!(name in clone)) {
      skipped.push({ name, reason: "unknown to the clone's Redis version" });
      continue;
    }
    if (clone[name] === origin[name]) {
      same++;
      continue;
    }
    apply.push({ name, value: origin[name], from: clone[name] });
  }
  return { apply, same, skipped };
}

export interface AuthPlan {
  /** CONFIG SET on the clone, in order: masteruser, masterauth (to replicate from the origin), requirepass */
  set: Array<{ name: 'masteruser' | 'masterauth' | 'requirepass'; value: string; why: string }>;
  notes: string[];
}

/**
 * The clone authenticates to the origin as the operator did (the origin URI's user and password), or
 * with the origin's requirepass; it takes the origin's requirepass too (unless settings are not copied),
 * so clients use it the same way.
 */
export function planAuth(o: {
  originUser?: string;
  originPassword?: string;
  originConfig: Record<string, string>;
  cloneConfig: Record<string, string>;
  copySettings: boolean;
}): AuthPlan {
  const set: AuthPlan['set'] = [];
  const notes: string[] = [];
  const requirepass = o.originConfig.requirepass || undefined;
  const user = o.originUser && o.originUser !== 'default' ? o.originUser : undefined;
  const password = o.originPassword ?? requirepass;
  if (user && user !== (o.cloneConfig.masteruser ?? '')) set.push({ name: 'masteruser', value: user, why: `replicate from the origin as ACL user ${user}` });
  if (password && password !== (o.cloneConfig.masterauth ?? '')) set.push({ name: 'masterauth', value: password, why: 'the origin needs a password: the clone gives it when it replicates' });
  if (!password && o.cloneConfig.masterauth) notes.push('the clone has a masterauth of its own and the origin asks for none: it is left as it is');
  if (o.copySettings && requirepass && requirepass !== (o.cloneConfig.requirepass ?? '')) {
    set.push({ name: 'requirepass', value: requirepass, why: "the clone asks for the origin's password, as the origin does" });
  }
  if (!o.copySettings && requirepass && !o.cloneConfig.requirepass) notes.push('--no-config: the clone keeps no password of its own while the origin has one');
  return { set, notes };
}

export { SECRET_SETTINGS };
