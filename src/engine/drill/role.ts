// ROLE replies, and which of several nodes is the master now. Pure.
import { nodeId } from '../../options/endpoint.js';

export type RoleReply =
  | { role: 'master'; offset: number; replicas: string[] }
  | { role: 'replica'; master: string; state: string; offset: number }
  | { role: 'sentinel' }
  | { role: 'unknown' };

/** Parses a ROLE reply (RESP2 arrays as ioredis returns them). */
export function parseRole(reply: unknown): RoleReply {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string') return { role: 'unknown' };
  const kind = reply[0];
  if (kind === 'master') {
    const replicas = Array.isArray(reply[2])
      ? (reply[2] as unknown[]).flatMap((r) => (Array.isArray(r) && r.length >= 2 ? [nodeId(String(r[0]), Number(r[1]))] : []))
      : [];
    return { role: 'master', offset: Number(reply[1]) || 0, replicas };
  }
  if (kind === 'slave' || kind === 'replica') {
    return { role: 'replica', master: nodeId(String(reply[1]), Number(reply[2])), state: String(reply[3] ?? ''), offset: Number(reply[4]) || 0 };
  }
  if (kind === 'sentinel') return { role: 'sentinel' };
  return { role: 'unknown' };
}

/**
 * The master among the nodes that answered ROLE: of those that say master, the one most replicas follow
 * (connected), then the one furthest ahead; an old master back empty after an unplanned failover has no
 * followers and offset 0, so it loses to the promoted one. Undefined when no node says master.
 */
export function pickMaster(roles: Map<string, RoleReply>): string | undefined {
  const votes = new Map<string, number>();
  for (const r of roles.values()) if (r.role === 'replica' && r.state === 'connected') votes.set(r.master, (votes.get(r.master) ?? 0) + 1);
  let best: { id: string; votes: number; offset: number } | undefined;
  for (const [id, r] of roles) {
    if (r.role !== 'master') continue;
    const c = { id, votes: votes.get(id) ?? 0, offset: r.offset };
    if (!best || c.votes > best.votes || (c.votes === best.votes && c.offset > best.offset)) best = c;
  }
  return best?.id;
}
