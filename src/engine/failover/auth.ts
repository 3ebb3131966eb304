// The passwords that decide whether a node can follow another: its own requirepass, and the masterauth
// (and masteruser) it gives the master it replicates from. Read with CONFIG GET, remembered so they are
// redacted everywhere, and turned into the CONFIG SET a follower needs before it is repointed.
import { remember } from '../../options/redact.js';
import type { NodePool } from './pool.js';
import type { CommandStep, NodeId } from './types.js';

export interface NodeAuth {
  requirepass: string;
  masterauth: string;
  masteruser: string;
}

/** undefined when CONFIG GET is refused (renamed, or not allowed to this user). */
export async function readAuth(pool: NodePool, id: NodeId): Promise<NodeAuth | undefined> {
  try {
    const [a, b] = (await Promise.all([pool.call(id, ['CONFIG', 'GET', 'requirepass']), pool.call(id, ['CONFIG', 'GET', 'master*'])])) as [string[], string[]];
    const rec: Record<string, string> = {};
    for (const r of [a, b]) for (let i = 0; i + 1 < r.length; i += 2) rec[String(r[i])] = String(r[i + 1]);
    remember(rec.requirepass);
    remember(rec.masterauth);
    return { requirepass: rec.requirepass ?? '', masterauth: rec.masterauth ?? '', masteruser: rec.masteruser ?? '' };
  } catch {
    return undefined;
  }
}

/**
 * Before `follower` is made a replica of a master that asks for `password`: CONFIG SET masterauth, unless
 * it already gives that one. A follower whose settings could not be read gets it too (harmless when equal).
 */
export function masterauthStep(follower: NodeId, followerAuth: NodeAuth | undefined, password: string | undefined, masterLabel: string): CommandStep | undefined {
  if (!password) return undefined;
  // an ACL user (masteruser) authenticates with its own password: left to the operator
  if (followerAuth && (followerAuth.masterauth === password || followerAuth.masteruser)) return undefined;
  return {
    kind: 'command',
    id: `masterauth:${follower}`,
    node: follower,
    argv: ['CONFIG', 'SET', 'masterauth', password],
    why: `${masterLabel} asks for a password: ${follower} gives it when it replicates`,
    changesRole: false,
    check: (r) => (String(r) === 'OK' ? undefined : `unexpected reply: ${String(r)}`),
  };
}
