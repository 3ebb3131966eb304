// After a key was read again from the source, the commands on it from the same stream that the value read already
// holds are left out (one lane's memory of them: stream → "db:key" → [offset of the re-read, offset the value holds]).
import type { WriteOp, WriterCounts, WriterHooks } from './write-op.js';

export class RereadSkips {
  /** after a re-read: stream → "db:key" → [offset of the re-read, offset the value read holds] */
  private skips = new Map<string, Map<string, [number, number]>>();
  private warnedTwice = false;

  constructor(private readonly w: { readonly hooks: WriterHooks; readonly counts: WriterCounts }) {}

  clear(): void {
    this.skips.clear();
  }

  /** A re-read's value is in: commands on its key up to the offset read are not sent again. */
  note(op: WriteOp): void {
    const r = op.reread;
    if (!op.stream || op.streamOffset === undefined || r?.upTo === undefined || r.upTo <= op.streamOffset) return;
    let m = this.skips.get(op.stream);
    if (!m) this.skips.set(op.stream, (m = new Map()));
    m.set(`${op.db}:${r.key.toString('latin1')}`, [op.streamOffset, r.upTo]);
  }

  /** Leaves out the commands a re-read value already holds (see note). */
  skip(op: WriteOp): void {
    const m = op.stream !== undefined ? this.skips.get(op.stream) : undefined;
    const at = op.streamOffset;
    if (!m || at === undefined || op.reread) return;
    for (const [id, [, upTo]] of m) if (upTo < at) m.delete(id);
    if (!m.size) return void this.skips.delete(op.stream!);
    const keep: number[] = [];
    op.cmds.forEach((_c, i) => {
      const keys = op.touched?.[i] ?? (op.keys[i] ? [op.keys[i]!] : []);
      const hit = keys.map((k) => m.get(`${op.db}:${k.toString('latin1')}`)).some((w) => w && w[0] < at && at <= w[1]);
      if (hit && keys.length === 1) return; // already in the value read
      if (hit && !this.warnedTwice) {
        this.warnedTwice = true;
        this.w.hooks.log('warn', `a command on several keys, one of them just read again from the source, is applied after the value read already holds it (a verification shows it if that matters)`);
      }
      keep.push(i);
    });
    if (keep.length === op.cmds.length) return;
    this.w.counts.skipped += op.cmds.length - keep.length;
    op.cmds = keep.map((i) => op.cmds[i]);
    op.keys = keep.map((i) => op.keys[i]);
    if (op.touched) op.touched = keep.map((i) => op.touched![i]);
  }
}
