// Text layout for the console and the plain-text output: slot ranges, padding, wrapping. Pure. (Sizes, counts and
// durations as words are in src/format/.)

/** Slot ranges as text: "0-5460", "0-100,200-300". */
export function slotRanges(ranges: Array<[number, number]> | undefined): string {
  if (!ranges || ranges.length === 0) return '';
  return ranges.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(',');
}

/** Slot numbers as ranges: [1, 2, 3, 7] → "1-3,7". */
export function slotList(slots: number[]): string {
  const sorted = [...slots].sort((a, b) => a - b);
  const ranges: Array<[number, number]> = [];
  for (const s of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else ranges.push([s, s]);
  }
  return slotRanges(ranges);
}

export function pad(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length > width) return width <= 1 ? text.slice(0, width) : text.slice(0, width - 1) + '…';
  return text + ' '.repeat(width - text.length);
}

export function padLeft(text: string, width: number): string {
  if (text.length >= width) return text.slice(0, width);
  return ' '.repeat(width - text.length) + text;
}

/**
 * A line cut into pieces of at most `width` characters at spaces (a word longer than a line is cut where it must),
 * so nothing is lost off the right edge. Pieces after the first keep the line's own indent plus `indent`; the
 * spaces inside a piece stay as they were (aligned columns stay aligned).
 */
export function wrapText(text: string, width: number, indent = '  '): string[] {
  if (width <= 0) return [''];
  const trimmed = text.trimEnd();
  if (trimmed.length <= width) return [trimmed];
  const lead = /^ */.exec(trimmed)![0];
  const cont = (lead + indent).slice(0, Math.max(0, Math.floor(width / 2)));
  // each token is a word with the spaces before it
  const tokens = trimmed.slice(lead.length).match(/ *\S+/g) ?? [];
  const out: string[] = [];
  let line = lead;
  let fresh = true; // nothing but the indent on this line yet
  const newLine = () => {
    out.push(line);
    line = cont;
    fresh = true;
  };
  for (const token of tokens) {
    let word = fresh ? token.trimStart() : token;
    if (line.length + word.length <= width) {
      line += word;
      fresh = false;
      continue;
    }
    word = word.trimStart();
    if (!fresh && cont.length + word.length <= width) {
      newLine();
      line += word;
      fresh = false;
      continue;
    }
    // longer than a whole line: cut it where it must
    if (!fresh && width - line.length >= 2) word = ' ' + word;
    else if (!fresh) newLine();
    while (line.length + word.length > width) {
      const take = Math.max(1, width - line.length);
      line += word.slice(0, take);
      word = word.slice(take).trimStart();
      newLine();
    }
    if (word) {
      line += word;
      fresh = false;
    }
  }
  if (!fresh || out.length === 0) out.push(line);
  return out;
}
