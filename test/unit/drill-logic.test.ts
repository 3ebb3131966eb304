import { describe, expect, it } from 'vitest';
import { CounterBook } from '../../src/engine/drill/counters.js';
import { CHECKER_DEFAULTS, inFlightLimits } from '../../src/engine/drill/checker.js';
import { BlindSpans, LoopWatch } from '../../src/engine/drill/lag.js';
import { parseRole, pickMaster, type RoleReply } from '../../src/engine/drill/role.js';
import { certainlyNotApplied, perSecond } from '../../src/engine/drill/stats.js';
import { zeroCounts } from '../../src/engine/drill/types.js';
import { WindowTracker } from '../../src/engine/drill/windows.js';

describe('CounterBook', () => {
  it('judges nothing while a counter is unknown, then takes it at its value', () => {
    const b = new CounterBook(3);
    expect(b.known(0)).toBe(false);
    expect(b.observe(0, 7)).toEqual({ lost: 0, unacked: 0 });
    expect(b.expectedOf(0)).toBe(7);
  });

  it('counts acknowledged increments missing on read-back as lost, once', () => {
    const b = new CounterBook(1);
    b.set(0, 0);
    for (let v = 1; v <= 5; v++) expect(b.acknowledged(0, v)).toEqual({ lost: 0, unacked: 0 });
    expect(b.observe(0, 2)).toEqual({ lost: 3, unacked: 0 });
    expect(b.observe(0, 2)).toEqual({ lost: 0, unacked: 0 });
    expect(b.acknowledged(0, 3)).toEqual({ lost: 0, unacked: 0 });
  });

  it('sees a loss in an INCR reply too (a counter reset to nothing returns 1)', () => {
    const b = new CounterBook(1);
    b.set(0, 41);
    expect(b.acknowledged(0, 1)).toEqual({ lost: 41, unacked: 0 });
    expect(b.expectedOf(0)).toBe(1);
  });

  it('counts increments applied without a reply as unacked, and clears the pending ones', () => {
    const b = new CounterBook(1);
    b.set(0, 10);
    b.uncertain(0);
    b.uncertain(0);
    expect(b.pendingTotal()).toBe(2);
    expect(b.observe(0, 11)).toEqual({ lost: 0, unacked: 1 });
    expect(b.pendingTotal()).toBe(0);
    b.uncertain(0);
    expect(b.acknowledged(0, 13)).toEqual({ lost: 0, unacked: 1 });
  });

  it('picks only counters no operation holds', () => {
    const b = new CounterBook(4);
    b.setBusy(0, true);
    b.setBusy(1, true);
    b.setBusy(2, true);
    expect(b.pick()).toBe(3);
    // however unlucky the draws: the one free counter is found (16 draws of 0 each, then the scan)
    expect(b.pick(() => 0)).toBe(3);
    b.setBusy(3, true);
    expect(b.pick()).toBe(-1);
  });
});

describe('WindowTracker', () => {
  it('opens at the first failed write’s send time and closes at the first write sent after it', () => {
    const t = new WindowTracker();
    expect(t.ok('master', 0, 1)).toEqual([]);
    const opened = t.bad('master', 100, 101, 'READONLY', false, 'a:1').changes;
    expect(opened).toHaveLength(1);
    expect(opened[0].phase).toBe('opened');
    expect(t.bad('master', 110, 111, 'READONLY', false).changes).toEqual([]);
    // sent before the window opened: says nothing about now
    expect(t.ok('master', 99, 150)).toEqual([]);
    const closed = t.ok('master', 300, 302.5, 'b:2');
    expect(closed[0].phase).toBe('closed');
    expect(closed[0].window).toMatchObject({ startedAt: 100, endedAt: 302.5, durationMs: 202.5, failedWrites: 2, masterBefore: 'a:1', masterAfter: 'b:2' });
    expect(t.totals()).toEqual({ count: 1, longestMs: 202.5, totalMs: 202.5, open: 0 });
  });

  it('absorbs a failure reported late for a stretch already measured', () => {
    const t = new WindowTracker();
    t.bad('master', 100, 101, 'x', false);
    t.ok('master', 120, 125);
    expect(t.bad('master', 110, 400, 'timed out', false)).toEqual({ changes: [] });
    expect(t.absorbed).toBe(1);
    // sent before an accepted write: not a new window either
    t.ok('master', 500, 501);
    expect(t.bad('master', 480, 520, 'late', false)).toEqual({ changes: [] });
    expect(t.totals().count).toBe(1);
  });

  it('a stalled write opens a window that its own acknowledgement closes; it counts once its fate is known', () => {
    const t = new WindowTracker();
    const { window } = t.bad('master', 1000, 1100, 'no reply within 100 ms', true, 'a:1');
    expect(window).toMatchObject({ stalledWrites: 0, failedWrites: 0, masterBefore: 'a:1' });
    t.count(window!, 'stalled');
    const [c] = t.ok('master', 1000, 1350);
    expect(c.window).toMatchObject({ durationMs: 350, stalledWrites: 1, failedWrites: 0 });
    // one found stalled, then failed: a failed write, not a stalled one
    const second = t.bad('master', 2000, 2100, 'no reply within 100 ms', true).window!;
    t.count(second, 'failed');
    expect(second).toMatchObject({ stalledWrites: 0, failedWrites: 1 });
  });

  it('keeps groups apart: one shard failing while another takes writes', () => {
    const t = new WindowTracker();
    t.bad('shard a', 100, 101, 'x', false);
    expect(t.ok('shard b', 150, 151)).toEqual([]);
    expect(t.openWindows().map((w) => w.group)).toEqual(['shard a']);
    t.ok('shard a', 600, 610);
    expect(t.totals()).toMatchObject({ count: 1, longestMs: 510 });
  });

  it('counts an open window up to now in the totals when asked, and keeps a bounded list', () => {
    const t = new WindowTracker(3);
    for (let i = 0; i < 5; i++) {
      t.bad('master', i * 1000, i * 1000 + 1, 'x', false);
      t.ok('master', i * 1000 + 10, i * 1000 + 20);
    }
    t.bad('master', 9000, 9001, 'x', false);
    expect(t.list().map((w) => w.id)).toEqual([4, 5, 6]);
    expect(t.totals()).toEqual({ count: 6, longestMs: 20, totalMs: 100, open: 1 });
    expect(t.totals(9500)).toEqual({ count: 6, longestMs: 500, totalMs: 600, open: 1 });
    expect(t.longest?.id).toBe(1);
  });
});

describe('one clock for every figure', () => {
  const STALL = 100;

  it('a write judged stalled in flight is still stalled when its reply comes, though blind time is noted later', () => {
    // the operator's drill: the timer ran at 0, the process was busy until 120; the stall scan ran first (at 120),
    // the timer only after it. Before: the timer's late wake-up was noted back to 5, after the scan had flagged the
    // write, so its reply (at 121) took 6 ms: "26 stalled" in the window, "0 acknowledged after the stall limit".
    const w = new LoopWatch(5, 15);
    w.timer(1000);
    // the scan sees the timer overdue: the busy stretch is blind time, the write is not flagged
    expect(w.latency(1000, 1120)).toBeLessThanOrEqual(STALL);
    w.timer(1121);
    expect(w.latency(1000, 1121)).toBeLessThanOrEqual(STALL);
  });

  it('never re-judges: blind time is only noted after the latest judgement', () => {
    const b = new BlindSpans();
    expect(b.judge(0, 150)).toBe(150); // judged stalled at 150
    b.add(5, 200); // noted late: only its part after 150 counts
    expect(b.judge(0, 210)).toBe(160);
    expect(b.judge(0, 210)).toBeGreaterThan(STALL);
  });

  it('a server that does not answer is judged stalled while the process runs on time', () => {
    const w = new LoopWatch(5, 15);
    for (let t = 0; t <= 200; t += 5) w.timer(t);
    expect(w.latency(50, 200)).toBe(150);
  });

  it('sums: the windows’ stalled writes are among the stalled writes, and then the slowest is past the limit', () => {
    // a checker's bookkeeping, step by step: what stall() and operate() do with the tracker
    const t = new WindowTracker();
    const w = new LoopWatch(5, 15);
    const counts = { stalled: 0, failed: 0, slowest: 0 };
    for (let now = 0; now <= 1000; now += 5) w.timer(now);
    // A: sent at 600, acknowledged at 900; B: sent at 610, failed at 950; C: sent at 730, acknowledged at 735
    const writes = [
      { sentAt: 600, outcome: 'ack' as const, at: 900 },
      { sentAt: 610, outcome: 'fail' as const, at: 950 },
      { sentAt: 730, outcome: 'ack' as const, at: 735 },
    ];
    const flagged = new Map<number, ReturnType<WindowTracker['bad']>['window']>();
    // the stall scan at 720: A and B in flight past the limit open the window (at A's send time)
    for (const x of writes.slice(0, 2)) if (w.latency(x.sentAt, 720) > STALL) flagged.set(x.sentAt, t.bad('shard a', x.sentAt, 720, 'no reply', true).window);
    // then the outcomes, in time order: C closes the window; A and B settle after it, in it
    for (const x of [...writes].sort((a, b) => a.at - b.at)) {
      const took = w.latency(x.sentAt, x.at);
      const win = flagged.get(x.sentAt);
      if (x.outcome === 'ack') {
        counts.slowest = Math.max(counts.slowest, took);
        if (took > STALL) {
          counts.stalled++;
          if (win) t.count(win, 'stalled');
        }
        t.ok('shard a', x.sentAt, x.at);
      } else {
        counts.failed++;
        if (win) t.count(win, 'failed');
      }
    }
    const list = t.list();
    const stalledInWindows = list.reduce((n, x) => n + x.stalledWrites, 0);
    const failedInWindows = list.reduce((n, x) => n + x.failedWrites, 0);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ startedAt: 600, endedAt: 735, stalledWrites: 1, failedWrites: 1 });
    expect(counts).toEqual({ stalled: 1, failed: 1, slowest: 300 });
    expect(stalledInWindows).toBeLessThanOrEqual(counts.stalled);
    expect(failedInWindows).toBeLessThanOrEqual(counts.failed);
    expect(counts.stalled > 0).toBe(counts.slowest > STALL);
  });
});

describe('operations in flight', () => {
  it('gives each group its share, so a hung shard cannot take every slot', () => {
    expect(inFlightLimits({ ...CHECKER_DEFAULTS, rate: 1000 }, 1)).toEqual({ max: 500, perGroup: 500 });
    expect(inFlightLimits({ ...CHECKER_DEFAULTS, rate: 1000 }, 3)).toEqual({ max: 500, perGroup: 167 });
    // the maximum rate: 16 in all
    expect(inFlightLimits({ ...CHECKER_DEFAULTS, rate: 0 }, 3)).toEqual({ max: 16, perGroup: 6 });
    expect(inFlightLimits({ ...CHECKER_DEFAULTS, rate: 0, counters: 4 }, 3)).toEqual({ max: 2, perGroup: 1 });
  });

  it('picks only counters whose group has room', () => {
    const b = new CounterBook(6);
    const group = [0, 0, 0, 1, 1, 1];
    for (let n = 0; n < 50; n++) expect(group[b.pick(Math.random, (i) => group[i] === 1)]).toBe(1);
    expect(b.pick(Math.random, () => false)).toBe(-1);
  });
});

describe('BlindSpans', () => {
  it('takes the time the process was not running out of a latency', () => {
    const b = new BlindSpans(2);
    b.add(100, 180);
    expect(b.effective(50, 200)).toBe(70);
    expect(b.effective(150, 160)).toBe(0);
    b.add(300, 310);
    b.add(400, 420); // the oldest span falls out
    expect(b.overlap(0, 1000)).toBe(30);
  });
});

describe('ROLE', () => {
  it('parses master, replica and sentinel replies', () => {
    expect(parseRole(['master', 3129659, [['127.0.0.1', '9001', '3129242'], ['127.0.0.1', '9002', '3129543']]])).toEqual({
      role: 'master',
      offset: 3129659,
      replicas: ['127.0.0.1:9001', '127.0.0.1:9002'],
    });
    expect(parseRole(['slave', '127.0.0.1', 9000, 'connected', 3167038])).toEqual({ role: 'replica', master: '127.0.0.1:9000', state: 'connected', offset: 3167038 });
    expect(parseRole(['sentinel', ['mymaster']])).toEqual({ role: 'sentinel' });
    expect(parseRole('nonsense')).toEqual({ role: 'unknown' });
  });

  it('picks the master the replicas follow over an old master back empty', () => {
    const roles = new Map<string, RoleReply>([
      ['a:1', { role: 'master', offset: 0, replicas: [] }],
      ['b:2', { role: 'master', offset: 5000, replicas: ['c:3'] }],
      ['c:3', { role: 'replica', master: 'b:2', state: 'connected', offset: 5000 }],
    ]);
    expect(pickMaster(roles)).toBe('b:2');
    expect(pickMaster(new Map([['a:1', { role: 'master', offset: 10, replicas: [] }], ['b:2', { role: 'master', offset: 20, replicas: [] }]]))).toBe('b:2');
    expect(pickMaster(new Map([['c:3', { role: 'replica', master: 'b:2', state: 'connect', offset: 0 }]]))).toBeUndefined();
  });
});

describe('errors and rates', () => {
  it('knows a refused write from one of unknown fate', () => {
    const reply = Object.assign(new Error("READONLY You can't write against a read only replica."), { name: 'ReplyError' });
    expect(certainlyNotApplied(reply)).toBe(true);
    expect(certainlyNotApplied(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe(true);
    expect(certainlyNotApplied(new Error('Too many Cluster redirections. Last error: ReplyError: CLUSTERDOWN The cluster is down'))).toBe(true);
    expect(certainlyNotApplied(new Error('Command timed out'))).toBe(false);
    expect(certainlyNotApplied(new Error('Connection is closed.'))).toBe(false);
    expect(certainlyNotApplied(new Error('Too many Cluster redirections. Last error: Error: Connection is closed.'))).toBe(false);
  });

  it('turns two snapshots into rates a second', () => {
    const a = zeroCounts();
    const b = { ...zeroCounts(), reads: 500, writes: 490, writeErrors: 10 };
    expect(perSecond(a, b, 500)).toEqual({ reads: 1000, readErrors: 0, writes: 980, writeErrors: 20 });
  });
});
