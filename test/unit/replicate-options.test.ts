// The replicate options of this round: --mem-limit sizes, --all-dbs and --read-from refusals, chunk sizing,
// and the snapshot summary's count of chunked keys.
import { describe, expect, it } from 'vitest';
import { parseCommand, parseMemLimit } from '../../src/options/args.js';
import { InputError } from '../../src/options/endpoint.js';
import { chunkSizing, elementsPerChunk, MIN_CHUNK_BYTES } from '../../src/engine/replicate/chunked.js';
import type { SnapshotSummary } from '../../src/engine/replicate/snapshot.js';
import { snapshotSummaryText } from '../../src/render/replicate-text.js';

const MB = 1024 * 1024;
const base = ['replicate', '--source', 'a:1', '--target', 'b:2'];

function replicate(extra: string[]) {
  const cmd = parseCommand([...base, ...extra], {});
  if (cmd.kind !== 'replicate') throw new Error(`not replicate: ${cmd.kind}`);
  return cmd;
}

describe('--mem-limit', () => {
  it.each([
    ['1', MB],
    ['0.5', MB / 2],
    ['.25', MB / 4],
    ['64KB', 64 * 1024],
    ['64k', 64 * 1024],
    ['2GB', 2 * 1024 * MB],
    ['512b', 512],
    ['3 MB', 3 * MB],
  ])('reads %s', (text, bytes) => {
    expect(parseMemLimit(text)).toBe(bytes);
  });
  it.each(['0', '-1', 'lots', '1TBs', '', '0.0000001'])('refuses %j with one line', (text) => {
    expect(() => parseMemLimit(text)).toThrow(InputError);
    expect(() => parseMemLimit(text)).toThrow(/is not a size above 0/);
  });
  it('is off unless given', () => {
    expect(replicate([]).memLimitBytes).toBeUndefined();
    expect(replicate(['--mem-limit', '1']).memLimitBytes).toBe(MB);
  });
});

describe('--all-dbs and --read-from', () => {
  it('parses them', () => {
    expect(replicate([])).toMatchObject({ allDbs: false, readFrom: 'master' });
    expect(replicate(['--all-dbs', '--read-from', 'replica'])).toMatchObject({ allDbs: true, readFrom: 'replica' });
  });
  it.each([
    [['--all-dbs', '--source-db', '1']],
    [['--all-dbs', '--target-db', '0']],
  ])('refuses --all-dbs with a database named: %j', (extra) => {
    expect(() => replicate(extra)).toThrow(/--all-dbs copies each database into the same number/);
  });
  it('refuses --all-dbs with a URI that names a database', () => {
    expect(() => parseCommand(['replicate', '--source', 'redis://a:1/3', '--target', 'b:2', '--all-dbs'], {})).toThrow(InputError);
  });
  it('refuses an unknown --read-from', () => {
    expect(() => replicate(['--read-from', 'any'])).toThrow(/--read-from 'any' is not one of master, replica/);
  });
});

describe('chunk sizing', () => {
  it('takes about the limit per chunk, within bounds', () => {
    expect(chunkSizing(MB)).toEqual({ bytes: MB, elements: 1000 });
    expect(chunkSizing(100).bytes).toBe(MIN_CHUNK_BYTES);
    expect(chunkSizing(1024 * MB).bytes).toBe(8 * MB);
  });
  it('sizes element counts from MEMORY USAGE per element', () => {
    const s = chunkSizing(16 * 1024);
    expect(elementsPerChunk(320_000, 10_000, s)).toBe(512); // 32 bytes each: 16 KiB / 32 B
    expect(elementsPerChunk(160_000, 10_000, chunkSizing(MB))).toBe(1000);
    expect(elementsPerChunk(100 * MB, 10, s)).toBe(1); // 10 MB elements: one at a time
    expect(elementsPerChunk(1000, 0, s)).toBe(1000);
  });
});

describe('snapshot summary', () => {
  it('counts keys copied in chunks', () => {
    const summary: SnapshotSummary = {
      counts: { total: 10, scanned: 10, written: 10, wouldWrite: 0, vanished: 0, skipped: 0, failed: 0, fallbacks: 0, chunked: 2, retries: 0 },
      elapsedMs: 1000,
      stopped: false,
      dryRun: false,
      failures: [],
      skipReasons: {},
    };
    expect(snapshotSummaryText(summary)).toMatch(/^snapshot: 10 scanned, 10 written, 0 vanished, 0 skipped, 0 failed, 2 over --mem-limit copied in chunks in /);
    expect(snapshotSummaryText({ ...summary, counts: { ...summary.counts, chunked: 0 } })).not.toMatch(/chunks/);
  });
  it('says what a dry run would write, and claims no writes', () => {
    const summary: SnapshotSummary = {
      counts: { total: 10, scanned: 10, written: 0, wouldWrite: 10, vanished: 0, skipped: 0, failed: 0, fallbacks: 0, chunked: 0, retries: 0 },
      elapsedMs: 1000,
      stopped: false,
      dryRun: true,
      failures: [],
      skipReasons: {},
    };
    expect(snapshotSummaryText(summary)).toMatch(/^snapshot \(dry run: nothing written\): 10 scanned, 10 would be written, 0 vanished/);
  });
  it('a snapshot that lost its target says so, with the keys not attempted and the partial copy', () => {
    const summary: SnapshotSummary = {
      counts: { total: 100, scanned: 40, written: 30, wouldWrite: 0, vanished: 0, skipped: 0, failed: 2, fallbacks: 0, chunked: 0, retries: 8 },
      elapsedMs: 1000,
      stopped: false,
      dryRun: false,
      failures: [],
      skipReasons: {},
      lost: 'target: lost the connection to b:2 and could not get it back for 10s: is Redis still running there?',
      lostSide: 'target',
      notAttempted: 68,
    };
    const text = snapshotSummaryText(summary);
    expect(text).toMatch(/^snapshot \(ended: target unreachable\): 40 scanned, 30 written, 0 vanished, 0 skipped, 2 failed, 8 retries in /);
    expect(text).toContain('\n  68 not attempted: the target holds a partial copy (run the snapshot again once the target is back)\n');
  });
});
