// Counts as an operator reads them. Pure; imports nothing of the project.

/** A count with thousands separators, the same everywhere: "1,141". */
export function thousands(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A count in a narrow column: "9999", "12.3k", "1.2M". */
export function count(n: number | undefined): string {
  if (n === undefined) return '-';
  if (n < 10_000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}
