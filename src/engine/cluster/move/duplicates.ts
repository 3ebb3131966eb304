// Keys found on both sides of a MIGRATE (BUSYKEY: an earlier move was interrupted between RESTORE and DEL):
// compared, never overwritten blindly. DUMP on both sides first (the target's copy read with ASKING: the slot is
// importing there); copies whose DUMP differs are asked again with DEBUG DIGEST-VALUE, as redis-cli does, which does
// not depend on the encoding (a listpack and a hashtable of the same hash are equal). A server that refuses DEBUG
// leaves the DUMP verdict. Knows nothing of terminals.
import type { RespConnection } from '../../redis/resp.js';
import { printable } from '../../replicate/struct-equals.js';

export interface Comparison {
  /** keys still on the source whose target copy is equal */
  identical: Buffer[];
  /** keys still on the source whose target copy differs */
  different: Buffer[];
  /** keys still on the source, none on the target (MIGRATE moves them as usual) */
  sourceOnly: Buffer[];
}

function same(a: unknown, b: unknown): boolean {
  return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
}

/** Compares the keys of a batch that are still on the source with the target's copies. */
export async function compareDuplicates(keys: Buffer[], source: RespConnection, target: RespConnection): Promise<Comparison> {
  const out: Comparison = { identical: [], different: [], sourceOnly: [] };
  const sp = source.pipeline();
  for (const k of keys) sp.call('DUMP', [k]);
  const tp = target.pipeline();
  for (const k of keys) {
    tp.call('ASKING', []);
    tp.call('DUMP', [k]);
  }
  const [sDumps, tReplies] = await Promise.all([sp.exec(), tp.exec()]);
  const suspects: Buffer[] = [];
  keys.forEach((k, i) => {
    const [sErr, s] = sDumps[i];
    const [tErr, t] = tReplies[2 * i + 1];
    // ASK: not on the source any more (the slot is migrating: a missing key is redirected), moved by this MIGRATE
    if (sErr && /^ASK /.test(sErr.message)) return;
    if (sErr) throw new Error(`DUMP on the source: ${sErr.message}`);
    if (tErr) throw new Error(`DUMP on the target: ${tErr.message}`);
    if (s === null) return; // moved meanwhile
    if (t === null) out.sourceOnly.push(k);
    else if (same(s, t)) out.identical.push(k);
    else suspects.push(k);
  });
  if (suspects.length) {
    const digest = async (conn: RespConnection) => {
      const p = conn.pipeline();
      p.call('DEBUG', ['DIGEST-VALUE', ...suspects]);
      const [[err, v]] = await p.exec();
      return err || !Array.isArray(v) ? undefined : v;
    };
    const [sd, td] = await Promise.all([digest(source), digest(target)]);
    suspects.forEach((k, i) => {
      if (sd && td && same(sd[i], td[i])) out.identical.push(k);
      else out.different.push(k);
    });
  }
  return out;
}

/** Key names as an operator reads them (binary bytes as \xNN). */
export function keyNames(keys: Buffer[], max = 10): string[] {
  const shown = keys.slice(0, max).map((k) => printable(k, 200));
  return keys.length > max ? [...shown, `… and ${keys.length - max} more`] : shown;
}
