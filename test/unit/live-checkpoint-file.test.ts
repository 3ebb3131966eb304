// The checkpoint file's "fullSync" mark: kept through a save and a load, so the next start syncs that stream in full.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../../src/engine/live/checkpoint.js';

const dir = mkdtempSync(join(tmpdir(), 'cutover-ck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const replId = 'a'.repeat(40);

describe('checkpoint fullSync mark', () => {
  it('survives a save and a load; a position without it stays a plain one', () => {
    const file = join(dir, 'ck.json');
    saveCheckpoint(file, { 'h:1': { replId, offset: 10, fullSync: 'the target refused a write' }, 'h:2': { replId, offset: 20 } });
    expect(loadCheckpoint(file)).toEqual({ 'h:1': { replId, offset: 10, fullSync: 'the target refused a write' }, 'h:2': { replId, offset: 20 } });
  });

  it('a mark that is not text still asks for a full sync', () => {
    const file = join(dir, 'odd.json');
    writeFileSync(file, JSON.stringify({ streams: { 'h:1': { replId, offset: 5, fullSync: true } } }));
    expect(loadCheckpoint(file)['h:1'].fullSync).toBe('the checkpoint asks for it');
  });
});
