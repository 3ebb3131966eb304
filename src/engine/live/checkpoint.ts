// --checkpoint FILE: each stream's replication id and the offset applied to the target, so a restarted cutover
// resumes by partial resync. Written to a temporary file and renamed over the old one: never half written.
//
// What it guarantees: a position without `fullSync` is one the target acknowledged with success, everything before
// it included. When the target refused an operation of the stream (a user that may not write, a value it rejects),
// or an RDB was being applied, the stream's entry carries `fullSync` (why): the next start does a full sync of that
// stream (its RDB applied again with RESTORE … REPLACE), never a partial resync that would skip what is missing.
import { accessSync, constants, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../../options/endpoint.js';

export interface StreamPosition {
  replId: string;
  offset: number;
  /** the target lacks something of this stream (why): the next start syncs it in full */
  fullSync?: string;
}

/** source master "host:port" → where its stream was applied up to */
export type Checkpoint = Record<string, StreamPosition>;

export function loadCheckpoint(file: string): Checkpoint {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new InputError(`--checkpoint ${file}: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as { streams?: Checkpoint };
    if (typeof parsed !== 'object' || !parsed || Array.isArray(parsed) || typeof (parsed.streams ?? {}) !== 'object') throw new Error('not a checkpoint');
    const out: Checkpoint = {};
    for (const [at, p] of Object.entries(parsed.streams ?? {})) {
      if (typeof p?.replId === 'string' && /^[0-9a-f]{40}$/.test(p.replId) && Number.isSafeInteger(p.offset) && p.offset >= 0) {
        out[at] = { replId: p.replId, offset: p.offset };
        if (p.fullSync !== undefined) out[at].fullSync = typeof p.fullSync === 'string' && p.fullSync ? p.fullSync : 'the checkpoint asks for it';
      }
    }
    return out;
  } catch {
    throw new InputError(`--checkpoint ${file} is not a cutover checkpoint (JSON with "streams"): name another file, or remove it to start over`);
  }
}

export function saveCheckpoint(file: string, c: Checkpoint): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify({ version: 1, savedAt: new Date().toISOString(), streams: c }, null, 2) + '\n');
  renameSync(tmp, file);
}

/**
 * Before anything starts: the checkpoint's directory exists and can be written (the file goes there as FILE.tmp,
 * renamed over FILE), and FILE, when there, is a readable cutover checkpoint. Throws one InputError line; writes
 * nothing. Returns the positions it holds (empty when there is no file yet).
 */
export function checkCheckpointFile(file: string): Checkpoint {
  const dir = dirname(resolve(file));
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new InputError(`--checkpoint ${file}: the directory ${dir} does not exist: create it, or name a file in an existing directory`);
  }
  if (!isDir) throw new InputError(`--checkpoint ${file}: ${dir} is not a directory: name a file in an existing directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new InputError(`--checkpoint ${file}: the directory ${dir} is not writable by this user: name a file in a directory cutover can write`);
  }
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(file);
  } catch {
    return {}; // created at the first save
  }
  if (!st.isFile()) throw new InputError(`--checkpoint ${file} is not a regular file: name another file`);
  try {
    accessSync(file, constants.R_OK | constants.W_OK);
  } catch {
    throw new InputError(`--checkpoint ${file} cannot be read and written by this user: fix its permissions, or name another file`);
  }
  return loadCheckpoint(file);
}
