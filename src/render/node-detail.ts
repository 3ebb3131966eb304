// Everything known about one node, as labelled lines: its INFO replication and its cluster or Sentinel facts. Pure.
import { countSlots, parseSlotMigration } from '../engine/topology/parse-cluster-nodes.js';
import type { NodeState } from '../engine/topology/types.js';
import { slotRanges } from './format.js';
import { count } from '../format/counts.js';
import { clock, seconds } from '../format/durations.js';
import { bytes, rate } from '../format/units.js';
import { downFor, nodeName } from './node-text.js';

export type DetailLine = [label: string, value: string];

export function nodeDetail(n: NodeState, now: number): DetailLine[] {
  const out: DetailLine[] = [['node', nodeName(n)]];
  if (n.status === 'down' && n.authFailed) {
    out.push(['status', 'authentication failed: it answers, but refuses the user and password cutover gives it (its own requirepass or ACL?)']);
    out.push(['error', n.lastError ?? 'authentication failed']);
    if (n.role !== 'unknown') out.push(['last role', n.role]);
    return out;
  }
  if (n.status === 'down') {
    out.push(['status', n.server ? `DOWN since ${n.downSince ? clock(n.downSince) : '?'} (${downFor(n, now)})` : 'DOWN: has not answered since cutover started']);
    out.push(['error', n.lastError ?? 'no answer']);
    if (n.role !== 'unknown') out.push(['last role', n.role]);
    return out;
  }
  if (n.status === 'pending') return [...out, ['status', 'waiting for the first poll']];
  const s = n.server;
  out.push(['role', n.role + (s?.redisMode && s.redisMode !== 'standalone' ? ` (${s.redisMode} mode)` : '')]);
  if (n.conflict) out.push(['CONFLICT', `says it is a master, but the Sentinels' master is ${n.conflict}`]);
  // what matters in a migration window first: link, lag, sync; then the rest
  const r = n.replication;
  if (r?.role === 'replica') {
    out.push(['master', `${n.masterId ?? '?'} · link ${r.linkStatus ?? '?'}${r.linkDownSinceSeconds && r.linkDownSinceSeconds > 0 ? ` (down ${seconds(r.linkDownSinceSeconds)})` : ''} · last io ${r.lastIoSecondsAgo !== undefined && r.lastIoSecondsAgo >= 0 ? seconds(r.lastIoSecondsAgo) + ' ago' : 'never'}`]);
    out.push(['lag', n.lagBytes === undefined ? '?' : `${bytes(n.lagBytes)} · ${seconds(n.lagSeconds)} behind${r.syncInProgress ? ' · SYNC IN PROGRESS' : ''}`]);
  }
  if (r) out.push(['offset', `${n.offset ?? '?'} · ${rate(n.offsetRate)} · repl id ${r.masterReplId ?? '?'}`]);
  if (r?.role === 'replica') out.push(['priority', `${r.replicaPriority ?? '?'}${r.replicaReadOnly === false ? ' · writable' : ' · read-only'}`]);
  if (r) {
    out.push(['replicas', `${r.connectedReplicas}`]);
    for (const rep of r.replicas) {
      const what = rep.port === 0 ? `${rep.host} cutover live stream (not a replica)` : `${rep.host}:${rep.port}`;
      out.push(['', `${what} ${rep.state} offset ${rep.offset} ack ${rep.lag}s ago`]);
    }
  }
  if (n.role !== 'sentinel') {
    const dbs = Object.entries(s?.keyspace ?? {}).map(([db, k]) => `db${db}=${k.keys}${k.expires ? ` (${k.expires} ttl)` : ''}`);
    out.push(['keys', `${count(n.keys)}${dbs.length ? ` · ${dbs.join(' ')}` : ''}`]);
  }
  out.push(['clients', `${count(n.connectedClients)} · memory ${s?.usedMemoryHuman ?? bytes(n.usedMemory)}${s?.maxmemory ? ` of ${bytes(s.maxmemory)}` : ''}`]);
  out.push(['version', `${s?.redisVersion ?? '?'} · up ${seconds(s?.uptimeSeconds)} · poll ${n.pollMs ?? '?'}ms`]);
  const c = n.cluster;
  if (c) {
    out.push(['cluster', `state ${c.state ?? '?'} · ${c.knownNodes ?? '?'} nodes · ${c.slotsAssigned ?? '?'} slots assigned · epoch ${c.currentEpoch ?? '?'}`]);
    out.push(['peers see', `${c.peerFailing ? c.peerFailing.toUpperCase() : 'ok'}${c.peersLinkDown ? ` · ${c.peersLinkDown} with the link down` : ''}`]);
    if (c.self) {
      out.push(['id', c.self.id]);
      out.push(['flags', `${c.self.flags.join(',')} · config epoch ${c.self.configEpoch} · link ${c.self.linkState}`]);
      if (c.self.masterId) out.push(['master id', c.self.masterId]);
      if (c.self.slots.length) out.push(['slots', `${slotRanges(c.self.slots)} (${countSlots(c.self.slots)})`]);
      for (const marker of c.self.slotMigrations) {
        const m = parseSlotMigration(marker);
        out.push([m?.state ?? 'slot', m ? `slot ${m.slot} ${m.state === 'migrating' ? 'to' : 'from'} ${m.nodeId}` : marker]);
      }
    }
  }
  for (const m of n.sentinel?.masters ?? []) {
    out.push(['monitors', `${m.name} at ${m.host}:${m.port} · ${m.flags.join(',')}`]);
    out.push(['', `quorum ${m.quorum} · ${m.numReplicas} replicas · ${m.numOtherSentinels + 1} sentinels · down-after ${m.downAfterMs ?? '?'}ms`]);
    out.push(['', `config epoch ${m.configEpoch ?? '?'}${m.failoverState && m.failoverState !== 'none' ? ` · FAILOVER ${m.failoverState}` : ''}`]);
  }
  return out;
}
