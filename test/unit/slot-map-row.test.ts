// The slot map's row: the bar over 16384 slots (all / some / none of a cell's slots), the count, the open slots in
// words, the ranges in short, and never wider than asked.
import { describe, expect, it } from 'vitest';
import { openSlotText, peerNamer, shortRanges, slotBar, slotCount, slotMapLayout, slotMapRow, type SlotMapMaster } from '../../src/render/slot-map-row.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const m1: SlotMapMaster = { id: A, address: '127.0.0.1:7001', label: 'c1', slots: [[0, 5460]], migrations: [`[93->-${B}]`, `[5000->-${B}]`] };
const m2: SlotMapMaster = { id: B, address: '127.0.0.1:7002', label: 'c2', slots: [[5461, 10922]], migrations: [`[93-<-${A}]`, `[5000-<-${A}]`] };
const m3: SlotMapMaster = { id: C, address: '127.0.0.1:7003', label: 'c3', slots: [[10923, 16383]], migrations: [] };
const peer = peerNamer([m1, m2, m3]);

describe('slotBar', () => {
  it('marks a cell all, some or none of its slots owned', () => {
    // 32 cells of 512 slots: 0-5460 is ten whole cells (0-5119) and part of the eleventh
    expect(slotBar([[0, 5460]], 32)).toBe('█'.repeat(10) + '▌' + '·'.repeat(21));
    expect(slotBar([[10923, 16383]], 32)).toBe('·'.repeat(21) + '▌' + '█'.repeat(10));
    expect(slotBar([], 64)).toBe('·'.repeat(64));
    expect(slotBar([[0, 16383]], 64)).toBe('█'.repeat(64));
    // one slot is enough to say "some"
    expect(slotBar([[300, 300]], 64)).toBe('·▌' + '·'.repeat(62));
    expect(slotCount([[0, 99], [500, 500]])).toBe(101);
  });
});

describe('open slots in words', () => {
  it('names the peer and the direction, MIGRATING / IMPORTING, one phrase a peer', () => {
    expect(openSlotText(m1.migrations, peer)).toEqual(['→7002 slots 93,5000 MIGRATING']);
    expect(openSlotText(m2.migrations, peer)).toEqual(['←7001 slots 93,5000 IMPORTING']);
    expect(openSlotText([`[5461->-${C}]`], peer)).toEqual(['→7003 slot 5461 MIGRATING']);
    expect(openSlotText(['[1->-a]', '[2->-a]', '[3->-a]', '[4->-a]'], () => 'x')).toEqual(['→x slots 1-4 MIGRATING']);
    expect(openSlotText(['[1->-a]', '[3->-a]', '[5->-a]', '[7->-a]', '[8->-a]'], () => 'x')).toEqual(['→x slots 1,3,5,…(5) MIGRATING']);
  });
  it('says host:port when the masters are on several hosts', () => {
    const named = peerNamer([m1, { ...m2, address: '10.0.0.2:7002' }]);
    expect(named(B)).toBe('10.0.0.2:7002');
    expect(named('f'.repeat(40))).toBe('ffffffff');
  });
});

describe('slotMapRow', () => {
  it('fits 78 columns at 80×24 with the open slots before the ranges', () => {
    const layout = slotMapLayout([m1, m2, m3], 78);
    expect(layout.cells).toBe(32);
    const row = slotMapRow(m1, 78, layout, peer);
    expect(row.length).toBeLessThanOrEqual(78);
    expect(row).toBe(`c1   ${'█'.repeat(10)}▌${'·'.repeat(21)}  5461 →7002 slots 93,5000 MIGRATING`);
    // with room, the ranges follow the open slots
    expect(slotMapRow(m1, 90, layout, peer)).toContain("MIGRATING · 0-5460");
    expect(slotMapRow(m3, 78, layout, peer)).toBe(`c3   ${'·'.repeat(21)}▌${'█'.repeat(10)}  5461 10923-16383`);
    // a master the topology cannot reach says so in words, not only by colour
    expect(slotMapRow(m3, 78, layout, peer, true)).toBe(`c3   ${'·'.repeat(21)}▌${'█'.repeat(10)}  5461 ✗ DOWN · 10923-16383`);
  });
  it('draws 64 cells with the addresses on a wide terminal', () => {
    const layout = slotMapLayout([m1, m2, m3], 140);
    expect(layout.cells).toBe(64);
    const row = slotMapRow(m2, 140, layout, peer);
    expect(row.startsWith('c2 127.0.0.1:7002 ')).toBe(true);
    expect(row).toContain('←7001 slots 93,5000 IMPORTING · 5461-10922');
  });
  it('cuts what does not fit with …, never past the width', () => {
    const many: SlotMapMaster = { ...m3, slots: Array.from({ length: 40 }, (_, i) => [i * 100, i * 100 + 10] as [number, number]) };
    const layout = slotMapLayout([many], 78);
    const row = slotMapRow(many, 78, layout, peer);
    expect(row.length).toBeLessThanOrEqual(78);
    expect(row).toMatch(/,\+\d+ more$/);
    expect(shortRanges([[0, 5], [10, 20], [30, 40]], 12)).toBe('0-5,+2 more');
    expect(shortRanges([], 10)).toBe('(none)');
  });
});
