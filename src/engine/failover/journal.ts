// The journal: one JSON line per thing a procedure does (time, node, command, reply), appended as it
// happens so a crash leaves everything up to it on disk. Commands and replies arrive redacted; every
// line is scrubbed once more (redact) before it is written. Never a password.
import { closeSync, existsSync, mkdirSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../../options/endpoint.js';
import { redact } from '../../options/redact.js';

export interface JournalEntry {
  /** ISO time */
  time: string;
  event: 'start' | 'plan' | 'confirm' | 'command' | 'wait' | 'skip' | 'note' | 'state' | 'end';
  procedure?: string;
  step?: string;
  /** host:port */
  node?: string;
  /** the command, passwords replaced by *** */
  command?: string[];
  reply?: unknown;
  error?: string;
  ms?: number;
  [more: string]: unknown;
}

export interface Journal {
  readonly path?: string;
  /** false when nothing reached the file (a refused plan leaves none) */
  readonly written?: boolean;
  write(entry: Omit<JournalEntry, 'time'> & { time?: string }): void;
  /** several entries at once (the replies of one pipelined write): one write to the file where it can */
  writeAll?(entries: Array<Omit<JournalEntry, 'time'> & { time?: string }>): void;
  close(): void;
}

/**
 * Appends to a file, created private (0600) when new. The file is checked at once (a bad path is bad
 * input) but written only once the operator has been asked: a plan refused by its checks leaves no file.
 */
export class FileJournal implements Journal {
  private fd = -1;
  private pending: string[] = [];
  private closed = false;
  /** the file did not exist before: removed again if nothing is written to it */
  private created: boolean;

  constructor(readonly path: string) {
    this.created = !existsSync(path);
    try {
      mkdirSync(dirname(path), { recursive: true });
      closeSync(openSync(path, 'a', 0o600));
    } catch (err) {
      throw new InputError(`cannot write the journal '${path}': ${(err as NodeJS.ErrnoException).code ?? String(err)}; give --journal a writable path`);
    }
  }

  write(entry: Omit<JournalEntry, 'time'> & { time?: string }): void {
    if (this.closed) return;
    const line = redact(JSON.stringify({ time: entry.time ?? new Date().toISOString(), ...entry }));
    if (this.fd < 0 && (entry.event === 'start' || entry.event === 'plan' || (entry.event === 'end' && this.pending.length))) {
      if (entry.event === 'end') return this.discard();
      this.pending.push(line);
      return;
    }
    if (this.fd < 0) {
      this.fd = openSync(this.path, 'a', 0o600);
      for (const p of this.pending.splice(0)) writeSync(this.fd, p + '\n');
    }
    writeSync(this.fd, line + '\n');
  }

  writeAll(entries: Array<Omit<JournalEntry, 'time'> & { time?: string }>): void {
    if (this.closed || this.fd < 0 || entries.length < 2) {
      for (const e of entries) this.write(e);
      return;
    }
    const time = new Date().toISOString();
    writeSync(this.fd, entries.map((entry) => redact(JSON.stringify({ time: entry.time ?? time, ...entry })) + '\n').join(''));
  }

  /** Nothing happened worth a journal (the plan was refused before anyone was asked). */
  private discard(): void {
    this.pending = [];
    this.closed = true;
    try {
      if (this.created && statSync(this.path).size === 0) unlinkSync(this.path);
    } catch {
      /* gone already */
    }
  }

  /** whether anything was written */
  get written(): boolean {
    return this.fd >= 0;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    else if (!this.closed) this.discard();
    this.fd = -1;
    this.closed = true;
  }
}

/** Keeps the entries in memory (the console, tests); bounded. */
export class MemoryJournal implements Journal {
  readonly entries: JournalEntry[] = [];
  readonly path = undefined;

  constructor(private readonly max = 10_000) {}

  write(entry: Omit<JournalEntry, 'time'> & { time?: string }): void {
    this.entries.push(JSON.parse(redact(JSON.stringify({ time: entry.time ?? new Date().toISOString(), ...entry }))));
    if (this.entries.length > this.max) this.entries.shift();
  }

  close(): void {}
}

/** The default journal's name: cutover-failover-20250101-120000.jsonl in the current folder. */
export function defaultJournalPath(procedure: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `cutover-${procedure}-${stamp}.jsonl`;
}
