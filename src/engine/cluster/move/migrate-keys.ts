// The keys of one or several slots (one source, one target), moved: CLUSTER GETKEYSINSLOT for a list of each slot,
// MEMORY USAGE for sizes, MIGRATE … KEYS in batches cut by bytes. Each round is three writes whatever the number of
// slots: the lists, the sizes, then every slot's MIGRATEs back to back with each slot's next list asked for in the same
// write (it runs the moment the MIGRATEs end: no round trip between them). A slot whose list comes back empty is done.
// BUSYKEY (a key already on the target) is compared (duplicates.ts): identical copies settled with MIGRATE REPLACE,
// different ones refused unless `replace`. Over a bare RESP connection; each MIGRATE journaled with its key count,
// never its keys' names nor the password. Memory: at most one list (bounds.keys names) a slot in hand.
import type { RespConnection } from '../../redis/resp.js';
import type { RespValue } from '../../redis/resp-reader.js';
import { bytesOf, takeBatch, type BatchBounds, type SizedKey } from './batches.js';
import { compareDuplicates, keyNames } from './duplicates.js';
import type { MigratePace } from './pace.js';
import type { DuplicateKeys } from './types.js';

export interface KeyMove {
  /** the slots whose keys move; one source, one target */
  slots: number[];
  source: RespConnection;
  /** opened only if a duplicate key has to be compared */
  target: () => Promise<RespConnection>;
  /** the target as the source reaches it */
  targetHost: string;
  targetPort: number;
  /** the login MIGRATE gives the target */
  username?: string;
  password?: string;
  bounds: BatchBounds;
  /** bounds the bytes of one write of MIGRATEs (--max-block); unset, only `bounds` */
  pace?: MigratePace;
  timeoutMs: number;
  replace: boolean;
  onBatch(slot: number, keys: number, bytes: number, ms: number): void;
  onDuplicates(d: DuplicateKeys): void;
  /** a MIGRATE sent: its argv with the keys left out (the caller redacts and journals it) */
  onCommand(slot: number, argv: string[], reply: unknown, error: string | undefined, ms: number): void;
  /** a slot has no key left on the source */
  onSlotEmpty?(slot: number): void;
}

/** A slot's keys could not move: which slot, and why. */
export class SlotKeysError extends Error {
  constructor(
    readonly slot: number,
    message: string,
  ) {
    super(message);
  }
}

/** A duplicate key with different values on both sides: the move stops (the slot stays open) unless replace. */
export class DuplicateKeysError extends SlotKeysError {}

function text(v: RespValue): string {
  return Buffer.isBuffer(v) ? v.toString() : String(v);
}

/** Moves every key of the slots; resolves with each slot's keys and bytes moved. */
export async function moveKeysInSlots(m: KeyMove): Promise<Map<number, { keys: number; bytes: number }>> {
  const listSize = m.bounds.keys;
  const moved = new Map(m.slots.map((s) => [s, { keys: 0, bytes: 0 }]));
  const head = (replace: boolean): string[] => [
    'MIGRATE',
    m.targetHost,
    String(m.targetPort),
    '',
    '0',
    String(m.timeoutMs),
    ...(replace ? ['REPLACE'] : []),
    ...(m.password ? (m.username ? ['AUTH2', m.username, m.password] : ['AUTH', m.password]) : []),
    'KEYS',
  ];
  const shown = (h: string[], n: number) => [...h, `(${n} key${n === 1 ? '' : 's'})`];

  // each slot's next list of key names
  let lists = new Map<number, Buffer[]>();
  {
    const p = m.source.pipeline();
    for (const s of m.slots) p.call('CLUSTER', ['GETKEYSINSLOT', s, listSize]);
    const replies = await p.exec();
    m.slots.forEach((s, i) => (lists.set(s, listReply(s, replies[i]))));
  }
  for (;;) {
    for (const [s, names] of lists) {
      if (names.length) continue;
      lists.delete(s);
      m.onSlotEmpty?.(s);
    }
    if (!lists.size) return moved;
    const sized = await sizes(m, lists);
    const h = head(false);
    const p = m.source.pipeline();
    const sent: Array<{ slot: number; batch: SizedKey[] }> = [];
    // the write's MIGRATEs run back to back on the source: their bytes together fit the pace's budget (the keys left
    // over are listed again next round)
    const budget = m.pace?.budget() ?? Infinity;
    const bounds = { keys: m.bounds.keys, bytes: Math.min(m.bounds.bytes, budget) };
    let roundBytes = 0;
    fill: for (const [slot, keys] of sized) {
      while (keys.length) {
        if (sent.length && roundBytes >= budget) break fill;
        const batch = takeBatch(keys, { keys: bounds.keys, bytes: Math.min(bounds.bytes, Math.max(1, budget - roundBytes)) });
        roundBytes += bytesOf(batch);
        sent.push({ slot, batch });
        p.call(h[0], [...h.slice(1), ...batch.map((k) => k.key)]);
      }
    }
    const slots = [...lists.keys()];
    for (const s of slots) p.call('CLUSTER', ['GETKEYSINSLOT', s, listSize]);
    const t0 = performance.now();
    const replies = await p.exec();
    const took = performance.now() - t0;
    m.pace?.observe(roundBytes, took);
    const each = took / Math.max(1, sent.length);
    for (let i = 0; i < sent.length; i++) {
      const { slot, batch } = sent[i];
      const [err, reply] = replies[i];
      m.onCommand(slot, shown(h, batch.length), err ? undefined : text(reply), err?.message, Math.round(each));
      if (err) {
        if (!/BUSYKEY/.test(err.message)) throw new SlotKeysError(slot, `MIGRATE of slot ${slot}: ${err.message}`);
        // the slot's next list (asked for in this write) may name keys settled now: they are gone, MEMORY USAGE says so
        await settleDuplicates(m, slot, batch.map((k) => k.key), head(true), shown);
      }
      const done = moved.get(slot)!;
      done.keys += batch.length;
      done.bytes += bytesOf(batch);
      m.onBatch(slot, batch.length, bytesOf(batch), each);
    }
    lists = new Map(slots.map((s, i) => [s, listReply(s, replies[sent.length + i])]));
  }
}

/** One slot's keys moved (`cluster fix` finishing a move): moveKeysInSlots with one slot. */
export async function moveKeysInSlot(m: Omit<KeyMove, 'slots' | 'onBatch' | 'onCommand'> & { slot: number; onBatch(keys: number, bytes: number, ms: number): void; onCommand(argv: string[], reply: unknown, error: string | undefined, ms: number): void }): Promise<{ keys: number; bytes: number }> {
  const moved = await moveKeysInSlots({
    ...m,
    slots: [m.slot],
    onBatch: (_slot, keys, bytes, ms) => m.onBatch(keys, bytes, ms),
    onCommand: (_slot, argv, reply, error, ms) => m.onCommand(argv, reply, error, ms),
  });
  return moved.get(m.slot)!;
}

function listReply(slot: number, [err, v]: [Error | null, RespValue]): Buffer[] {
  if (err) throw new SlotKeysError(slot, `CLUSTER GETKEYSINSLOT ${slot}: ${err.message}`);
  return v as Buffer[];
}

/** MEMORY USAGE of every listed key, one write; a key gone meanwhile (null) is dropped. */
async function sizes(m: KeyMove, lists: Map<number, Buffer[]>): Promise<Map<number, SizedKey[]>> {
  const p = m.source.pipeline();
  for (const names of lists.values()) for (const k of names) p.call('MEMORY', ['USAGE', k]);
  const replies = await p.exec();
  const out = new Map<number, SizedKey[]>();
  let i = 0;
  for (const [slot, names] of lists) {
    const keys: SizedKey[] = [];
    for (const key of names) {
      const [err, v] = replies[i++];
      // null, or ASK (the slot is migrating and the key is no longer here): gone meanwhile
      if (err && !/^ASK /.test(err.message)) throw new SlotKeysError(slot, `MEMORY USAGE: ${err.message}`);
      if (!err && typeof v === 'number') keys.push({ key, bytes: v });
    }
    out.set(slot, keys);
  }
  return out;
}

/** After BUSYKEY: the keys of the batch still on the source, compared with the target's copies, then moved with REPLACE. */
async function settleDuplicates(m: KeyMove, slot: number, batch: Buffer[], headReplace: string[], shown: (h: string[], n: number) => string[]): Promise<void> {
  const target = await m.target();
  const cmp = await compareDuplicates(batch, m.source, target);
  const d: DuplicateKeys = { slot, identical: keyNames(cmp.identical, 100), different: keyNames(cmp.different, 100), replaced: cmp.different.length > 0 && m.replace };
  m.onDuplicates(d);
  if (cmp.different.length && !m.replace) {
    const n = cmp.different.length;
    throw new DuplicateKeysError(
      slot,
      `${n} key${n === 1 ? '' : 's'} on both the source and the target with different values (${keyNames(cmp.different, 5).join(', ')}); ` +
        'keep the right copy by hand and run the move again, or move with replace to overwrite the target\'s copy',
    );
  }
  const rest = [...cmp.identical, ...cmp.different, ...cmp.sourceOnly];
  if (!rest.length) return;
  const p = m.source.pipeline();
  p.call(headReplace[0], [...headReplace.slice(1), ...rest]);
  const t0 = performance.now();
  const [[err, reply]] = await p.exec();
  m.onCommand(slot, shown(headReplace, rest.length), err ? undefined : text(reply), err?.message, Math.round(performance.now() - t0));
  if (err) throw new SlotKeysError(slot, `MIGRATE REPLACE of slot ${slot}: ${err.message}`);
}
