// Keys read again from a source master (the value now, with its replication offset), over a bare connection to it
// opened when first needed: what a psync stream writes when a command cannot be replayed as it came.
import { RespConnection } from '../redis/resp.js';
import type { RespValue } from '../redis/resp-reader.js';
import type { TargetWriter, WriteOp } from './writer.js';

export interface SourceReadOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls?: import('node:tls').ConnectionOptions;
}

export class SourceReader {
  /** reads of keys again from the source (a bare connection to this master, opened when first needed) */
  private reader?: Promise<RespConnection>;

  constructor(
    private readonly o: SourceReadOptions,
    private readonly address: string,
    private readonly writer: Pick<TargetWriter, 'counts'>,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void,
  ) {}

  /** Closes the connection (opened again if a read follows). */
  close(): void {
    const reader = this.reader;
    this.reader = undefined;
    reader?.then((c) => c.close()).catch(() => undefined);
  }

  /** The source's bare connection for reads (opened once, again after it broke). */
  private async conn(): Promise<RespConnection> {
    const c = this.reader && (await this.reader.catch(() => undefined));
    if (c && !c.broken) return c;
    const o = this.o;
    this.reader = RespConnection.open({ host: o.host, port: o.port, username: o.username, password: o.password, tls: o.tls });
    return this.reader;
  }

  /**
   * A key's value now, read from this master in one transaction with its replication offset: the RESTORE (or DEL)
   * to write goes into op.cmds, the offset into op.reread.upTo. Never rejects: a failed read is counted as failed.
   */
  async readAgain(op: WriteOp): Promise<void> {
    const r = op.reread!;
    try {
      const conn = await this.conn();
      const p = conn.pipeline();
      p.call('SELECT', [r.db]);
      p.call('MULTI', []);
      p.call('DUMP', [r.key]);
      p.call('PTTL', [r.key]);
      p.call('INFO', ['replication']);
      p.call('EXEC', []);
      const replies = await p.exec();
      const bad = replies.find(([err]) => err);
      if (bad) throw bad[0];
      const inExec = (replies[5][1] as RespValue[]).find((v) => v instanceof Error);
      if (inExec) throw inExec;
      const [dump, pttl, info] = replies[5][1] as [Buffer | null, number, Buffer];
      const upTo = /master_repl_offset:(\d+)/.exec(String(info))?.[1];
      r.upTo = upTo === undefined ? undefined : Number(upTo);
      op.cmds = dump && pttl !== -2 ? [['RESTORE', r.key, pttl > 0 ? pttl : 0, dump, 'REPLACE']] : [['DEL', r.key]];
      op.keys = [r.key];
    } catch (err) {
      op.cmds = [];
      this.writer.counts.failed++;
      op.onFailed?.(`reading a key again from the source failed: ${(err as Error).message}`);
      this.log('error', `stream from ${this.address}: reading ${r.key.toString('utf8').slice(0, 60)} again from the source failed (${(err as Error).message}): the target's value may differ (a verification shows it)`);
    }
  }
}
