// Every option that takes a count (--scan-count, --counters, --rate, --target-db …) reads it here.
import { InputError } from './endpoint.js';

/** "1000" → 1000, from min to max; the fallback when the option is not given. */
export function wholeNumber(text: string | undefined, option: string, fallback: number, min = 1, max = 1_000_000): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new InputError(`${option} '${text}' is not a whole number from ${min} to ${max}`);
  return n;
}
