// Parses what a Sentinel says: SENTINEL MASTERS / REPLICAS / SENTINELS replies (ioredis gives each
// instance as a flat [key, value, key, value, …] array), its pub/sub events, and __sentinel__:hello. Pure functions.
import type { SentinelMasterView, SentinelPeerView } from './types.js';
import { compact, num } from './parse-util.js';

/** One Sentinel pub/sub event, parsed. The channel is the event kind (`+sdown`, `+switch-master`, …). */
export interface SentinelEventInfo {
  kind: string;
  /** the message as Redis sent it */
  text: string;
  /** the master the event concerns */
  master?: string;
  /** the instance the event concerns (for +switch-master: the old master) */
  host?: string;
  port?: number;
  /** +switch-master only: the new master */
  toHost?: string;
  toPort?: number;
  /** `master`, `slave` or `sentinel`, when the message is in instance-details format */
  instanceType?: string;
  /** the instance's name: `ip:port` for a replica, the run id for a sentinel, the master name for a master */
  instanceName?: string;
}

/** A __sentinel__:hello payload. */
export interface SentinelHello {
  ip: string;
  port: number;
  runId: string;
  currentEpoch: number;
  masterName: string;
  masterIp: string;
  masterPort: number;
  masterConfigEpoch: number;
}

/** [k1, v1, k2, v2, …] → { k1: v1, k2: v2, … }. */
export function pairsToRecord(arr: readonly unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < arr.length; i += 2) out[String(arr[i])] = String(arr[i + 1]);
  return out;
}

/** A reply → one record per instance. Accepts a list of flat arrays (SENTINEL MASTERS), a single flat
 * array (SENTINEL MASTER name), and RESP3-style maps/objects. Anything else gives []. */
function toRecords(reply: unknown): Array<Record<string, string>> {
  if (!Array.isArray(reply)) return reply && typeof reply === 'object' ? toRecords([reply]) : [];
  if (reply.length > 0 && reply.every((x) => typeof x === 'string')) return [pairsToRecord(reply)];
  const out: Array<Record<string, string>> = [];
  for (const item of reply) {
    if (Array.isArray(item)) out.push(pairsToRecord(item));
    else if (item instanceof Map) out.push(Object.fromEntries([...item].map(([k, v]) => [String(k), String(v)])));
    else if (item && typeof item === 'object') out.push(Object.fromEntries(Object.entries(item).map(([k, v]) => [k, String(v)])));
  }
  return out;
}

function flagsOf(text: string | undefined): string[] {
  return (text ?? '').split(',').filter(Boolean);
}

/** SENTINEL MASTERS (or SENTINEL MASTER name) → views; entries without an address are skipped. */
export function parseSentinelMasters(reply: unknown): SentinelMasterView[] {
  const out: SentinelMasterView[] = [];
  for (const r of toRecords(reply)) {
    const port = num(r.port);
    if (r.ip === undefined || port === undefined) continue;
    out.push(
      compact<SentinelMasterView>({
        name: r.name ?? '',
        host: r.ip,
        port,
        flags: flagsOf(r.flags),
        quorum: num(r.quorum) ?? 0,
        numReplicas: num(r['num-slaves'] ?? r['num-replicas']) ?? 0,
        numOtherSentinels: num(r['num-other-sentinels']) ?? 0,
        failoverTimeout: num(r['failover-timeout']),
        downAfterMs: num(r['down-after-milliseconds']),
        configEpoch: num(r['config-epoch']),
        failoverState: r['failover-state'] || undefined,
      }),
    );
  }
  return out;
}

/** SENTINEL REPLICAS / SLAVES / SENTINELS → views; entries without an address are skipped. */
export function parseSentinelPeers(reply: unknown): SentinelPeerView[] {
  const out: SentinelPeerView[] = [];
  for (const r of toRecords(reply)) {
    const port = num(r.port);
    if (r.ip === undefined || port === undefined) continue;
    out.push(
      compact<SentinelPeerView>({
        name: r.name ?? `${r.ip}:${port}`,
        host: r.ip,
        port,
        // Redis sends `runid ""` for an instance it has not yet had an INFO reply from.
        runId: r.runid || undefined,
        flags: flagsOf(r.flags),
        masterLinkStatus: r['master-link-status'],
        replicaPriority: num(r['slave-priority'] ?? r['replica-priority']),
        replOffset: num(r['slave-repl-offset'] ?? r['replica-repl-offset']),
        lastOkPingReplyMs: num(r['last-ok-ping-reply']),
      }),
    );
  }
  return out;
}

const INSTANCE_TYPES = new Set(['master', 'slave', 'replica', 'sentinel']);

/** A Sentinel pub/sub message → what it is about. Instance-details format:
 * `<instance-type> <name> <ip> <port> @ <master-name> <master-ip> <master-port>` (no `@ …` part for a master);
 * +switch-master is `<master-name> <old-ip> <old-port> <new-ip> <new-port>`. Other messages keep only kind and text. */
export function parseSentinelEvent(channel: string, message: string): SentinelEventInfo {
  const event: SentinelEventInfo = { kind: channel, text: message };
  const t = message.trim().split(/\s+/);
  if (channel === '__sentinel__:hello') {
    const hello = parseSentinelHello(message);
    return hello ? { ...event, master: hello.masterName, host: hello.ip, port: hello.port } : event;
  }
  if (channel === '+switch-master' && t.length >= 5) {
    const [master, host, port, toHost, toPort] = t;
    return compact({ ...event, master, host, port: num(port), toHost, toPort: num(toPort) });
  }
  if (t.length >= 4 && INSTANCE_TYPES.has(t[0]) && num(t[3]) !== undefined) {
    const [instanceType, instanceName, host, port] = t;
    const at = t.indexOf('@', 4);
    const master = instanceType === 'master' ? instanceName : at >= 0 ? t[at + 1] : undefined;
    return compact({ ...event, master, host, port: num(port), instanceType, instanceName });
  }
  return event;
}

/** `sentinel_ip,sentinel_port,sentinel_runid,current_epoch,master_name,master_ip,master_port,master_config_epoch`;
 * null when the payload is not in that shape. */
export function parseSentinelHello(message: string): SentinelHello | null {
  const p = message.trim().split(',');
  if (p.length < 8) return null;
  const [ip, portText, runId, epochText, masterName, masterIp, masterPortText, masterEpochText] = p;
  const port = num(portText);
  const masterPort = num(masterPortText);
  if (!ip || port === undefined || masterPort === undefined) return null;
  return {
    ip,
    port,
    runId,
    currentEpoch: num(epochText) ?? 0,
    masterName,
    masterIp,
    masterPort,
    masterConfigEpoch: num(masterEpochText) ?? 0,
  };
}
