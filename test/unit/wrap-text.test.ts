import { describe, expect, it } from 'vitest';
import { wrapText } from '../../src/render/format.js';

describe('wrapText', () => {
  it('leaves a line that fits alone', () => {
    expect(wrapText('✓ 127.0.0.1:7002 answers', 40)).toEqual(['✓ 127.0.0.1:7002 answers']);
  });
  it('cuts at spaces, never past the width, and loses no word', () => {
    const text = "✗ the Sentinels would promote 127.0.0.1:38215 (replica-priority 100, offset 19210), not 127.0.0.1:36429: make it a replica first";
    const lines = wrapText(text, 30);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(30);
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.map((l) => l.trim()).join(' ')).toBe(text);
    expect(lines[1].startsWith('  ')).toBe(true);
  });
  it('keeps the indent and the inner spacing of aligned lines', () => {
    const lines = wrapText('  127.0.0.1:43891          replica of 127.0.0.1:40299 · link up · offset 97800', 54, '    ');
    expect(lines[0]).toBe('  127.0.0.1:43891          replica of 127.0.0.1:40299');
    expect(lines[1]).toBe('      · link up · offset 97800');
  });
  it('cuts a word longer than the line where it must', () => {
    const lines = wrapText(`journal ${'x'.repeat(50)}.jsonl · Esc closes`, 20);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(20);
    expect(lines.join('').replace(/ /g, '')).toBe(`journal${'x'.repeat(50)}.jsonl·Esccloses`.replace(/ /g, ''));
  });
});
