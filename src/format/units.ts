// Sizes as an operator reads them: "512 B", "1.5 KB", "12 MB", "3.2 MB/s". Pure; imports nothing of the project.

export function bytes(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '-';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? Math.round(v) : v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function rate(bytesPerSecond: number | undefined): string {
  return bytesPerSecond === undefined ? '-' : `${bytes(bytesPerSecond)}/s`;
}
