// Every option that takes a size (--mem-limit, --max-lag) reads it here.
import { bytes } from '../format/units.js';
import { InputError } from './endpoint.js';

const UNITS: Record<string, number> = { b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

export interface SizeRange {
  /** 0 or 1 (bytes): whether 0 is a size this option takes */
  minBytes: 0 | 1;
  maxBytes?: number;
  /** what 0 means for an option that takes it ("0: the candidate must have every write") */
  zero?: string;
}

/** "1" or "0.5" (megabytes), "64KB", "64k", "2GB", "512B", "3 MB" → bytes; anything else is one InputError line. */
export function parseSize(text: string, option: string, { minBytes, maxBytes = Infinity, zero }: SizeRange): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[(m[2] || 'mb').toLowerCase()] : undefined;
  const n = m && unit ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!(n >= minBytes) || n > maxBytes) {
    const range = `${minBytes ? ' above 0' : ''}${maxBytes < Infinity ? `${minBytes ? ',' : ''} at most ${bytes(maxBytes)}` : ''}`;
    throw new InputError(`${option} '${text}' is not a size${range}: write it like 64KB, 512MB or 2GB (a number alone is megabytes)${zero ? `; ${zero}` : ''}`);
  }
  return n;
}
