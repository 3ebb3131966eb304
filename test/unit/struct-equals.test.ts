// structEquals, ttlClose and the struct module's small helpers: pure, no servers.
import { describe, it, expect } from 'vitest';
import { chunk, classifyType, parseScore, printable, structEquals, ttlClose } from '../../src/engine/replicate/struct.js';
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
