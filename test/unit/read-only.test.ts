// --read-only: parsed for console and lab (refused elsewhere with one line), the intents that can only read, the
// footer and the refusal line built from the key table's `dangerous` flag, and the refusal's toast going by itself.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/options/args.js';
import { InputError } from '../../src/options/endpoint.js';
import { bindingOf, footerHints, KEY_TABLE, offeredKeys, readOnlyRefusal } from '../../src/ui/keys.js';
import { readOnlyIntents } from '../../src/ui/read-only-intents.js';
import { TOAST_MS, toastText } from '../../src/ui/toast.js';

describe('--read-only on the command line', () => {
  it('is an option of console and lab, off by default', () => {
    expect(parseCommand(['console', '127.0.0.1:6379', '--read-only'])).toMatchObject({ kind: 'console', readOnly: true });
    expect(parseCommand(['console', '127.0.0.1:6379'])).toMatchObject({ kind: 'console', readOnly: false });
    expect(parseCommand(['lab', '--preset', 'migration', '--read-only'])).toMatchObject({ kind: 'lab', readOnly: true });
    expect(parseCommand(['lab'])).toMatchObject({ kind: 'lab', readOnly: false });
  });

  it('is refused with one line for topology, which only reads', () => {
    expect(() => parseCommand(['topology', '127.0.0.1:6379', '--read-only'])).toThrow(InputError);
    expect(() => parseCommand(['topology', '127.0.0.1:6379', '--read-only'])).toThrow("--read-only is for 'cutover console' and 'cutover lab': 'cutover topology' only reads anyway");
    expect(() => parseCommand(['replicate', '--source', 'a:1', '--target', 'b:2', '--read-only'])).toThrow(/unknown option '--read-only'/);
  });
});

describe('the key table with --read-only', () => {
  it('flags the keys that write or move a role, and only those', () => {
    expect(KEY_TABLE.filter((b) => b.dangerous).map((b) => b.action)).toEqual(['snapshot', 'live', 'drill', 'failover', 'reshard', 'rebalance']);
    expect(offeredKeys(true).some((b) => b.dangerous)).toBe(false);
    expect(offeredKeys(false)).toBe(KEY_TABLE);
  });

  it('leaves them out of the footer at every width, and names each in its refusal', () => {
    const ctx = { canAct: true, pair: true, jobRunning: false, drillRunning: false, readOnly: true };
    for (let w = 6; w <= 200; w += 7) expect(footerHints('normal', ctx, w).map((h) => h.key)).not.toContain('s');
    expect(footerHints('normal', ctx).map((h) => `${h.key} ${h.hint}`).join('  ')).toBe('↑↓/jk move  Enter details  S/T source/target  c compare  ? help  q quit');
    expect(footerHints('normal', { ...ctx, drillRunning: true, jobRunning: true }).map((h) => h.hint)).toEqual(['move', 'details', 'source/target', 'stop', 'help', 'quit']);
    expect(readOnlyRefusal(bindingOf('failover'))).toBe('read-only: failover (f) is disabled (started with --read-only)');
  });
});

describe('the intents of a read-only console', () => {
  it('let a compare run and stop; nothing else reaches the engine', () => {
    const asked: string[] = [];
    const say = (w: string) => () => void asked.push(w);
    const ro = readOnlyIntents({
      startJob: (kind) => void asked.push(kind), stopJob: say('stop'), startDrill: say('drill'), stopDrill: say('stop drill'),
      startFailover: say('failover'), answerFailover: say('answer'), cancelFailover: say('cancel'),
      checkCluster: say('check'), planReshard: say('plan'), answerReshard: say('answer reshard'), stopReshard: say('stop reshard'),
    });
    ro.startJob('snapshot', 'a', 'b');
    ro.startJob('live', 'a', 'b');
    ro.startDrill('a');
    ro.stopDrill();
    ro.startFailover('a');
    ro.answerFailover('a');
    ro.cancelFailover();
    ro.planReshard({ kind: 'reshard', to: 'a', from: 'all', slots: 1 });
    ro.planReshard({ kind: 'rebalance', useEmptyMasters: true, threshold: 2 });
    ro.answerReshard('reshard');
    ro.answerReshard('rebalance');
    ro.stopReshard();
    expect(asked).toEqual([]);
    ro.startJob('compare', 'a', 'b');
    ro.stopJob();
    ro.checkCluster('a');
    expect(asked).toEqual(['compare', 'stop', 'check']);
  });
});

describe('the toast', () => {
  it(`shows for ${TOAST_MS} ms, then goes`, () => {
    const t = { text: 'x', at: 10_000 };
    expect(toastText(undefined, 10_000)).toBeUndefined();
    expect(toastText(t, 9_500)).toBe('x'); // the console's clock ticks once a second: it may lag the toast
    expect(toastText(t, 10_000 + TOAST_MS - 1)).toBe('x');
    expect(toastText(t, 10_000 + TOAST_MS)).toBeUndefined();
  });
});
