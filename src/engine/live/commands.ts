// What a command of the replication stream is, for the writer: which keys it touches (filters, cluster routing),
// and whether it is one the writer handles itself (SELECT, MULTI/EXEC, FLUSH*) or never forwards. Pure.
import { createRequire } from 'node:module';
import { getKeyIndexes } from '@ioredis/commands';

const calculateSlot = createRequire(import.meta.url)('cluster-key-slot') as (key: string | Buffer) => number;

export type StreamCommand =
  | { kind: 'select'; db: number }
  | { kind: 'multi' }
  | { kind: 'exec' }
  | { kind: 'flush'; all: boolean; args: Buffer[] }
  /** never forwarded: pub/sub traffic and anything replication-internal */
  | { kind: 'internal'; name: string }
  /** touches no key but the server (FUNCTION …, SWAPDB, SCRIPT …) */
  | { kind: 'keyless'; name: string; args: Buffer[] }
  | { kind: 'keyed'; name: string; args: Buffer[]; keys: Buffer[] };

/** Published messages reach replicas through the stream; a target's subscribers must not get them twice. */
const INTERNAL = new Set(['publish', 'spublish', 'replconf', 'ping']);
/** Commands whose key positions @ioredis/commands cannot tell (container commands): key index in args. */
const KEY_AT: Record<string, number> = { xgroup: 1 };

export function classify(args: Buffer[]): StreamCommand {
  const name = args[0]?.toString('latin1').toLowerCase() ?? '';
  switch (name) {
    case 'select':
      return { kind: 'select', db: Number(args[1]?.toString('latin1')) };
    case 'multi':
      return { kind: 'multi' };
    case 'exec':
      return { kind: 'exec' };
    case 'flushall':
    case 'flushdb':
      return { kind: 'flush', all: name === 'flushall', args };
  }
  if (INTERNAL.has(name)) return { kind: 'internal', name };
  // a key being migrated between cluster nodes arrives as RESTORE-ASKING on the node taking it
  const forward = name === 'restore-asking' ? [Buffer.from('RESTORE'), ...args.slice(1)] : args;
  const rest = args.slice(1);
  let idx: number[];
  if (KEY_AT[name] !== undefined) idx = rest.length > KEY_AT[name] ? [KEY_AT[name]] : [];
  else {
    try {
      idx = getKeyIndexes(name, rest);
    } catch {
      idx = []; // a module's command: forwarded whole, routed like a keyless one
    }
  }
  if (!idx.length) return { kind: 'keyless', name, args: forward };
  return { kind: 'keyed', name, args: forward, keys: idx.map((i) => rest[i]) };
}

/** Commands that are one independent write per key, so a multi-key one can be split by key (filters, cluster slots). */
const SPLITTABLE: Record<string, number> = { del: 1, unlink: 1, touch: 1, mset: 2, msetnx: 0 };

/**
 * The command as one command per key group: for DEL/UNLINK/TOUCH/MSET, one per key (MSETNX is all-or-nothing:
 * never split, 0 above). Undefined when it cannot be split.
 */
export function splitByKey(c: Extract<StreamCommand, { kind: 'keyed' }>): Array<Extract<StreamCommand, { kind: 'keyed' }>> | undefined {
  const step = SPLITTABLE[c.name];
  if (!step) return undefined;
  const rest = c.args.slice(1);
  const out: Array<Extract<StreamCommand, { kind: 'keyed' }>> = [];
  for (let i = 0; i + step - 1 < rest.length; i += step) {
    out.push({ kind: 'keyed', name: c.name, args: [c.args[0], ...rest.slice(i, i + step)], keys: [rest[i]] });
  }
  return out;
}

export function slotOf(key: Buffer): number {
  return calculateSlot(key);
}

/** Do all keys hash to one slot? (a cluster target refuses the command otherwise) */
export function oneSlot(keys: Buffer[]): boolean {
  if (keys.length < 2) return true;
  const s = calculateSlot(keys[0]);
  return keys.every((k) => calculateSlot(k) === s);
}
