// Type-aware equality of two values read by type (the compare's member-by-member path), and the helpers that say
// what differs. Linear in the size of the values: hashes, sets and zsets through one Map keyed by the members'
// bytes (latin1: one char a byte, exact); lists and streams walked in order; strings with Buffer.equals and, when
// they differ, by 64 KiB windows. The work is a generator that stops every SLICE elements, so that the same code
// runs to the end at once (structEquals) or yields to the event loop between slices, reporting progress and
// giving up when asked to stop (structEqualsAsync): a 2,000,000-member set never holds the process for seconds.
import { isUtf8 } from 'node:buffer';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { StructValue } from './types.js';

export interface Equality {
  equal: boolean;
  detail?: string;
}

/** Elements between two stops of the comparison (a few milliseconds of work). */
export const SLICE = 16_384;
/** The async comparison gives the event loop a turn at least this often. */
const TURN_MS = 10;

const SHOWN = 5;
const SHOWN_CHARS = 32;

// ------------------------------------------------------------------------------------------------ printing

/**
 * A value as an operator can read it: UTF-8 where it is (control characters as \xNN), \xNN bytes where it is
 * not; cut after maxChars with '…'. Only the head of a long value is decoded.
 */
export function printable(b: Buffer, maxChars = SHOWN_CHARS): string {
  const hex = (c: number) => `\\x${c.toString(16).padStart(2, '0')}`;
  const utf8 = isUtf8(b);
  // a char takes at most 4 bytes, so this head holds more than maxChars of them: the cut shows
  let head = b.length > 4 * (maxChars + 1) ? b.subarray(0, 4 * (maxChars + 1)) : b;
  if (utf8 && head !== b) head = head.subarray(0, charBoundary(head));
  const s = utf8
    ? head.toString('utf8').replace(/[\x00-\x1f\x7f]/g, (c) => hex(c.charCodeAt(0)))
    : Array.from(head, (c) => (c >= 0x20 && c < 0x7f && c !== 0x5c ? String.fromCharCode(c) : hex(c))).join('');
  const chars = [...s];
  return chars.length > maxChars ? chars.slice(0, maxChars).join('') + '…' : s;
}

/** Where the last whole UTF-8 character of a cut-off valid UTF-8 buffer ends. */
function charBoundary(b: Buffer): number {
  let j = b.length - 1;
  while (j > 0 && b.length - j < 4 && (b[j] & 0xc0) === 0x80) j--;
  const lead = b[j];
  if (lead < 0xc0) return b.length;
  const len = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  return j + len <= b.length ? b.length : j;
}

/** Counts what differs and keeps the names of the first few. */
export class Tally {
  n = 0;
  readonly names: string[] = [];
  add(name: () => string): void {
    if (this.n++ < SHOWN) this.names.push(name());
  }
  get listed(): string {
    return `(${this.names.join(', ')}${this.n > SHOWN ? ', …' : ''})`;
  }
}

// ------------------------------------------------------------------------------------------------ scores, TTLs

/** A zset score as a number: Redis writes inf / -inf (and accepts +inf, infinity). */
export function parseScore(s: string): number {
  const t = s.trim().toLowerCase();
  if (/^\+?inf(inity)?$/.test(t)) return Infinity;
  if (/^-inf(inity)?$/.test(t)) return -Infinity;
  return t === '' ? NaN : Number(t);
}

function scoresEqual(a: string, b: string): boolean {
  return a === b || parseScore(a) === parseScore(b);
}

/** Both without a TTL, or both with one and within toleranceMs of each other. */
export function ttlClose(sourceMs: number, targetMs: number, toleranceMs: number): boolean {
  const a = sourceMs >= 0;
  const b = targetMs >= 0;
  if (!a || !b) return a === b;
  return Math.abs(sourceMs - targetMs) <= toleranceMs;
}

// ------------------------------------------------------------------------------------------------ comparing

/** The comparison as steps: yields how many elements it has gone through so far, returns the answer. */
type Steps = Generator<number, Equality, void>;

/** Elements the comparison of a and b goes through (both sides' fields, members, list elements, stream entries). */
export function elementsOf(a: StructValue, b: StructValue): number {
  const n = (v: StructValue) => (v.type === 'string' ? 0 : v.value.length);
  return n(a) + n(b);
}

/** Index of the first byte where a and b (of the same length) differ, or -1: window by window, then byte by byte. */
export function firstByteDifference(a: Buffer, b: Buffer): number {
  const W = 64 * 1024;
  const n = Math.min(a.length, b.length);
  for (let at = 0; at < n; at += W) {
    const end = Math.min(n, at + W);
    if (a.subarray(at, end).equals(b.subarray(at, end))) continue;
    for (let i = at; i < end; i++) if (a[i] !== b[i]) return i;
  }
  return a.length === b.length ? -1 : n;
}

/**
 * Members → values in Maps keyed by the member's bytes (latin1), split over 256 Maps for a big collection: one Map
 * of millions of entries would stop the process for hundreds of milliseconds each time it grows (or shrinks) and
 * copies its table; 256 of them do the same work in small pieces.
 */
class MemberMap<V> {
  private readonly shards: Array<Map<string, V>>;
  private readonly mask: number;

  constructor(expected: number) {
    const n = expected > 65_536 ? 256 : 1;
    this.shards = Array.from({ length: n }, () => new Map<string, V>());
    this.mask = n - 1;
  }

  /** The Map for a member: a hash of its length and first and last 8 bytes. */
  shard(m: Buffer): Map<string, V> {
    if (!this.mask) return this.shards[0];
    const n = m.length;
    let h = n;
    for (let i = 0; i < n && i < 8; i++) h = (Math.imul(h, 31) + m[i]) | 0;
    for (let i = Math.max(8, n - 8); i < n; i++) h = (Math.imul(h, 31) + m[i]) | 0;
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    return this.shards[(h >>> 0) & this.mask];
  }

  get size(): number {
    let n = 0;
    for (const s of this.shards) n += s.size;
    return n;
  }
}

/**
 * Keyed comparison of two collections of distinct members (a hash's fields, a set's or zset's members): b into a
 * MemberMap, then each of a's looked up and taken out; what is left over is b's extra members (named in b's order).
 */
function* keyed<V>(
  what: string,
  a: ArrayLike<unknown>,
  b: ArrayLike<unknown>,
  memberOf: (x: unknown) => Buffer,
  valueOf: (x: unknown) => V,
  same: (x: V, y: V) => boolean,
  differName: (m: Buffer, x: V, y: V) => string,
  differWords: [string, string],
): Steps {
  const theirs = new MemberMap<V>(b.length);
  let done = 0;
  for (let i = 0; i < b.length; i++) {
    const x = b[i];
    const m = memberOf(x);
    theirs.shard(m).set(m.toString('latin1'), valueOf(x));
    if (++done % SLICE === 0) yield done;
  }
  const missing = new Tally();
  const differ = new Tally();
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const m = memberOf(x);
    const name = m.toString('latin1');
    const map = theirs.shard(m);
    const y = map.get(name);
    if (y === undefined && !map.has(name)) missing.add(() => printable(m));
    else {
      const v = valueOf(x);
      if (!same(v, y as V)) differ.add(() => differName(m, v, y as V));
      map.delete(name);
    }
    if (++done % SLICE === 0) yield done;
  }
  const extra = new Tally();
  const left = theirs.size;
  // the first few of b's members still there, in b's order
  for (let i = 0; left && i < b.length && extra.n < SHOWN; i++) {
    const m = memberOf(b[i]);
    if (theirs.shard(m).has(m.toString('latin1'))) extra.add(() => printable(m));
    if ((i + 1) % SLICE === 0) yield done;
  }
  extra.n = left;
  const parts: string[] = [];
  if (differ.n) parts.push(`${differ.n} ${differ.n === 1 ? differWords[0] : differWords[1]} ${differ.listed}`);
  if (missing.n) parts.push(`${missing.n} missing on target ${missing.listed}`);
  if (extra.n) parts.push(`${extra.n} extra ${extra.listed}`);
  return parts.length ? { equal: false, detail: `${what}: ${parts.join(', ')}` } : { equal: true };
}

const asPair = (x: unknown) => x as [Buffer, unknown];

function* steps(a: StructValue, b: StructValue): Steps {
  const differs = (detail: string): Equality => ({ equal: false, detail });
  if (a.type !== b.type) return differs(`type: ${a.type} vs ${b.type}`);
  switch (a.type) {
    case 'string': {
      const y = (b as typeof a).value;
      if (a.value.equals(y)) return { equal: true };
      if (a.value.length !== y.length) return differs(`string: ${a.value.length} bytes vs ${y.length}`);
      return differs(`string: ${a.value.length} bytes, differ from byte ${firstByteDifference(a.value, y)}`);
    }
    case 'hash':
      return yield* keyed<Buffer>(
        'hash',
        a.value,
        (b as typeof a).value,
        (x) => asPair(x)[0],
        (x) => asPair(x)[1] as Buffer,
        (x, y) => x.equals(y),
        (m) => printable(m),
        ['field differs', 'fields differ'],
      );
    case 'set':
      return yield* keyed<true>(
        'set',
        a.value,
        (b as typeof a).value,
        (x) => x as Buffer,
        () => true,
        () => true,
        () => '',
        ['', ''],
      );
    case 'zset':
      return yield* keyed<string>(
        'zset',
        a.value,
        (b as typeof a).value,
        (x) => asPair(x)[0],
        (x) => asPair(x)[1] as string,
        scoresEqual,
        (m, x, y) => `${printable(m)}: ${x} vs ${y}`,
        ['score differs', 'scores differ'],
      );
    case 'list': {
      const x = a.value;
      const y = (b as typeof a).value;
      const both = Math.min(x.length, y.length);
      let at = -1;
      let n = 0;
      for (let i = 0; i < both; i++) {
        if (!x[i].equals(y[i])) {
          n++;
          if (at < 0) at = i;
        }
        if ((i + 1) % SLICE === 0) yield 2 * (i + 1);
      }
      if (x.length !== y.length) return differs(`list: length ${x.length} vs ${y.length}, first difference at index ${at < 0 ? both : at}`);
      if (at < 0) return { equal: true };
      return differs(`list: ${n} element${n === 1 ? '' : 's'} differ${n === 1 ? 's' : ''}, first at index ${at} (${printable(x[at])} vs ${printable(y[at])})`);
    }
    case 'stream': {
      const x = a.value;
      const y = (b as typeof a).value;
      const len = x.length !== y.length ? `length ${x.length} vs ${y.length}, ` : '';
      const both = Math.min(x.length, y.length);
      for (let i = 0; i < both; i++) {
        const [p, q] = [x[i], y[i]];
        if (p[0] !== q[0]) return differs(`stream: ${len}entry ${i} has ID ${p[0]} vs ${q[0]}`);
        if (p[1].length !== q[1].length || p[1].some((f, j) => !f.equals(q[1][j]))) return differs(`stream: ${len}entry ${p[0]} has other fields or values`);
        if ((i + 1) % SLICE === 0) yield 2 * (i + 1);
      }
      if (x.length === y.length) return { equal: true };
      return differs(`stream: ${len}first difference at entry ${both} (${x[both]?.[0] ?? 'none'} vs ${y[both]?.[0] ?? 'none'})`);
    }
  }
}

/**
 * Type-aware equality of a (the source's value) and b (the target's): hashes and sets as unordered collections,
 * zsets by member → score (compared as numbers: "1" equals "1.0"), lists and streams in order. `detail` says
 * briefly what differs, naming at most 5 fields or members. Runs to the end at once: for values of any size
 * in a process that does other work, structEqualsAsync.
 */
export function structEquals(a: StructValue, b: StructValue): Equality {
  const it = steps(a, b);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}

export interface EqualsOptions {
  /** elements gone through since the last call (see elementsOf for the total) */
  progress?: (elements: number) => void;
  /** asked between slices: true gives up (the answer is then undefined) */
  stopped?: () => boolean;
}

/**
 * structEquals a slice at a time, the event loop given a turn (setImmediate) at least every 10 ms, so timers,
 * sockets and signals are served while a big key is compared. Undefined when stopped.
 */
export async function structEqualsAsync(a: StructValue, b: StructValue, o: EqualsOptions = {}): Promise<Equality | undefined> {
  const it = steps(a, b);
  let reported = 0;
  let turn = Date.now();
  for (;;) {
    const r = it.next();
    if (r.done) {
      const all = elementsOf(a, b);
      if (all > reported) o.progress?.(all - reported);
      return r.value;
    }
    o.progress?.(r.value - reported);
    reported = r.value;
    if (Date.now() - turn >= TURN_MS) {
      await nextTurn();
      turn = Date.now();
      if (o.stopped?.()) return undefined;
    }
  }
}
