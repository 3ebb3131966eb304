// --checkpoint FILE: each stream's replication id and the offset applied to the target, so a restarted cutover
// resumes by partial resync. Written to a temporary file and renamed over the old one: never half written.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { InputError } from '../../config/endpoint.js';

export interface StreamPosition {
  replId: string;
  offset: number;
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
    const out: Checkpoint = {};
    for (const [at, p] of Object.entries(parsed.streams ?? {})) {
      if (typeof p?.replId === 'string' && /^[0-9a-f]{40}$/.test(p.replId) && Number.isSafeInteger(p.offset) && p.offset >= 0) out[at] = { replId: p.replId, offset: p.offset };
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
