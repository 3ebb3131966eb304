// The journal: one JSON line per thing a procedure does (time, node, command, reply), appended as it
// happens so a crash leaves everything up to it on disk. Commands and replies arrive redacted; every
// line is scrubbed once more (redact) before it is written. Never a password.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../../config/endpoint.js';
import { redact } from '../../config/redact.js';

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
  write(entry: Omit<JournalEntry, 'time'> & { time?: string }): void;
  close(): void;
}

/** Appends to a file, created private (0600) when new. */
export class FileJournal implements Journal {
  private fd: number;

  constructor(readonly path: string) {
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.fd = openSync(path, 'a', 0o600);
    } catch (err) {
      throw new InputError(`cannot write the journal '${path}': ${(err as NodeJS.ErrnoException).code ?? String(err)}; give --journal a writable path`);
    }
  }

  write(entry: Omit<JournalEntry, 'time'> & { time?: string }): void {
    if (this.fd < 0) return;
    const line = redact(JSON.stringify({ time: entry.time ?? new Date().toISOString(), ...entry }));
    writeSync(this.fd, line + '\n');
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
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
