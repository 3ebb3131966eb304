// The keys of one slot, moved from source to target: CLUSTER GETKEYSINSLOT for a list, MEMORY USAGE for sizes,
// MIGRATE … KEYS in batches cut by bytes. When a batch empties the list, the next list is asked for in the same
// write as the MIGRATE (it runs the moment the MIGRATE ends: no round trip between them). BUSYKEY (a key already
// on the target) is compared (duplicates.ts): identical copies settled with MIGRATE REPLACE, different ones
// refused unless `replace`. Over a bare RESP connection; each MIGRATE journaled with its key count, never its keys'
// names nor the password.
import type { RespConnection } from '../../redis/resp.js';
import type { RespValue } from '../../redis/resp-reader.js';
import { bytesOf, takeBatch, type BatchBounds, type SizedKey } from './batches.js';
import { compareDuplicates, keyNames } from './duplicates.js';
import type { DuplicateKeys } from './types.js';

export interface KeyMove {
  slot: number;
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
  timeoutMs: number;
  replace: boolean;
  onBatch(keys: number, bytes: number, ms: number): void;
  onDuplicates(d: DuplicateKeys): void;
  /** a MIGRATE sent: its argv with the keys left out (the caller redacts and journals it) */
  onCommand(argv: string[], reply: unknown, error: string | undefined, ms: number): void;
}

/** A duplicate key with different values on both sides: the move stops (the slot stays open) unless replace. */
export class DuplicateKeysError extends Error {}

function text(v: RespValue): string {
  return Buffer.isBuffer(v) ? v.toString() : String(v);
}

export async function moveKeysInSlot(m: KeyMove): Promise<{ keys: number; bytes: number }> {
  const listSize = m.bounds.keys;
  let keys = 0;
  let bytes = 0;

  const list = async (): Promise<Buffer[]> => {
    const p = m.source.pipeline();
    p.call('CLUSTER', ['GETKEYSINSLOT', m.slot, listSize]);
    const [[err, v]] = await p.exec();
    if (err) throw new Error(`CLUSTER GETKEYSINSLOT ${m.slot}: ${err.message}`);
    return v as Buffer[];
  };
  const sized = async (names: Buffer[]): Promise<SizedKey[]> => {
    if (!names.length) return [];
    const p = m.source.pipeline();
    for (const k of names) p.call('MEMORY', ['USAGE', k]);
    const replies = await p.exec();
    const out: SizedKey[] = [];
    names.forEach((key, i) => {
      const [err, v] = replies[i];
      if (err) throw new Error(`MEMORY USAGE: ${err.message}`);
      if (typeof v === 'number') out.push({ key, bytes: v }); // null: gone meanwhile
    });
    return out;
  };
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

  let pending = await sized(await list());
  let empty = false;
  while (pending.length) {
    const batch = takeBatch(pending, m.bounds);
    const prefetch = pending.length === 0;
    const h = head(false);
    const p = m.source.pipeline();
    p.call(h[0], [...h.slice(1), ...batch.map((k) => k.key)]);
    if (prefetch) p.call('CLUSTER', ['GETKEYSINSLOT', m.slot, listSize]);
    const t0 = performance.now();
    const replies = await p.exec();
    const ms = performance.now() - t0;
    const [err, reply] = replies[0];
    m.onCommand(shown(h, batch.length), err ? undefined : text(reply), err?.message, Math.round(ms));
    if (err) {
      if (!/BUSYKEY/.test(err.message)) throw new Error(`MIGRATE of slot ${m.slot}: ${err.message}`);
      await settleDuplicates(m, batch.map((k) => k.key), head(true), shown);
      pending = []; // the prefetched list was taken before the duplicates moved: ask again
    } else if (prefetch) {
      const [lerr, next] = replies[1];
      if (lerr) throw new Error(`CLUSTER GETKEYSINSLOT ${m.slot}: ${lerr.message}`);
      if (!(next as Buffer[]).length) empty = true; // the slot is empty: no need to ask again
      pending = await sized(next as Buffer[]);
    }
    keys += batch.length;
    bytes += bytesOf(batch);
    m.onBatch(batch.length, bytesOf(batch), ms);
    if (!pending.length && !empty) pending = await sized(await list());
  }
  return { keys, bytes };
}

/** After BUSYKEY: the keys of the batch still on the source, compared with the target's copies, then moved with REPLACE. */
async function settleDuplicates(m: KeyMove, batch: Buffer[], headReplace: string[], shown: (h: string[], n: number) => string[]): Promise<void> {
  const target = await m.target();
  const cmp = await compareDuplicates(batch, m.source, target);
  const d: DuplicateKeys = { slot: m.slot, identical: keyNames(cmp.identical, 100), different: keyNames(cmp.different, 100), replaced: cmp.different.length > 0 && m.replace };
  m.onDuplicates(d);
  if (cmp.different.length && !m.replace) {
    const n = cmp.different.length;
    throw new DuplicateKeysError(
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
  m.onCommand(shown(headReplace, rest.length), err ? undefined : text(reply), err?.message, Math.round(performance.now() - t0));
  if (err) throw new Error(`MIGRATE REPLACE of slot ${m.slot}: ${err.message}`);
}
