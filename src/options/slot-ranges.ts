// --slots: Redis Cluster slot ranges as the operator writes them.

/** "0:8000,10000:16383" → [[0,8000],[10000,16383]]; undefined for bad input. */
export function parseSlotRanges(text: string): Array<[number, number]> | undefined {
  const out: Array<[number, number]> = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:[:-]\s*(\d+))?\s*$/.exec(part);
    if (!m) return undefined;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a > b || b > 16383) return undefined;
    out.push([a, b]);
  }
  return out;
}
