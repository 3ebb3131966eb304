// Every figure the README's live replication section names is in the NDJSON meters (and so in the summary's
// "stats"), and the terminal's summary says the counts the README promises (fallbacks, failed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LiveStats } from '../../src/engine/live/types.js';
import { statsJson } from '../../src/commands/replicate-live.js';
import { liveSummaryText } from '../../src/render/live-text.js';

const stats: LiveStats = {
  phase: 'streaming', source: 'psync', sourceOffset: 2000, receivedOffset: 2000, appliedOffset: 1000, lagBytes: 1000, ageP50Ms: 1, ageP99Ms: 12, queueDepth: 3, opsPerSec: 10,
  applied: 1234, rdbKeys: 10, rdbBigKeys: 1, fallbacks: 2, filtered: 0, failed: 3, fullResyncs: 0, partialResyncs: 0, reconnects: 0, flushes: 0, splitTransactions: 0, events: 0, droppedEvents: 0, overflows: 0, idleMs: 0, streams: 1,
};

/** The identifiers in backquotes of the README's **Meters** paragraph (live replication). */
function readmeMeters(): string[] {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const at = readme.indexOf('**Meters**');
  const end = readme.indexOf('Log lines are', at);
  expect(at).toBeGreaterThan(0);
  const text = readme.slice(at, end);
  return [...text.matchAll(/`([a-z][A-Za-z0-9]+)`/g)].map((m) => m[1]).filter((n) => /[A-Z]|^(phase|applied|filtered|failed|reconnects|flushes|events|overflows|fallbacks)$/.test(n) && n !== 'master_repl_offset');
}

describe('what the NDJSON promises', () => {
  it("every figure the README's Meters paragraph names is in the psync or notifications meters", () => {
    const names = readmeMeters();
    expect(names).toContain('fallbacks');
    const keys = new Set([...Object.keys(statsJson(stats)), ...Object.keys(statsJson({ ...stats, source: 'notifications' }))]);
    for (const n of names) expect(keys, `README names ${n}`).toContain(n);
  });

  it('psync meters carry the fallbacks count; the terminal summary says it and the failed count', () => {
    expect(statsJson(stats)).toMatchObject({ fallbacks: 2, failed: 3 });
    const text = liveSummaryText({ stats, elapsedMs: 1000, stopped: false, reason: 'idle' });
    expect(text).toMatch(/10 keys from the RDB \(1 too big to hold, written in pieces; 2 written as typed commands: fallbacks\)/);
    expect(text).toMatch(/3 failed/);
  });

  it('a stream that received nothing claims no applied offset in the terminal summary', () => {
    const none = { ...stats, receivedOffset: 0, appliedOffset: 0, lagBytes: 2000 };
    const text = liveSummaryText({ stats: none, elapsedMs: 100, stopped: false, reason: 'failed', refused: true, error: 'source … refused PSYNC' });
    expect(text).toMatch(/offsets: source 2,000, nothing received · resyncs/);
    expect(text).not.toMatch(/applied 0/);
  });
});
