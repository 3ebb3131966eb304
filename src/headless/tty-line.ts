// The one line a headless runner rewrites in place on a terminal (progress, meters), with whole lines written
// above it or instead of it. Nothing else writes '\r\x1b[K'.

const CLEAR = '\r\x1b[K';

export interface LineOut {
  write(text: string): unknown;
}

export class TtyLine {
  private drawn = '';

  constructor(private readonly out: LineOut = process.stdout) {}

  /** Rewrites the line. */
  draw(line: string): void {
    this.out.write(`${CLEAR}${line}`);
    this.drawn = line;
  }

  /** Whole lines above the line: it is cleared, the text written, and the line drawn again under it. */
  above(text: string): void {
    if (!this.drawn) return void this.out.write(text);
    this.out.write(`${CLEAR}${text}${this.drawn}`);
  }

  /** Text instead of the line (a summary): it is cleared and not drawn again until the next draw(). */
  replace(text: string): void {
    if (this.drawn) this.out.write(CLEAR);
    this.drawn = '';
    this.out.write(text);
  }

  /** The end of the output: a line still drawn keeps what it says and gets its newline. */
  end(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = '';
  }
}
