// What every headless runner shares for its output: the one line rewritten in place on a terminal, NDJSON with every
// password scrubbed, and the exit codes as one table that the README's "Exit codes" table states.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { remember } from '../../src/options/redact.js';
import { EXIT } from '../../src/headless/exit-codes.js';
import { writeNdjson } from '../../src/headless/ndjson.js';
import { EXIT_CODES } from '../../src/headless/procedure.js';
import { TtyLine } from '../../src/headless/tty-line.js';

function sink() {
  const writes: string[] = [];
  return { writes, out: { write: (t: string) => writes.push(t) } };
}

describe('TtyLine', () => {
  it('draws in place, keeps whole lines above it, and ends with its newline', () => {
    const { writes, out } = sink();
    const line = new TtyLine(out);
    line.draw('Scanning 10/100');
    line.draw('Scanning 50/100');
    line.above('warn: a log line\n');
    line.end();
    expect(writes.join('')).toBe('\r\x1b[KScanning 10/100\r\x1b[KScanning 50/100\r\x1b[Kwarn: a log line\nScanning 50/100\n');
  });
  it('a summary replaces the line: cleared once, not drawn again, no newline added at the end', () => {
    const { writes, out } = sink();
    const line = new TtyLine(out);
    line.draw('Verifying 99/100');
    line.replace('compare: identical\n');
    line.above('after\n');
    line.end();
    expect(writes.join('')).toBe('\r\x1b[KVerifying 99/100\r\x1b[Kcompare: identical\nafter\n');
  });
  it('writes nothing of its own when nothing was drawn', () => {
    const { writes, out } = sink();
    const line = new TtyLine(out);
    line.replace('summary\n');
    line.above('log\n');
    line.end();
    expect(writes.join('')).toBe('summary\nlog\n');
  });
});

describe('writeNdjson', () => {
  it('one object a line, passwords scrubbed, the replacer applied', () => {
    remember('s3cret-ndjson');
    const { writes, out } = sink();
    writeNdjson({ event: 'log', message: 'AUTH failed for redis://u:s3cret-ndjson@h:1', ms: 1.26 }, (_k, v) => (typeof v === 'number' ? Math.round(v) : v), out);
    expect(writes).toHaveLength(1);
    expect(writes[0].endsWith('}\n')).toBe(true);
    expect(writes[0]).not.toContain('s3cret-ndjson');
    expect(JSON.parse(writes[0])).toMatchObject({ event: 'log', ms: 1 });
  });
});

describe('exit codes', () => {
  it('the README table lists exactly the codes of EXIT, and nothing else', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Exit codes'), readme.indexOf('## Console keys'));
    const codes = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(codes).toEqual(Object.values(EXIT));
  });
  it("a procedure's outcome maps onto the table", () => {
    expect(EXIT_CODES).toEqual({ done: EXIT.ok, 'dry-run': EXIT.ok, failed: EXIT.failed, cancelled: EXIT.stopped, declined: EXIT.badInput, refused: EXIT.badInput });
    expect(EXIT).toEqual({ ok: 0, failed: 1, badInput: 2, stopped: 130 });
  });
});
