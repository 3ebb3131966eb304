// structEquals, ttlClose and the struct module's small helpers: pure, no servers. Then the same comparison on
// values of hundreds of thousands of members: linear (a quadratic one would take minutes here), and sliced.
import { describe, it, expect } from 'vitest';
import { chunk, classifyType, parseScore, printable, structEquals, ttlClose } from '../../src/engine/replicate/struct.js';
import { elementsOf, firstByteDifference, structEqualsAsync } from '../../src/engine/replicate/struct-equals.js';
import { NO_TTL, type StructValue } from '../../src/engine/replicate/types.js';

const b = (s: string) => Buffer.from(s);
const hash = (...kv: string[]): StructValue => ({ type: 'hash', value: Array.from({ length: kv.length / 2 }, (_, i): [Buffer, Buffer] => [b(kv[2 * i]), b(kv[2 * i + 1])]) });
const set = (...m: Array<string | Buffer>): StructValue => ({ type: 'set', value: m.map((x) => Buffer.from(x)) });
const list = (...m: string[]): StructValue => ({ type: 'list', value: m.map(b) });
const zset = (...ms: Array<[string, string]>): StructValue => ({ type: 'zset', value: ms.map(([m, s]): [Buffer, string] => [b(m), s]) });
const stream = (...es: Array<[string, string[]]>): StructValue => ({ type: 'stream', value: es.map(([id, f]): [string, Buffer[]] => [id, f.map(b)]) });
const str = (s: string | Buffer): StructValue => ({ type: 'string', value: Buffer.from(s) });

describe('structEquals', () => {
  it('strings compare byte for byte', () => {
    expect(structEquals(str('abc'), str('abc'))).toEqual({ equal: true });
    expect(structEquals(str(''), str(''))).toEqual({ equal: true });
    expect(structEquals(str('abc'), str('abcd'))).toEqual({ equal: false, detail: 'string: 3 bytes vs 4' });
    expect(structEquals(str('abc'), str('abd'))).toEqual({ equal: false, detail: 'string: 3 bytes, differ from byte 2' });
  });

  it('different types are not equal', () => {
    expect(structEquals(str('a'), list('a'))).toEqual({ equal: false, detail: 'type: string vs list' });
  });

  it('hashes compare as unordered collections', () => {
    expect(structEquals(hash('a', '1', 'b', '2'), hash('b', '2', 'a', '1'))).toEqual({ equal: true });
    expect(structEquals(hash('f1', '1', 'f2', '2', 'f3', '3'), hash('f1', 'x', 'f2', '2', 'f3', 'y'))).toEqual({
      equal: false,
      detail: 'hash: 2 fields differ (f1, f3)',
    });
    expect(structEquals(hash('a', '1', 'b', '2'), hash('a', '2', 'c', '3'))).toEqual({
      equal: false,
      detail: 'hash: 1 field differs (a), 1 missing on target (b), 1 extra (c)',
    });
  });

  it('sets compare as unordered collections, naming at most 5 members, non-UTF-8 bytes as \\xNN', () => {
    expect(structEquals(set('a', 'b', 'c'), set('c', 'a', 'b'))).toEqual({ equal: true });
    expect(structEquals(set('a', 'm5'), set('a', 'x', 'y'))).toEqual({ equal: false, detail: 'set: 1 missing on target (m5), 2 extra (x, y)' });
    const many = Array.from({ length: 8 }, (_, i) => `m${i}`);
    expect(structEquals(set(...many), set())).toEqual({ equal: false, detail: 'set: 8 missing on target (m0, m1, m2, m3, m4, …)' });
    expect(structEquals(set(Buffer.from([0xff, 0x41, 0x5c])), set())).toEqual({ equal: false, detail: 'set: 1 missing on target (\\xffA\\x5c)' });
    expect(structEquals(set('line\nbreak', 'é'), set('é'))).toEqual({ equal: false, detail: 'set: 1 missing on target (line\\x0abreak)' });
  });

  it('zsets compare member → score, scores as numbers', () => {
    expect(structEquals(zset(['a', '1'], ['b', '-inf']), zset(['b', '-inf'], ['a', '1.0']))).toEqual({ equal: true });
    expect(structEquals(zset(['t', 'inf']), zset(['t', '+inf']))).toEqual({ equal: true });
    expect(structEquals(zset(['x', '0.1']), zset(['x', '0.10000000000000001']))).toEqual({ equal: true });
    expect(structEquals(zset(['a', '1'], ['b', '2']), zset(['a', '1.5'], ['c', '2']))).toEqual({
      equal: false,
      detail: 'zset: 1 score differs (a: 1 vs 1.5), 1 missing on target (b), 1 extra (c)',
    });
  });

  it('lists compare in order', () => {
    expect(structEquals(list('a', 'b'), list('a', 'b'))).toEqual({ equal: true });
    expect(structEquals(list('a', 'b'), list('b', 'a'))).toEqual({ equal: false, detail: 'list: 2 elements differ, first at index 0 (a vs b)' });
    const ten = Array.from({ length: 10 }, (_, i) => `e${i}`);
    expect(structEquals(list(...ten), list(...ten, 'x', 'y'))).toEqual({ equal: false, detail: 'list: length 10 vs 12, first difference at index 10' });
  });

  it('streams compare in order, IDs and fields', () => {
    const s = stream(['1-1', ['f', 'v']], ['1-2', ['g', 'w']]);
    expect(structEquals(s, stream(['1-1', ['f', 'v']], ['1-2', ['g', 'w']]))).toEqual({ equal: true });
    expect(structEquals(stream(), stream())).toEqual({ equal: true });
    expect(structEquals(s, stream(['1-1', ['f', 'v']]))).toEqual({ equal: false, detail: 'stream: length 2 vs 1, first difference at entry 1 (1-2 vs none)' });
    expect(structEquals(s, stream(['1-1', ['f', 'v']], ['1-3', ['g', 'w']]))).toEqual({ equal: false, detail: 'stream: entry 1 has ID 1-2 vs 1-3' });
    expect(structEquals(s, stream(['1-1', ['f', 'x']], ['1-2', ['g', 'w']]))).toEqual({ equal: false, detail: 'stream: entry 1-1 has other fields or values' });
  });
});

describe('ttlClose', () => {
  it('is true for both without a TTL, or both with TTLs within the tolerance', () => {
    expect(ttlClose(NO_TTL, NO_TTL, 0)).toBe(true);
    expect(ttlClose(10_000, 9_500, 1000)).toBe(true);
    expect(ttlClose(10_000, 11_000, 1000)).toBe(true);
    expect(ttlClose(10_000, 8_000, 1000)).toBe(false);
    expect(ttlClose(0, 0, 0)).toBe(true);
  });

  it('is false when only one side has a TTL', () => {
    expect(ttlClose(NO_TTL, 5000, 100_000)).toBe(false);
    expect(ttlClose(5000, NO_TTL, 100_000)).toBe(false);
    expect(ttlClose(0, NO_TTL, 100_000)).toBe(false);
  });
});

describe('helpers', () => {
  it('classifies TYPE answers: readable, vanished, unsupported (modules)', () => {
    for (const t of ['string', 'hash', 'list', 'set', 'zset', 'stream']) expect(classifyType(t)).toEqual({ kind: 'struct', type: t });
    expect(classifyType('none')).toEqual({ kind: 'vanished' });
    expect(classifyType('ReJSON-RL')).toEqual({ kind: 'unsupported', type: 'ReJSON-RL' });
    expect(classifyType('MBbloom--')).toEqual({ kind: 'unsupported', type: 'MBbloom--' });
    expect(classifyType('vectorset')).toEqual({ kind: 'unsupported', type: 'vectorset' });
  });

  it('parses scores as Redis writes them', () => {
    expect(parseScore('inf')).toBe(Infinity);
    expect(parseScore('+inf')).toBe(Infinity);
    expect(parseScore('-inf')).toBe(-Infinity);
    expect(parseScore('-2.25')).toBe(-2.25);
    expect(parseScore('1e3')).toBe(1000);
    expect(parseScore('')).toBeNaN();
  });

  it('chunks by element count and by bytes', () => {
    expect(chunk([1, 2, 3, 4, 5], () => 1, 2).map((c) => c.length)).toEqual([2, 2, 1]);
    expect(chunk([5, 5, 5, 20, 1], (x) => x, 100, 10)).toEqual([[5, 5], [5], [20], [1]]);
    expect(chunk([], () => 1)).toEqual([]);
    expect(chunk(Array.from({ length: 2500 }, () => 0), () => 1).map((c) => c.length)).toEqual([1000, 1000, 500]);
  });

  it('prints values readably and cuts long ones', () => {
    expect(printable(Buffer.from('plain'))).toBe('plain');
    expect(printable(Buffer.from([0x00, 0xc3, 0x28]))).toBe('\\x00\\xc3(');
    expect(printable(Buffer.from('x'.repeat(40)))).toBe('x'.repeat(32) + '…');
  });
});

describe('big values', () => {
  const N = 300_000;
  const members = (n: number, prefix = 'member:') => Array.from({ length: n }, (_, i) => Buffer.from(`${prefix}${i}`));
  const bigSet = (m: Buffer[]): StructValue => ({ type: 'set', value: m });
  const bigHash = (m: Buffer[], value = (i: number) => `value:${i}`): StructValue => ({ type: 'hash', value: m.map((f, i): [Buffer, Buffer] => [f, Buffer.from(value(i))]) });

  it('compares sets and hashes of 300,000 members in any order, in linear time', () => {
    const m = members(N);
    const t = Date.now();
    expect(structEquals(bigSet(m), bigSet([...m].reverse()))).toEqual({ equal: true });
    const h = bigHash(m);
    expect(structEquals(h, { type: 'hash', value: [...(h.value as Array<[Buffer, Buffer]>)].reverse() })).toEqual({ equal: true });
    // generous: the old quadratic paths took minutes at this size, the linear one well under a second or two
    expect(Date.now() - t).toBeLessThan(60_000);
  });

  it('names what differs among 300,000 members: 10 changed, missing and extra ones (extras in the target\'s order)', () => {
    const m = members(N);
    const changed = new Set([1000, 38_000, 75_000, 112_000, 149_000, 186_000, 223_000, 260_000, 297_000, 299_999]);
    expect(structEquals(bigHash(m), bigHash(m, (i) => (changed.has(i) ? 'changed' : `value:${i}`))).detail).toBe(
      'hash: 10 fields differ (member:1000, member:38000, member:75000, member:112000, member:149000, …)',
    );
    const other = m.map((x, i) => (changed.has(i) ? Buffer.from(`other:${i}`) : x)).reverse();
    expect(structEquals(bigSet(m), bigSet(other)).detail).toBe(
      'set: 10 missing on target (member:1000, member:38000, member:75000, member:112000, member:149000, …), 10 extra (other:299999, other:297000, other:260000, other:223000, other:186000, …)',
    );
    const z = (score: (i: number) => string): StructValue => ({ type: 'zset', value: m.map((x, i): [Buffer, string] => [x, score(i)]) });
    expect(structEquals(z((i) => String(i / 7)), z((i) => (i === 5 ? '99' : String(i / 7)))).detail).toBe(`zset: 1 score differs (member:5: ${5 / 7} vs 99)`);
  });

  it('compares lists of 1,000,000 elements and strings of 64 MB, naming the first difference', () => {
    const a = members(1_000_000, 'item:');
    const b = [...a];
    b[777_777] = Buffer.from('changed');
    expect(structEquals({ type: 'list', value: a }, { type: 'list', value: [...a] })).toEqual({ equal: true });
    expect(structEquals({ type: 'list', value: a }, { type: 'list', value: b }).detail).toBe('list: 1 element differs, first at index 777777 (item:777777 vs changed)');
    const x = Buffer.alloc(64 << 20, 'abcdefgh');
    const y = Buffer.from(x);
    y[50_000_001] = 0x21;
    expect(structEquals(str(x), str(y)).detail).toBe(`string: ${64 << 20} bytes, differ from byte 50000001`);
    expect(firstByteDifference(x, x)).toBe(-1);
    expect(firstByteDifference(Buffer.from('abc'), Buffer.from('abcd'))).toBe(3);
  });

  it('structEqualsAsync gives the event loop turns, reports every element, and gives up when stopped', async () => {
    const m = members(N);
    const a = bigSet(m);
    const b = bigSet([...m].reverse());
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    let seen = 0;
    const eq = await structEqualsAsync(a, b, { progress: (n) => (seen += n) });
    clearInterval(timer);
    expect(eq).toEqual({ equal: true });
    expect(seen).toBe(elementsOf(a, b));
    expect(seen).toBe(2 * N);
    expect(ticks).toBeGreaterThan(0); // timers ran while the set was compared
    let asked = 0;
    expect(await structEqualsAsync(a, b, { stopped: () => ++asked > 1 })).toBeUndefined();
    expect(await structEqualsAsync(hash('a', '1'), hash('a', '2'))).toEqual({ equal: false, detail: 'hash: 1 field differs (a)' });
  });

  it('prints the head of a long value without decoding all of it, UTF-8 cut at a character', () => {
    const long = Buffer.from('é'.repeat(5_000_000));
    expect(printable(long)).toBe('é'.repeat(32) + '…');
    expect(printable(Buffer.concat([Buffer.from('x'.repeat(200)), Buffer.from([0xff])]))).toBe('x'.repeat(32) + '…');
    expect(printable(Buffer.concat([Buffer.from([0xff]), Buffer.alloc(10_000_000)]))).toBe('\\xff' + '\\x00'.repeat(7) + '…'); // 32 characters as shown
  });
});
