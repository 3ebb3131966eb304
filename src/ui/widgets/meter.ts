// A small horizontal meter: filled cells for the value on a log scale, so 10 B and 10 MB both read.

/** 0..1 on a log scale up to `max`. */
export function logFraction(value: number, max: number): number {
  if (value <= 0) return 0;
  return Math.min(1, Math.log10(1 + value) / Math.log10(1 + max));
}

export function meterCells(fraction: number, width: number): string {
  const full = Math.round(fraction * width);
  return '█'.repeat(full) + '░'.repeat(Math.max(0, width - full));
}
