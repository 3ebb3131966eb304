// What a command of the replication stream is, for the writer: which keys it touches (filters, cluster routing),
// and whether it is one the writer handles itself (SELECT, MULTI/EXEC, FLUSH*) or never forwards. Pure.
import { getKeyIndexes } from '@ioredis/commands';
import { calculateSlot } from '../redis/slot.js';

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
  const keys = idx.map((i) => rest[i]);
  // SORT … STORE dst: @ioredis/commands finds dst in strings only, not in Buffers
  if (name === 'sort') {
    const dst = storeTarget(args);
    if (dst && !keys.includes(dst)) keys.push(dst);
  }
  return { kind: 'keyed', name, args: forward, keys };
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

type Keyed = Extract<StreamCommand, { kind: 'keyed' }>;

/**
 * What a multi-key command does to one key, for when it cannot be sent whole (some of its keys are left out by the
 * key filters, or they hash to several slots of a cluster target): a command on that key alone with the same
 * effect, or `reread` when the key's new value comes from other keys and only the source can say what it is.
 */
export type Effect = { kind: 'cmd'; args: Buffer[]; key: Buffer } | { kind: 'reread'; key: Buffer; db?: number };

/** Destination first, then its sources: the destination is the only key written. */
const STORE_FIRST = new Set(['sunionstore', 'sinterstore', 'sdiffstore', 'zunionstore', 'zinterstore', 'zdiffstore', 'zrangestore', 'geosearchstore', 'pfmerge', 'bitop']);

const b = (s: string) => Buffer.from(s);

/** The argument after the last STORE/STOREDIST (SORT, GEORADIUS…): the key written. */
function storeTarget(args: Buffer[]): Buffer | undefined {
  for (let i = args.length - 2; i > 0; i--) {
    const w = args[i].toString('latin1').toLowerCase();
    if (w === 'store' || w === 'storedist') return args[i + 1];
  }
  return undefined;
}

/** COPY's `DB n` (undefined: the current db). */
export function copyDb(args: Buffer[]): number | undefined {
  for (let i = 3; i < args.length - 1; i++) if (args[i].toString('latin1').toLowerCase() === 'db') return Number(args[i + 1].toString('latin1'));
  return undefined;
}

/**
 * The command's effects on the keys `keep` says yes to, one key each. Exact where the command says what it does to
 * a key (RENAME's source is deleted, LMOVE's source popped, SMOVE's member removed and added, MSETNX's values set);
 * `reread` where a kept key's value comes from other keys (RENAME's, COPY's, LMOVE's destination, a *STORE's).
 * Keys only read are left alone. An unknown command: every kept key is read again.
 */
export function effects(c: Keyed, keep: (key: Buffer) => boolean): Effect[] {
  const a = c.args;
  const out: Effect[] = [];
  const cmd = (name: string, key: Buffer, ...rest: Buffer[]) => {
    if (keep(key)) out.push({ kind: 'cmd', args: [b(name), key, ...rest], key });
  };
  const reread = (key: Buffer | undefined, db?: number) => {
    if (key && keep(key)) out.push({ kind: 'reread', key, db });
  };
  switch (c.name) {
    case 'rename':
    case 'renamenx':
      cmd('DEL', a[1]);
      reread(a[2]);
      return out;
    case 'copy':
      reread(a[2], copyDb(a));
      return out;
    case 'lmove':
    case 'blmove':
      cmd(a[3]?.toString('latin1').toLowerCase() === 'right' ? 'RPOP' : 'LPOP', a[1]);
      reread(a[2]);
      return out;
    case 'rpoplpush':
    case 'brpoplpush':
      cmd('RPOP', a[1]);
      reread(a[2]);
      return out;
    case 'smove':
      cmd('SREM', a[1], a[3]);
      cmd('SADD', a[2], a[3]);
      return out;
    case 'msetnx':
      // replicated only when it set every key: each SET is what it did
      for (let i = 1; i + 1 < a.length; i += 2) cmd('SET', a[i], a[i + 1]);
      return out;
    case 'sort':
    case 'georadius':
    case 'georadiusbymember':
      reread(storeTarget(a));
      return out;
  }
  if (STORE_FIRST.has(c.name)) {
    reread(c.name === 'bitop' ? a[2] : a[1]);
    return out;
  }
  for (const k of new Set(c.keys.map((k) => k.toString('latin1')))) reread(Buffer.from(k, 'latin1'));
  return out;
}
