// The replica-protocol client's readers: RDB payload (sized, diskless mark split anywhere) and the command stream.
import { describe, expect, it } from 'vitest';
import { MarkedBody, SizedBody, parseRdbHeader, type RdbBody } from '../../src/engine/live/psync/rdb-body.js';
import { CommandStream, ProtocolError } from '../../src/engine/live/psync/stream.js';
import { LineBuffer } from '../../src/engine/live/psync/lines.js';

const MARK = 'a'.repeat(20) + '0123456789abcdef0123';

function feed(body: RdbBody, parts: Buffer[]): { rdb: Buffer; rest: Buffer; doneAt: number } {
  const out: Buffer[] = [];
  let rest: Buffer = Buffer.alloc(0);
  let doneAt = -1;
  parts.forEach((p, i) => {
    if (doneAt >= 0) return void (rest = Buffer.concat([rest, p]));
    const s = body.push(p);
    out.push(s.data);
    if (s.done) {
      doneAt = i;
      rest = s.rest;
    }
  });
  return { rdb: Buffer.concat(out), rest, doneAt };
}

function splits(buf: Buffer, at: number[]): Buffer[] {
  const parts: Buffer[] = [];
  let from = 0;
  for (const a of [...at, buf.length]) {
    parts.push(buf.subarray(from, a));
    from = a;
  }
  return parts;
}

describe('RDB payload', () => {
  it('parses both header forms', () => {
    expect(parseRdbHeader('$1234')).toEqual({ diskless: false, size: 1234 });
    expect(parseRdbHeader(`$EOF:${MARK}`)).toEqual({ diskless: true, mark: Buffer.from(MARK) });
    expect(() => parseRdbHeader('$EOF:short')).toThrow(/mark/);
    expect(() => parseRdbHeader('+OK')).toThrow(/header/);
  });

  it('disk-backed: exactly <len> bytes, the rest is the stream', () => {
    const rdb = Buffer.from('REDIS0010' + 'x'.repeat(100));
    const wire = Buffer.concat([rdb, Buffer.from('*1\r\n$4\r\nPING\r\n')]);
    for (const cut of [1, 50, 109, 110, 115]) {
      const r = feed(new SizedBody(rdb.length), splits(wire, [cut]));
      expect(r.rdb.equals(rdb)).toBe(true);
      expect(r.rest.toString()).toBe('*1\r\n$4\r\nPING\r\n');
    }
  });

  it('diskless: the mark ends the RDB wherever the chunks split it, and is never handed on', () => {
    // data holding a near-match of the mark (its first 39 bytes) just before the real one
    const rdb = Buffer.concat([Buffer.from('REDIS0010\xff'), Buffer.from(MARK.slice(0, 39)), Buffer.from([0xff, 1, 2, 3, 4, 5, 6, 7, 8])]);
    const wire = Buffer.concat([rdb, Buffer.from(MARK), Buffer.from('*1\r\n$4\r\nPING\r\n')]);
    for (let a = 1; a < wire.length; a++) {
      for (const b of [a + 1, a + 7, a + 39, wire.length]) {
        const r = feed(new MarkedBody(Buffer.from(MARK)), splits(wire, b < wire.length ? [a, b] : [a]));
        expect(r.rdb.equals(rdb)).toBe(true);
        expect(r.rest.toString()).toBe('*1\r\n$4\r\nPING\r\n');
      }
    }
    // byte by byte
    const r = feed(new MarkedBody(Buffer.from(MARK)), [...wire].map((x) => Buffer.from([x])));
    expect(r.rdb.equals(rdb)).toBe(true);
    expect(r.rest.toString()).toBe('*1\r\n$4\r\nPING\r\n');
  });
});

describe('command stream', () => {
  const cmd = (...args: (string | Buffer)[]) =>
    Buffer.concat([Buffer.from(`*${args.length}\r\n`), ...args.flatMap((a) => [Buffer.from(`$${Buffer.byteLength(a)}\r\n`), Buffer.from(a), Buffer.from('\r\n')])]);
  const bin = Buffer.from([0, 0xff, 0x0d, 0x0a, 0x2a, 0x24, 0x0d]);
  const frames = [cmd('SELECT', '0'), cmd('SET', 'k', bin), cmd('PING'), cmd('SET', '', 'empty key')];
  const wire = Buffer.concat(frames);

  it('reads commands binary-safe with their exact sizes, however the bytes arrive', () => {
    for (const step of [1, 2, 3, 7, 16, wire.length]) {
      const s = new CommandStream();
      const got = [];
      for (let i = 0; i < wire.length; i += step) got.push(...s.push(wire.subarray(i, i + step)));
      expect(got.map((f) => f.size)).toEqual(frames.map((f) => f.length));
      expect(got[1].args[2].equals(bin)).toBe(true);
      expect(got[3].args.map(String)).toEqual(['SET', '', 'empty key']);
      expect(s.buffered).toBe(0);
    }
  });

  it('waits for a big value without re-parsing every chunk', () => {
    const big = Buffer.alloc(1_000_000, 7);
    const w = cmd('SET', 'big', big);
    const s = new CommandStream();
    const got = [];
    for (let i = 0; i < w.length; i += 1000) got.push(...s.push(w.subarray(i, i + 1000)));
    expect(got).toHaveLength(1);
    expect(got[0].args[2].equals(big)).toBe(true);
    expect(got[0].size).toBe(w.length);
  });

  it('rejects what is not a multi-bulk command', () => {
    expect(() => new CommandStream().push(Buffer.from('+OK\r\n'))).toThrow(ProtocolError);
    expect(() => new CommandStream().push(Buffer.from('*1\r\n$2\r\nabc\r\n'))).toThrow(ProtocolError);
    expect(() => new CommandStream().push(Buffer.from('*x\r\n'))).toThrow(ProtocolError);
  });
});

describe('handshake lines', () => {
  it('splits on \\n, drops \\r, keeps bare keepalive newlines as empty lines, and hands on the rest', () => {
    const l = new LineBuffer();
    l.push(Buffer.from('+OK\r\n\n\n+FULLRES'));
    expect([l.next(), l.next(), l.next(), l.next()]).toEqual(['+OK', '', '', undefined]);
    l.push(Buffer.from('YNC abc 0\r\n$EOF:'));
    expect(l.next()).toBe('+FULLRESYNC abc 0');
    expect(l.take().toString()).toBe('$EOF:');
  });
});
