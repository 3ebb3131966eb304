import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { render as inkRender } from 'ink';
import { render } from 'ink-testing-library';
import { App } from '../../src/ui/App.js';
import { Ctx } from '../../src/ui/context.js';
import { themeFor } from '../../src/ui/theme.js';
import { uiActions } from '../../src/store/actions.js';
import { applyEvents } from '../../src/store/reduce.js';
import type { DrillTick } from '../../src/engine/drill/types.js';
import { initialState } from '../../src/store/state.js';
import { createAppStore } from '../../src/store/store.js';
import { fixtureEvents, NODES } from './fixtures.js';
import { fakeTerminal, recordingIntents, strip, until } from './helpers.js';

function mount(size = { columns: 80, rows: 24 }) {
  const store = createAppStore(applyEvents(initialState(), fixtureEvents()));
  let quit = 0;
  const { asked, intents } = recordingIntents();
  const ctx = { store, actions: uiActions(store), theme: themeFor({ NO_COLOR: '1' }), intents };
  const r = render(
    <Ctx.Provider value={ctx}>
      <App size={size} onQuit={() => quit++} />
    </Ctx.Provider>,
  );
  return { ...r, store, asked, ctx, frame: () => strip(r.lastFrame()), quits: () => quit };
}

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('console', () => {
  it('draws the chain, the Sentinel and a down node in words, within 80x24', () => {
    const m = mount();
    cleanup = m.unmount;
    const f = m.frame();
    expect(f).toContain('master 127.0.0.1:7001');
    expect(f).toContain('└─ r1 127.0.0.1:7002');
    expect(f).toContain('└─ r2 127.0.0.1:7003');
    expect(f).toMatch(/r2 127\.0\.0\.1:7003\s+✗ DOWN\s.*down \d/);
    expect(f).toContain('s1 127.0.0.1:7010');
    expect(f).toContain('1 DOWN');
    const lines = f.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('moves the selection with j/k and arrows, and Enter shows details', async () => {
    const m = mount();
    cleanup = m.unmount;
    expect(m.store.getState().ui.selected).toBe('127.0.0.1:7001');
    m.stdin.write('j');
    await until(() => m.store.getState().ui.selected === '127.0.0.1:7002', 'j to select r1');
    m.stdin.write('\x1b[B'); // down arrow
    await until(() => m.store.getState().ui.selected === '127.0.0.1:7003', 'down arrow to select r2');
    m.stdin.write('k');
    await until(() => m.store.getState().ui.selected === '127.0.0.1:7002', 'k back to r1');
    m.stdin.write('\r');
    await until(() => m.frame().includes('Details · r1'), 'details of r1');
    expect(m.frame()).toMatch(/master\s+127\.0\.0\.1:7001 · link up/);
    expect(m.frame()).toContain('▶ Details');
  });

  it('keeps the topology header and every row when details open and close', async () => {
    const m = mount({ columns: 100, rows: 30 });
    cleanup = m.unmount;
    const more = [11, 12, 13].map((p) => ({ type: 'node' as const, node: { ...NODES[3], id: `127.0.0.1:70${p}`, port: 7000 + p, label: `s${p}` } }));
    m.store.setState(applyEvents(m.store.getState(), more));
    await until(() => m.frame().includes('s13 127.0.0.1:7013'), 'seven nodes');
    m.stdin.write('\r');
    await until(() => m.frame().includes('Details · master'), 'details open');
    m.stdin.write('\x1b');
    await until(() => !m.frame().includes('Details · master'), 'details closed');
    const topo = m.frame().split('\n').slice(2, 12);
    expect(topo[1]).toMatch(/│NODE\s+ROLE/);
    for (const label of ['master', 'r1', 'r2', 's1', 's11', 's12', 's13']) expect(m.frame()).toContain(`${label} 127.0.0.1:70`);
  });

  it('takes keys sent together in one chunk one by one', async () => {
    const m = mount();
    cleanup = m.unmount;
    m.stdin.write('jj\r');
    await until(() => m.frame().includes('Details · r2'), 'r2 selected and its details open');
  });

  it('shows a down node as down in its details', async () => {
    const m = mount();
    cleanup = m.unmount;
    m.stdin.write('j');
    m.stdin.write('j');
    await until(() => m.store.getState().ui.selected === '127.0.0.1:7003', 'r2 selected');
    m.stdin.write('\r');
    await until(() => m.frame().includes('Details · r2'), 'details of r2');
    expect(m.frame()).toMatch(/status\s+DOWN since/);
    expect(m.frame()).toContain('connection refused');
  });

  it('opens and closes help with ?, listing every key', async () => {
    const m = mount();
    cleanup = m.unmount;
    m.stdin.write('?');
    await until(() => m.frame().includes('Help · keys'), 'help open');
    for (const k of ['↑/k', '↓/j', 'Enter', 'Tab', 'PgUp', 'Esc', 'q']) expect(m.frame()).toContain(k);
    m.stdin.write('?');
    await until(() => !m.frame().includes('Help · keys'), 'help closed');
    expect(m.frame()).toContain('Topology');
  });

  it('moves focus with Tab and quits with q', async () => {
    const m = mount();
    cleanup = m.unmount;
    expect(m.frame()).toContain('▶ Topology');
    m.stdin.write('\t');
    await until(() => m.frame().includes('▶ Events'), 'focus on the event log');
    m.stdin.write('q');
    await until(() => m.quits() === 1, 'quit');
  });

  it('puts details beside the event log on a wide terminal', async () => {
    // ink-testing-library's terminal is 100 columns; a wide one needs a stdout of its own
    const { frames, stdout, stdin } = fakeTerminal(140, 40);
    const store = createAppStore(applyEvents(initialState(), fixtureEvents()));
    store.setState((s) => ({ ui: { ...s.ui, detail: true, focus: 'detail' } }));
    const ctx = { store, actions: uiActions(store), theme: themeFor({ NO_COLOR: '1' }) };
    const inst = inkRender(
      <Ctx.Provider value={ctx}>
        <App size={{ columns: 140, rows: 40 }} onQuit={() => undefined} />
      </Ctx.Provider>,
      { stdout, stdin, debug: true, patchConsole: false },
    );
    cleanup = () => inst.unmount();
    await until(() => frames.some((x) => x.includes('Topology')), 'a frame');
    const f = strip(frames.filter((x) => x.includes('Topology')).pop());
    expect(f).toMatch(/Details · master.*Events · 1/);
    expect(f).toMatch(/NODE\s+ROLE\s+LINK\s+OFFSET\s+LAG\s+KEYS\s+RATE\s+MEM\s+CLI\s+NOTE/);
    expect(f).toContain('mymaster 127.0.0.1:7001 q2');
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(140);
    expect(frames.join('')).not.toMatch(/ERROR|Raw mode/);
  });

  it('Tab skips the event log while details take its place, and ↑↓ scroll the details', async () => {
    const m = mount({ columns: 80, rows: 16 });
    cleanup = m.unmount;
    m.stdin.write('j');
    m.stdin.write('\r');
    await until(() => m.frame().includes('▶ Details · r1'), 'details of r1, focused');
    expect(m.frame()).toMatch(/Details · r1 · 1-\d+\/\d+ ↑↓/);
    m.stdin.write('j');
    await until(() => /Details · r1 · 2-/.test(m.frame()), 'details scrolled');
    expect(m.store.getState().ui.selected).toBe('127.0.0.1:7002');
    m.stdin.write('\t');
    await until(() => m.frame().includes('▶ Topology'), 'focus back on the topology');
    expect(m.store.getState().ui.focus).toBe('topology');
  });

  it('marks a pair, asks for a typed yes before a snapshot, shows the bars, and stops', async () => {
    const m = mount({ columns: 100, rows: 30 });
    cleanup = m.unmount;
    m.stdin.write('S'); // master is selected
    await until(() => m.frame().includes('SOURCE'), 'source marked');
    m.stdin.write('jj');
    await until(() => m.store.getState().ui.selected === '127.0.0.1:7003', 'r2 selected');
    m.stdin.write('k');
    await until(() => m.store.getState().ui.selected === '127.0.0.1:7002', 'r1 selected');
    m.stdin.write('T');
    await until(() => m.frame().includes('TARGET'), 'target marked');
    expect(m.frame()).toContain('master 127.0.0.1:7001 → r1 127.0.0.1:7002');
    m.stdin.write('s');
    await until(() => m.frame().includes('type yes and Enter'), 'the typed confirmation');
    m.stdin.write('no');
    m.stdin.write('\r');
    await until(() => !m.frame().includes('type yes'), 'prompt closed');
    expect(m.asked).toEqual([]); // "no" starts nothing
    m.stdin.write('s');
    await until(() => m.frame().includes('type yes'), 'asked again');
    m.stdin.write('yes\r');
    await until(() => m.asked.length === 1, 'snapshot started');
    expect(m.asked[0]).toBe('snapshot 127.0.0.1:7001 127.0.0.1:7002');
    m.store.setState(
      applyEvents(m.store.getState(), [
        { type: 'job-started', kind: 'snapshot', source: 'redis://127.0.0.1:7001', target: 'redis://127.0.0.1:7002', at: Date.now() },
        { type: 'job-progress', progress: { phase: 'snapshot', done: 500, total: 1000, keysPerSec: 250 } },
      ]),
    );
    await until(() => /Scanning\s+█+░+ 50% 500\/1000 · 250 keys\/s · ETA 2\.0s/.test(m.frame()), 'the Scanning bar');
    m.stdin.write('x');
    await until(() => m.asked.includes('stop'), 'stop asked');
    m.store.setState(
      applyEvents(m.store.getState(), [
        { type: 'job-phase-done', phase: 'snapshot', ok: true, line: '500 written, 0 vanished, 0 skipped, 0 failed in 2.0s' },
        { type: 'job-ended', state: 'stopped', at: Date.now() },
      ]),
    );
    await until(() => m.frame().includes('STOPPED') && m.frame().includes('✓ snapshot 500 written'), 'the result');
    m.stdin.write('c');
    await until(() => m.asked.length === 3, 'compare started without asking');
    expect(m.asked[2]).toBe('compare 127.0.0.1:7001 127.0.0.1:7002');
  });
});

describe('live replication from the console', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('l asks for a typed yes, then shows the Listening meters and offsets; x stops it', async () => {
    const m = mount({ columns: 110, rows: 30 });
    cleanup = m.unmount;
    m.stdin.write('S');
    await until(() => m.frame().includes('SOURCE'), 'source marked');
    m.stdin.write('j');
    await until(() => m.store.getState().ui.selected === '127.0.0.1:7002', 'r1 selected');
    m.stdin.write('T');
    await until(() => m.frame().includes('l: live (both ask first)'), 'the hint');
    m.stdin.write('l');
    await until(() => m.frame().includes('live replication (PSYNC: the data, then every change until x)'), 'the live prompt');
    m.stdin.write('yes\r');
    await until(() => m.asked.length === 1, 'live started');
    expect(m.asked[0]).toBe('live 127.0.0.1:7001 127.0.0.1:7002');
    const stats = {
      phase: 'streaming' as const, source: 'psync' as const, sourceOffset: 5000, receivedOffset: 5000, appliedOffset: 4990, lagBytes: 10, ageP50Ms: 2, ageP99Ms: 9, queueDepth: 1, opsPerSec: 1200,
      applied: 34_000, rdbKeys: 1000, rdbBigKeys: 0, filtered: 0, failed: 0, fullResyncs: 0, partialResyncs: 1, reconnects: 1, flushes: 0, splitTransactions: 0, events: 0, droppedEvents: 0, overflows: 0, idleMs: 0, streams: 1,
    };
    m.store.setState(
      applyEvents(m.store.getState(), [
        { type: 'job-started', kind: 'live', source: 'redis://127.0.0.1:7001', target: 'redis://127.0.0.1:7002', at: Date.now() },
        { type: 'job-live', stats },
        { type: 'job-log', level: 'info', message: 'stream from 127.0.0.1:7001: partial resync from offset 4000 (nothing lost)', at: Date.now() },
      ]),
    );
    await until(() => /Listening . 34,000 applied · lag 10 B · age p50 2 ms p99 9 ms · queue 1 · 1,200 ops\/s · resyncs 1/.test(m.frame()), 'the Listening line');
    expect(m.frame()).toMatch(/offset source 5,000 · applied 4,990 · 1 stream · 1000 keys from the RDB/);
    expect(m.frame()).toMatch(/partial resync from offset 4000/);
    m.stdin.write('x');
    await until(() => m.asked.includes('stop'), 'stop asked');
  });
});

describe('a drill from the console', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('d asks for a typed yes, starts the drill on the selected node, shows its pane, and d stops it', async () => {
    const m = mount({ columns: 110, rows: 34 });
    cleanup = m.unmount;
    m.stdin.write('d');
    await until(() => m.frame().includes("drill on master 127.0.0.1:7001's deployment"), 'the drill prompt');
    expect(m.frame()).toContain('writes cutover:drill:* keys into it: type yes and Enter');
    m.stdin.write('yes\r');
    await until(() => m.asked.length === 1, 'drill started');
    expect(m.asked[0]).toBe('drill 127.0.0.1:7001');
    const tick: DrillTick = {
      at: Date.now(), elapsedMs: 2000, state: 'running', target: '127.0.0.1:7001', master: '127.0.0.1:7001', slowestWriteMs: 3,
      counts: { reads: 1998, readErrors: 0, writes: 1995, writeErrors: 0, uncertain: 0, stalled: 0, lost: 0, unacked: 0 },
      perSecond: { reads: 1000, readErrors: 0, writes: 1000, writeErrors: 0 },
      windows: { count: 0, totalMs: 0, longestMs: 0, open: 0 },
    };
    m.store.setState(applyEvents(m.store.getState(), [{ type: 'drill-started', target: 'sentinel 127.0.0.1:7010 · master \'mymaster\'', at: Date.now() }, { type: 'drill', event: { type: 'tick', tick } }]));
    await until(() => m.frame().includes('Drill · running'), 'the drill pane');
    expect(m.frame()).toMatch(/1,998 reads \(0 err\) \| 1,995 writes \(0 err\) \| lost 0 \| unacked 0/);
    m.stdin.write('d');
    await until(() => m.asked.includes('stop drill'), 'stop asked');
  });
});

describe('the failover wizard', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('f opens it on the selected replica; the plan, the typed candidate, the checklist and the outcome', async () => {
    const m = mount({ columns: 100, rows: 40 });
    cleanup = m.unmount;
    const answers: string[] = [];
    Object.assign(m.ctx.intents, {
      startFailover: (id: string) => void m.asked.push(`failover ${id}`),
      answerFailover: (typed: string) => void answers.push(typed),
      cancelFailover: () => void m.asked.push('cancel failover'),
    });
    m.stdin.write('j');
    await until(() => m.store.getState().ui.selected === '127.0.0.1:7002', 'r1 selected');
    m.stdin.write('f');
    await until(() => m.asked.includes('failover 127.0.0.1:7002'), 'the wizard asked for');
    const step = (index: number, id: string, command: string[], changesRole = false) => ({ index, id, kind: 'command' as const, node: '127.0.0.1:7001', command, why: id, changesRole });
    const plan = {
      procedure: 'failover' as const, title: 'planned failover · replication · 127.0.0.1:7001 → 127.0.0.1:7002', mode: 'planned', nodes: [],
      checks: [{ ok: true, text: "127.0.0.1:7002's link is up" }, { ok: true, text: 'lag 0 B' }], notes: ['nothing is lost: writes pause first'],
      steps: [step(0, 'pause', ['CLIENT', 'PAUSE', '5000', 'WRITE']), step(1, 'promote', ['REPLICAOF', 'NO', 'ONE'], true)],
      confirmWord: '127.0.0.1:7002', estimate: 'a few ms',
    };
    m.store.setState(applyEvents(m.store.getState(), [{ type: 'wizard-started', node: '127.0.0.1:7002', unplanned: false, at: Date.now() }, { type: 'wizard', event: { type: 'plan', plan } }]));
    await until(() => m.frame().includes('Failover · waiting for you'), 'the plan');
    const f = m.frame();
    expect(f).toContain('✓ 127.0.0.1:7002\'s link is up');
    expect(f).toContain('· 1/2 127.0.0.1:7001  CLIENT PAUSE 5000 WRITE');
    expect(f).toContain('· 2/2 127.0.0.1:7001  REPLICAOF NO ONE   [changes roles]');
    expect(f).toContain('type 127.0.0.1:7002 and Enter to run it');
    m.stdin.write('\t');
    await until(() => m.frame().includes('drill alongside [on]'), 'the drill toggled');
    m.stdin.write('127.0.0.1:7002');
    await until(() => m.frame().includes('> 127.0.0.1:7002▌'), 'typed');
    m.stdin.write('\r');
    await until(() => answers.length === 1, 'answered');
    expect(answers).toEqual(['127.0.0.1:7002']);
    const at = Date.now();
    m.store.setState(
      applyEvents(m.store.getState(), [
        { type: 'wizard', event: { type: 'confirm', word: '127.0.0.1:7002', granted: true } },
        { type: 'wizard', event: { type: 'step-start', step: plan.steps[0], at } },
        { type: 'wizard', event: { type: 'step-done', step: plan.steps[0], at, ms: 2, reply: 'OK' } },
        { type: 'wizard', event: { type: 'step-start', step: plan.steps[1], at } },
      ]),
    );
    await until(() => m.frame().includes('✓ 1/2 127.0.0.1:7001  CLIENT PAUSE 5000 WRITE → OK (2 ms)'), 'a step done');
    expect(m.frame()).toMatch(/▸ 2\/2 127\.0\.0\.1:7001  REPLICAOF NO ONE/);
    m.stdin.write('x');
    await until(() => m.asked.includes('cancel failover'), 'x stops the wizard, not a job');
    m.store.setState(
      applyEvents(m.store.getState(), [
        { type: 'wizard', event: { type: 'step-done', step: plan.steps[1], at, ms: 3, reply: 'OK' } },
        { type: 'wizard', event: { type: 'summary', outcome: { status: 'done', results: [], measures: [{ label: 'write pause', ms: 5 }], marks: {}, notes: [], elapsedMs: 40, journal: 'cutover-failover-x.jsonl' } } },
      ]),
    );
    await until(() => m.frame().includes('Failover · done'), 'the outcome');
    expect(m.frame()).toContain('write pause: 5 ms');
    expect(m.frame()).toContain('journal cutover-failover-x.jsonl · Esc closes');
    m.stdin.write('\x1b');
    await until(() => !m.frame().includes('Failover ·'), 'closed');
  });
});
