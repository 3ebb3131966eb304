import { describe, expect, it } from 'vitest';
import { footerHints, KEY_TABLE, type FooterContext } from '../../src/ui/keys.js';

const line = (h: Array<{ key: string; hint: string }>) => h.map((x) => `${x.key} ${x.hint}`).join('  ');
const ctx = (c: Partial<FooterContext> = {}): FooterContext => ({ canAct: true, pair: true, jobRunning: false, drillRunning: false, ...c });

describe('the footer, built from the key table', () => {
  it('shows every relevant key when there is room', () => {
    expect(line(footerHints('normal', ctx()))).toBe('↑↓/jk move  Enter details  S/T source/target  s snapshot  c compare  l live  d drill  f failover  ? help  q quit');
    expect(line(footerHints('normal', ctx({ jobRunning: true })))).toBe('↑↓/jk move  Enter details  S/T source/target  d drill  f failover  x stop  ? help  q quit');
    expect(line(footerHints('normal', ctx({ pair: false })))).not.toMatch(/snapshot|compare|live/);
    expect(line(footerHints('normal', ctx({ drillRunning: true })))).toContain('d stop drill');
  });

  it('fits any width, keeping "? help" (and the stop key while a job runs) first', () => {
    for (const c of [ctx(), ctx({ jobRunning: true }), ctx({ pair: false }), ctx({ canAct: false })]) {
      for (let w = 6; w <= 200; w++) {
        const l = line(footerHints('normal', c, w));
        expect(l.length).toBeLessThanOrEqual(w);
        expect(l).toContain('? help');
        if (c.jobRunning && w >= 22) expect(l).toContain('x stop');
      }
    }
    for (const mode of ['wizard-running', 'wizard-ended', 'wizard-confirm'] as const) {
      expect(line(footerHints(mode, ctx(), 80)).length).toBeLessThanOrEqual(80);
      expect(line(footerHints(mode, ctx(), 30)).length).toBeLessThanOrEqual(30);
    }
  });

  it('at 80 columns with a pair marked', () => {
    expect(line(footerHints('normal', ctx(), 80))).toBe('↑↓/jk move  s snapshot  c compare  l live  d drill  f failover  ? help  q quit');
  });

  it('names only keys of the table, each once', () => {
    const keys = footerHints('normal', ctx()).map((h) => h.key);
    expect(new Set(keys).size).toBe(keys.length);
    const labels = KEY_TABLE.flatMap((b) => [b.label, b.footerKey]);
    for (const k of keys) expect(labels).toContain(k);
  });
});
