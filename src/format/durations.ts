// Durations and times of day as an operator reads them. Pure; imports nothing of the project.

/** Seconds in a narrow column: "420ms", "4.2s", "42s", "7m02s", "2h05m". */
export function seconds(s: number | undefined): string {
  if (s === undefined) return '-';
  if (s < 1) return `${Math.round(s * 1000)}ms`;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Milliseconds as words: "842 ms" below `secondsFrom` (10 s unless told), then seconds, two decimals below ten
 * ("1.25 s") and one from there ("12.3 s"). A window of unavailability, a step's time, an event's age.
 */
export function ms(n: number, secondsFrom = 10_000): string {
  if (n < secondsFrom) return `${Math.round(n)} ms`;
  return `${(n / 1000).toFixed(n < 10_000 ? 2 : 1)} s`;
}

/** A timeout or a wait as it was given, in seconds: "5 s", "2.5 s". */
export function secondsText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** HH:MM:SS of an epoch time, local. */
export function clock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((x) => String(x).padStart(2, '0')).join(':');
}

/** HH:MM:SS.mmm of an epoch time, local. */
export function clockMs(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** A duration the way an operator types it on the command line: "0", "500ms", "60s", "90m", "1h", "24h". */
export function typedDuration(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1000) return `${ms}ms`;
  if (ms <= 120_000) return `${ms / 1000}s`;
  if (ms <= 7_200_000 && ms % 3_600_000 !== 0) return `${ms / 60_000}m`;
  return `${ms / 3_600_000}h`;
}
