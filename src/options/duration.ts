// Every option that takes a duration (--interval, --timeout, --idle-timeout, --duration, --fence-wait …) reads it here.
import { typedDuration } from '../format/durations.js';
import { InputError } from './endpoint.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** One example a unit: those that fit the option's range are shown. */
const EXAMPLES: Array<[string, number]> = [
  ['500ms', 500],
  ['5s', 5000],
  ['5m', 300_000],
  ['1h', 3_600_000],
];

export interface DurationRange {
  minMs: number;
  maxMs: number;
  /** what 0 means for an option that takes it ("0: one look") */
  zero?: string;
}

/** "500ms", "30s", "1.5s", "5m", "1h", "2" (seconds) → ms, from minMs to maxMs; anything else is one InputError line. */
export function parseDuration(text: string, option: string, { minMs, maxMs, zero }: DurationRange): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?\s*$/.exec(text);
  const ms = m ? Number(m[1]) * UNITS[m[2] ?? 's'] : NaN;
  if (!(ms >= minMs) || ms > maxMs) throw new InputError(durationRefusal(text, option, { minMs, maxMs, zero }));
  return Math.round(ms);
}

/** "--timeout '5x' is not a duration from 500ms to 60s: write it like 500ms or 5s (a number alone is seconds)". */
export function durationRefusal(text: string, option: string, { minMs, maxMs, zero }: DurationRange): string {
  const fit = EXAMPLES.filter(([, ms]) => ms >= minMs && ms <= maxMs).map(([text]) => text);
  const examples = fit.length ? fit : [typedDuration(minMs)];
  const like = examples.length > 1 ? `${examples.slice(0, -1).join(', ')} or ${examples[examples.length - 1]}` : examples[0];
  return `${option} '${text}' is not a duration from ${typedDuration(minMs)} to ${typedDuration(maxMs)}: write it like ${like} (a number alone is seconds)${zero ? `; ${zero}` : ''}`;
}
