// Parses the text of INFO: its sections, the replication section, and the few server facts the console shows.
// Pure functions. Numbers are kept as Redis reports them (so -1, "never" or "unknown", stays -1);
// fields Redis did not send stay undefined.
import type { ReplicaEntry, ReplicationInfo, ServerFacts } from './types.js';
import { compact, num } from './parse-util.js';

export type InfoSections = Record<string, Record<string, string>>;

export interface ParsedInfo {
  sections: InfoSections;
  server: ServerFacts;
  /** undefined when the text has no replication section (a Sentinel, or `INFO server` alone) */
  replication?: ReplicationInfo;
}

/** Splits INFO text into sections keyed by lowercased name; lines before any `# Header` go under ''. */
export function parseInfoSections(text: string): InfoSections {
  const sections: InfoSections = {};
  let current: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      current = line.slice(1).trim().toLowerCase();
      sections[current] ??= {};
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = current ?? '';
    (sections[name] ??= {})[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return sections;
}

/** A number, or undefined when the field is missing or not numeric. */
function flag(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : value === '1' || value === 'yes';
}

/** Drops undefined-valued keys so results compare and print cleanly. */
/** `key=value,key=value` → record. */
function kvList(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** One `slaveN:`/`replicaN:` value: `ip=..,port=..,state=..,offset=..,lag=..`, or the old `ip,port,state`. */
export function parseReplicaLine(value: string): ReplicaEntry | undefined {
  if (value.includes('=')) {
    const kv = kvList(value);
    const port = num(kv.port);
    if (kv.ip === undefined || port === undefined) return undefined;
    return { host: kv.ip, port, state: kv.state ?? 'unknown', offset: num(kv.offset) ?? 0, lag: num(kv.lag) ?? 0 };
  }
  // Redis 2.6 and older: `slave0:127.0.0.1,6380,online`. An IPv6 address has no commas, so the last two parts are port and state.
  const parts = value.split(',');
  if (parts.length < 3) return undefined;
  const state = parts[parts.length - 1];
  const port = num(parts[parts.length - 2]);
  if (port === undefined) return undefined;
  return { host: parts.slice(0, -2).join(','), port, state, offset: 0, lag: 0 };
}

/** INFO replication fields → ReplicationInfo, whether Redis says `slave` or `replica`. */
export function parseReplication(f: Record<string, string>): ReplicationInfo {
  const role = f.role === 'master' ? 'master' : 'replica';
  const indexed: Array<[number, ReplicaEntry]> = [];
  for (const [key, value] of Object.entries(f)) {
    const m = /^(?:slave|replica)(\d+)$/.exec(key);
    if (!m) continue;
    const entry = parseReplicaLine(value);
    if (entry) indexed.push([Number(m[1]), entry]);
  }
  const replicas = indexed.sort((a, b) => a[0] - b[0]).map(([, e]) => e);
  const link = f.master_link_status;
  return compact<ReplicationInfo>({
    role,
    connectedReplicas: num(f.connected_slaves ?? f.connected_replicas) ?? replicas.length,
    replicas,
    masterReplId: f.master_replid || undefined,
    masterReplOffset: num(f.master_repl_offset) ?? 0,
    masterHost: f.master_host || undefined,
    masterPort: num(f.master_port),
    linkStatus: link === 'up' || link === 'down' ? link : undefined,
    lastIoSecondsAgo: num(f.master_last_io_seconds_ago),
    syncInProgress: flag(f.master_sync_in_progress),
    replicaOffset: num(f.slave_repl_offset ?? f.replica_repl_offset),
    replicaPriority: num(f.slave_priority ?? f.replica_priority),
    replicaReadOnly: flag(f.slave_read_only ?? f.replica_read_only),
    linkDownSinceSeconds: num(f.master_link_down_since_seconds),
  });
}

/** `db0:keys=1,expires=0,avg_ttl=0` lines → per-database counts and their total. */
function parseKeyspace(fields: Record<string, string>): Pick<ServerFacts, 'keys' | 'keyspace'> {
  const keyspace: Record<number, { keys: number; expires: number }> = {};
  let keys = 0;
  for (const [name, value] of Object.entries(fields)) {
    const m = /^db(\d+)$/.exec(name);
    if (!m) continue;
    const kv = kvList(value);
    const db = { keys: num(kv.keys) ?? 0, expires: num(kv.expires) ?? 0 };
    keyspace[Number(m[1])] = db;
    keys += db.keys;
  }
  return { keys, keyspace };
}

/** The facts the console shows, from any INFO sections (looked up by field name, whatever section holds them). */
export function parseServerFacts(sections: InfoSections): ServerFacts {
  const all: Record<string, string> = {};
  for (const fields of Object.values(sections)) for (const [k, v] of Object.entries(fields)) if (!(k in all)) all[k] = v;
  const mode = all.redis_mode;
  const hasKeyspace = 'keyspace' in sections || Object.keys(all).some((k) => /^db\d+$/.test(k));
  return compact<ServerFacts>({
    redisVersion: all.redis_version,
    redisMode: mode === 'standalone' || mode === 'cluster' || mode === 'sentinel' ? mode : undefined,
    runId: all.run_id,
    uptimeSeconds: num(all.uptime_in_seconds),
    tcpPort: num(all.tcp_port),
    connectedClients: num(all.connected_clients),
    usedMemory: num(all.used_memory),
    usedMemoryHuman: all.used_memory_human,
    maxmemory: num(all.maxmemory),
    clusterEnabled: flag(all.cluster_enabled),
    ...(hasKeyspace ? parseKeyspace(sections.keyspace ?? all) : {}),
    rdbBgsaveInProgress: flag(all.rdb_bgsave_in_progress),
    loading: flag(all.loading),
    syncFull: num(all.sync_full),
  });
}

/** Whole INFO text → sections, server facts, and replication (when the text has a replication section). */
export function parseInfo(text: string): ParsedInfo {
  const sections = parseInfoSections(text);
  const replFields = sections.replication ?? (sections['']?.role !== undefined ? sections[''] : undefined);
  const replication = replFields && replFields.role !== undefined ? parseReplication(replFields) : undefined;
  return { sections, server: parseServerFacts(sections), ...(replication ? { replication } : {}) };
}
