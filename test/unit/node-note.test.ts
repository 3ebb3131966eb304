import { describe, expect, it } from 'vitest';
import { noteRoom, noteText, streamText, taggedNote } from '../../src/render/node-text.js';
import type { NodeState } from '../../src/engine/topology/types.js';

const master: NodeState = { id: '127.0.0.1:7001', host: '127.0.0.1', port: 7001, role: 'master', status: 'up', streams: [{ host: '127.0.0.1', state: 'online', offset: 1, lagBytes: 0 }] };

describe("a master's note with cutover's live stream", () => {
  it('is as long as the width lets it be', () => {
    expect(noteText(master, 0)).toBe('cutover stream lag 0 B');
    expect(streamText(master)).toBe('cutover stream lag 0 B');
    expect(noteText(master, 0, 14)).toBe('stream lag 0 B');
    expect(noteText(master, 0, 10)).toBe('stream 0 B');
    expect(noteText({ ...master, streams: [...master.streams!, ...master.streams!] }, 0, 14)).toBe('2 streams 0 B');
  });

  it('marked SOURCE: the mark and the note, or the mark alone, never cut', () => {
    expect(taggedNote('SOURCE', master, 0)).toBe('SOURCE · cutover stream lag 0 B');
    expect(taggedNote('SOURCE', master, 0, 23)).toBe('SOURCE · stream lag 0 B');
    expect(taggedNote('SOURCE', master, 0, 19)).toBe('SOURCE · stream 0 B');
    expect(taggedNote('SOURCE', master, 0, 11)).toBe('SOURCE');
    expect(taggedNote('TARGET', { ...master, streams: undefined }, 0, 30)).toBe('TARGET');
    for (let w = 6; w < 40; w++) expect(taggedNote('SOURCE', master, 0, w).length).toBeLessThanOrEqual(w);
  });

  it('asks for room for the longest lag, whatever the lag now (the columns stay put)', () => {
    expect(noteRoom(master, 'SOURCE')).toBe('SOURCE · stream 1023 KB'.length);
    expect(noteRoom({ ...master, streams: undefined }, 'SOURCE')).toBe('SOURCE · stream 1023 KB'.length);
    expect(noteRoom({ ...master, streams: undefined }, 'TARGET')).toBe(0);
    expect(noteRoom({ ...master, streams: undefined })).toBe(0);
  });
});
