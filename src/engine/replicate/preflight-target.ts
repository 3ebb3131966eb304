// What will certainly fail, found before the first key is written instead of key by key: a user that may not run
// the commands the copy needs (ACL), and a target at maxmemory with noeviction. One line each (exit 2, nothing
// written); what only may go wrong (a dataset bigger than the target's headroom) is a warning.
// The checks change nothing: ACL DRYRUN where the user may run it (Redis 7.0+), otherwise the command itself with
// an argument the server refuses after its ACL check (RESTORE with a payload that is not one, SET … PX 0, a read).
import type { Cluster, Redis } from 'ioredis';
import { InputError } from '../../options/endpoint.js';
import { parseInfoSections } from '../topology/parse-info.js';
import type { Side } from './side.js';

export interface PreflightOptions {
  /** snapshot and live write to the target; compare (and a dry run) only read it */
  writes: boolean;
  type: 'dump' | 'struct';
}

/** A key to try the commands on (key patterns in ACLs matter): one the source holds, or a name of ours. */
async function sampleKey(source: Side): Promise<Buffer> {
  const k = (await source.readers[0].callBuffer('RANDOMKEY').catch(() => null)) as Buffer | null;
  return k ?? Buffer.from('cutover:preflight');
}

type Check = { command: string; args: Array<string | Buffer | number>; what: string };

/** The commands each side must accept, each with harmless arguments. */
function checksFor(side: 'source' | 'target', o: PreflightOptions, key: Buffer): Check[] {
  if (side === 'source' || !o.writes) {
    return [
      { command: 'DUMP', args: [key], what: 'read keys (DUMP)' },
      { command: 'SCAN', args: ['0', 'COUNT', '1'], what: 'scan keys (SCAN)' },
    ].slice(0, side === 'source' ? 2 : 1);
  }
  // RESTORE refuses a payload that is not one before touching the key; SET refuses PX 0 before writing
  if (o.type === 'dump') return [{ command: 'RESTORE', args: [key, 0, 'not a DUMP payload', 'REPLACE'], what: 'write keys (RESTORE)' }];
  return [{ command: 'SET', args: [key, 'x', 'PX', 0], what: 'write keys (SET, HSET, RPUSH, SADD, ZADD, XADD)' }];
}

/** The server's refusal of a command for this user, or undefined when it would run it. */
async function denied(client: Redis | Cluster, username: string | undefined, c: Check): Promise<string | undefined> {
  // ACL DRYRUN: the server's own verdict, when this user may ask (it is an admin command)
  const dry = await client.call('ACL', 'DRYRUN', username ?? 'default', c.command, ...c.args).then(
    (r) => String(r),
    () => undefined,
  );
  if (dry !== undefined) return dry === 'OK' ? undefined : dry;
  try {
    await client.call(c.command, ...c.args);
    return undefined;
  } catch (err) {
    const m = (err as Error).message;
    return /^NOPERM/.test(m) ? m : undefined;
  }
}

function memoryOf(info: string): { used: number; max: number; policy: string; dataset: number } {
  const m = parseInfoSections(info).memory ?? {};
  const used = Number(m.used_memory ?? 0);
  return { used, max: Number(m.maxmemory ?? 0), policy: m.maxmemory_policy ?? 'noeviction', dataset: Number(m.used_memory_dataset ?? used) };
}

function mb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/**
 * Refuses (InputError, one line) what cannot succeed; returns warnings for what may not fit. Run after the
 * refusals and before the first write.
 */
export async function preflightTarget(source: Side, target: Side, o: PreflightOptions): Promise<string[]> {
  const key = await sampleKey(source);
  for (const [name, side] of [
    ['source', source],
    ['target', target],
  ] as const) {
    const client = name === 'source' ? side.readers[0] : side.writer;
    for (const c of checksFor(name, o, key)) {
      const why = await denied(client, side.auth.username, c);
      if (why) {
        const user = side.auth.username ?? 'default';
        throw new InputError(`${name} ${side.label}: user '${user}' may not ${c.what}: ${why.replace(/\s+/g, ' ').trim()}: grant it (ACL SETUSER ${user} …) or connect as another user; nothing was written`);
      }
    }
  }
  if (!o.writes) return [];
  const warnings: string[] = [];
  const [from, to] = await Promise.all([
    Promise.all(source.readers.map((m) => m.info('memory').then(memoryOf))),
    Promise.all(target.masters.map((m) => m.info('memory').then(memoryOf))),
  ]);
  const dataset = from.reduce((n, m) => n + m.dataset, 0);
  let headroom = 0;
  for (const [i, m] of to.entries()) {
    if (!m.max) return warnings; // no limit on a master: nothing to say about the rest
    const free = m.max - m.used;
    const at = target.isCluster ? `master ${target.masters[i].options.host}:${target.masters[i].options.port} of ${target.label}` : target.label;
    if (free <= 0 && m.policy === 'noeviction') {
      throw new InputError(
        `target ${at} is full: used_memory ${mb(m.used)} of maxmemory ${mb(m.max)} with maxmemory-policy noeviction, so every write would fail with OOM: raise maxmemory or free memory there; nothing was written`,
      );
    }
    headroom += Math.max(0, free);
  }
  if (dataset > headroom) {
    const policy = to[0].policy;
    warnings.push(
      `the source's dataset (${mb(dataset)}) is larger than the target's free memory (${mb(headroom)} under maxmemory): ${policy === 'noeviction' ? 'writes may fail with OOM' : `keys may be evicted (maxmemory-policy ${policy})`} before the copy ends`,
    );
  }
  return warnings;
}
