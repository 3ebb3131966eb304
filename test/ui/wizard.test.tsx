// The failover wizard in the console at 80×24 and 120×36: focus and scrolling, wrapped reasons and commands, the
// typed confirmation always in view, a finished drill giving way, f on a Sentinel, the help and hints wrapped.
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { render as inkRender } from 'ink';
import { App } from '../../src/ui/App.js';
import { Ctx } from '../../src/ui/context.js';
import { themeFor } from '../../src/ui/theme.js';
import { uiActions } from '../../src/store/actions.js';
import { applyEvents } from '../../src/store/reduce.js';
import { initialState, type AppEvent } from '../../src/store/state.js';
import { createAppStore } from '../../src/store/store.js';
import type { DrillSummary } from '../../src/engine/drill/types.js';
import type { Outcome, PlanView, StepView } from '../../src/engine/failover/types.js';
import { fixtureEvents, NODES } from './fixtures.js';
import { fakeTerminal, recordingIntents, strip, until } from './helpers.js';

/** A terminal of any size (ink-testing-library's is 100 columns): its frames, and keys sent to it. */
function mount(size: { columns: number; rows: number }) {
  const { frames, stdout, stdin, type: write } = fakeTerminal(size.columns, size.rows);
  const store = createAppStore(applyEvents(initialState(), fixtureEvents()));
  const { asked, intents } = recordingIntents();
  const ctx = { store, actions: uiActions(store), theme: themeFor({ NO_COLOR: '1' }), intents };
  const inst = inkRender(
    <Ctx.Provider value={ctx}>
      <App size={size} onQuit={() => undefined} />
    </Ctx.Provider>,
    { stdout, stdin, debug: true, patchConsole: false, exitOnCtrlC: false },
  );
  const frame = () => strip(frames.at(-1));
  const feed = (events: AppEvent[]) => store.setState(applyEvents(store.getState(), events));
  return { store, asked, write, frame, feed, unmount: () => inst.unmount() };
}

/** Every line of the frame within the terminal, and the whole at most rows − 1 tall (ink's redraw pitfall). */
function fits(frame: string, size: { columns: number; rows: number }) {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThanOrEqual(size.rows - 1);
  for (const l of lines) expect(l.length).toBeLessThanOrEqual(size.columns);
}

/** The frame's text with the pane borders and the wrapping undone: what the operator can read, in one string. */
function readable(frame: string): string {
  return frame
    .split('\n')
    .map((l) => l.replace(/^[│┌└]|[│┐┘]$/g, '').replace(/││/g, ' ').trim())
    .join(' ')
    .replace(/\s+/g, ' ');
}

const R1 = '127.0.0.1:7002';
const cmd = (index: number, node: string, command: string[], changesRole = false): StepView => ({ index, id: `s${index}`, kind: 'command', node, command, why: 'why', changesRole });
const wait = (index: number, what: string): StepView => ({ index, id: `w${index}`, kind: 'wait', what, why: 'why', changesRole: false });

const STEPS: StepView[] = [
  cmd(0, '127.0.0.1:7001', ['CLIENT', 'PAUSE', '5000', 'WRITE']),
  wait(1, "until 127.0.0.1:7002's offset reaches 127.0.0.1:7001's offset at the pause"),
  cmd(2, '127.0.0.1:7010', ['SENTINEL', 'FAILOVER', 'mymaster'], true),
  wait(3, 'until 127.0.0.1:7002 (or another replica the Sentinels choose) reports role master'),
  cmd(4, '127.0.0.1:7001', ['REPLICAOF', '127.0.0.1', '7002'], true),
  cmd(5, '127.0.0.1:7001', ['CLIENT', 'UNPAUSE']),
  wait(6, "until every Sentinel (3) names 127.0.0.1:7002 as mymaster's master"),
  wait(7, 'if the Sentinels promoted another replica than 127.0.0.1:7002: make it a replica before cluster nodes agree, with CLUSTER REPLICATE 3f2a9c0d5e7b1a4c6d8e0f2a4b6c8d0e1f3a5b7c'),
  wait(8, "until 127.0.0.1:7001 replicates from 127.0.0.1:7002 with its link up"),
  cmd(9, '127.0.0.1:7001', ['CONFIG', 'REWRITE']),
  wait(10, 'list the clients still connected to 127.0.0.1:7001 (CLIENT LIST)'),
  wait(11, 'verify: 127.0.0.1:7002 is master and every node that answers replicates from it'),
];

const PLAN: PlanView = {
  procedure: 'failover',
  title: 'planned failover · sentinel mymaster · 127.0.0.1:7001 → 127.0.0.1:7002',
  mode: 'planned',
  nodes: [],
  checks: [
    { ok: true, text: '127.0.0.1:7002 answers' },
    { ok: true, text: "127.0.0.1:7002's link to the master is up" },
    { ok: true, text: 'Sentinel quorum: OK 3 usable Sentinels. Quorum and failover authorization can be reached' },
  ],
  notes: ['the Sentinels choose the replica themselves (replica-priority, then offset); the wizard checks they would choose 127.0.0.1:7002'],
  steps: STEPS,
  confirmWord: R1,
  estimate: 'writes pause on 127.0.0.1:7001 from CLIENT PAUSE until the Sentinels have promoted 127.0.0.1:7002: about half a second',
};

const JOURNAL = 'cutover-failover-20261122-025009.jsonl';
const ERROR = 'unexpected reply: ERR the replica 127.0.0.1:7003 is not known to the Sentinels of mymaster (SENTINEL REPLICAS lists 127.0.0.1:7002 only)';

function failedOutcome(): Outcome {
  return {
    status: 'failed',
    failed: { step: STEPS[7], error: ERROR },
    results: [],
    measures: [{ label: 'write pause (old master stops writes → new master takes them)', ms: 465 }],
    marks: {},
    notes: [],
    nodes: [
      { id: '127.0.0.1:7001', reachable: true, role: 'replica', masterId: R1, link: 'up', offset: 97800 },
      { id: R1, reachable: true, role: 'master', offset: 97800 },
      { id: '127.0.0.1:7003', reachable: true, role: 'replica', masterId: '127.0.0.1:7001', link: 'down', offset: 97000 },
    ],
    wayBack: {
      summary: '127.0.0.1:7002 is the master; 127.0.0.1:7003 still follows the old master',
      commands: [{ node: '127.0.0.1:7003', argv: ['REPLICAOF', '127.0.0.1', '7002'], why: 'follow the new master' }],
    },
    remaining: [STEPS[7], STEPS[9]],
    journal: JOURNAL,
    elapsedMs: 2300,
  };
}

/** Opens the wizard on r1 and runs it to a failure at step 8. */
async function failedRun(m: ReturnType<typeof mount>) {
  m.write('j');
  await until(() => m.store.getState().ui.selected === R1, 'r1 selected');
  m.write('f');
  await until(() => m.asked.includes(`failover ${R1}`), 'the wizard asked for');
  const at = Date.now();
  const events: AppEvent[] = [
    { type: 'wizard-started', node: R1, unplanned: false, at },
    { type: 'wizard', event: { type: 'plan', plan: PLAN } },
    { type: 'wizard', event: { type: 'confirm', word: R1, granted: true } },
  ];
  for (const s of STEPS.slice(0, 7)) events.push({ type: 'wizard', event: { type: 'step-start', step: s, at } }, { type: 'wizard', event: { type: 'step-done', step: s, at, ms: 3, reply: 'OK' } });
  events.push(
    { type: 'wizard', event: { type: 'step-start', step: STEPS[7], at } },
    { type: 'wizard', event: { type: 'step-failed', step: STEPS[7], at, ms: 12, error: ERROR } },
    { type: 'wizard', event: { type: 'summary', outcome: failedOutcome() } },
  );
  m.feed(events);
  await until(() => m.frame().includes('Failover · FAILED'), 'the outcome');
}

function drillSummary(reason: DrillSummary['reason']): DrillSummary {
  const at = Date.now();
  return {
    mode: 'sentinel', target: 'sentinel 127.0.0.1:7010', counters: 1000, prefix: 'cutover:drill:', rate: 1000, startedAt: at - 3800, endedAt: at, durationMs: 3800,
    counts: { reads: 4596, readErrors: 0, writes: 3596, writeErrors: 0, uncertain: 0, stalled: 0, lost: 0, unacked: 0 }, lost: 0,
    windows: { count: 0, totalMs: 0, longestMs: 0, open: 0 }, slowestWriteMs: 3, windowList: [], masters: ['127.0.0.1:7001'], finalCheck: { checked: 1000, unchecked: 0 }, reason,
    ...(reason === 'failed' ? { error: 'could not connect' } : {}),
  } as DrillSummary;
}

const SIZES = [
  { columns: 80, rows: 24 },
  { columns: 120, rows: 36 },
];

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

describe.each(SIZES)('a finished failover at $columns×$rows', (size) => {
  it('takes the focus with Tab, scrolls to its end with PgDn and ↓/j, and wraps the reasons, errors and commands', async () => {
    const m = mount(size);
    cleanup = m.unmount;
    await failedRun(m);
    // opened with f, the wizard has the focus; its outcome is first on screen
    expect(m.frame()).toContain('▶ Failover · FAILED');
    expect(m.frame()).toMatch(/FAILED: planned failover/);
    fits(m.frame(), size);
    // Tab goes round the panes on screen, the wizard among them
    m.write('\t');
    await until(() => !m.frame().includes('▶ Failover'), 'focus moved on');
    for (let i = 0; i < 3 && !m.frame().includes('▶ Failover'); i++) {
      const before = m.frame();
      m.write('\t');
      await until(() => m.frame() !== before, 'focus moved on');
    }
    expect(m.frame()).toContain('▶ Failover · FAILED');
    // PgDn to the end: the node states, the way back, what is left to do, the journal (once)
    const atEnd = () => new RegExp(`Failover · FAILED · \\d+-(\\d+)/\\1 ↑↓`).test(m.frame());
    const seen: string[] = [readable(m.frame())];
    for (let i = 0; i < 20 && !atEnd(); i++) {
      const before = m.frame();
      m.write('\x1b[6~');
      await until(() => m.frame() !== before, 'scrolled down');
      seen.push(readable(m.frame()));
    }
    const all = seen.join(' ');
    expect(all).toContain('nodes now:');
    expect(all).toMatch(/127\.0\.0\.1:7003 +replica of 127\.0\.0\.1:7001 · link down · offset 97000/);
    expect(all).toContain('the way back (cutover has not run these):');
    expect(all).toContain('127.0.0.1:7003 REPLICAOF 127.0.0.1 7002 # follow the new master');
    // the failure with its whole error, and the instruction with its whole command
    expect(all).toContain(`failed at step 8 (if the Sentinels promoted another replica than 127.0.0.1:7002: make it a replica before cluster nodes agree, with CLUSTER REPLICATE 3f2a9c0d5e7b1a4c6d8e0f2a4b6c8d0e1f3a5b7c): ${ERROR}`);
    const end = m.frame();
    expect(end).toMatch(new RegExp(`Failover · FAILED · \\d+-(\\d+)/\\1 ↑↓`));
    expect(end).toContain(`journal ${JOURNAL} · Esc closes`);
    expect(end.split(JOURNAL).length - 1).toBe(1);
    expect(all).not.toContain(`journal: ${JOURNAL}`);
    // nothing cut at the wizard's right edge (the event log beside it on a wide terminal truncates its own lines)
    expect(end).not.toMatch(size.columns >= 120 ? /…││/ : /…│$/m);
    fits(end, size);
    // PgUp and k scroll back
    m.write('\x1b[5~');
    m.write('k');
    await until(() => !new RegExp(`· \\d+-(\\d+)/\\1 ↑↓`).test(m.frame()), 'scrolled back');
    // Esc closes it; the focus goes back to the topology
    m.write('\x1b');
    await until(() => !m.frame().includes('Failover ·'), 'closed');
    expect(m.frame()).toContain('▶ Topology');
  });

  it('wraps a refusal reason instead of cutting it', async () => {
    const m = mount(size);
    cleanup = m.unmount;
    const reason = 'the Sentinels would promote 127.0.0.1:7003 (replica-priority 100, offset 19210), not 127.0.0.1:7002 (replica-priority 100, offset 19100): give 127.0.0.1:7003 replica-priority 0 first, or select it';
    const plan = { ...PLAN, checks: [...PLAN.checks, { ok: false, text: reason }] };
    m.feed([
      { type: 'wizard-started', node: R1, unplanned: false, at: Date.now() },
      { type: 'wizard', event: { type: 'plan', plan } },
      { type: 'wizard', event: { type: 'summary', outcome: { status: 'refused', results: [], measures: [], marks: {}, notes: [], elapsedMs: 0 } } },
    ]);
    await until(() => m.frame().includes('Failover · REFUSED'), 'the refusal');
    expect(readable(m.frame())).toContain(`✗ ${reason}`);
    fits(m.frame(), size);
  });
});

describe('the typed confirmation', () => {
  it('at 80×24 after a drill: the instruction and the > line show, the finished drill gives way, ↑↓ scroll the plan', async () => {
    const size = { columns: 80, rows: 24 };
    const m = mount(size);
    cleanup = m.unmount;
    m.feed([
      { type: 'drill-started', target: 'sentinel 127.0.0.1:7010', at: Date.now() - 5000 },
      { type: 'drill', event: { type: 'done', summary: drillSummary('stopped') } },
    ]);
    await until(() => m.frame().includes('Drill · done'), 'the finished drill');
    m.write('j');
    await until(() => m.store.getState().ui.selected === R1, 'r1 selected');
    m.write('f');
    await until(() => m.asked.includes(`failover ${R1}`), 'asked');
    m.feed([
      { type: 'wizard-started', node: R1, unplanned: false, at: Date.now() },
      { type: 'wizard', event: { type: 'plan', plan: PLAN } },
    ]);
    await until(() => m.frame().includes('Failover · waiting for you'), 'the plan');
    const f = m.frame();
    expect(f).not.toContain('Drill · done');
    expect(readable(f)).toContain(`type ${R1} and Enter to run it · Esc: nothing changes · Tab: drill alongside [off]`);
    expect(f).toMatch(/│> ▌ +│/);
    expect(f).toMatch(/Failover · waiting for you · 1-\d+\/\d+ ↑↓/);
    expect(f).toMatch(/Enter run {2}Esc nothing changes {2}Tab drill {2}↑↓ scroll {2}PgUp\/PgDn page/);
    fits(f, size);
    // arrows and pages scroll the plan while letters type the candidate
    m.write('\x1b[6~');
    await until(() => /Failover · waiting for you · [2-9]\d*-/.test(m.frame()), 'the plan scrolled');
    m.write('\x1b[B');
    m.write('127.0.0.1:7');
    await until(() => m.frame().includes('> 127.0.0.1:7▌'), 'typed');
    expect(m.frame()).toContain(`type ${R1} and Enter`);
    fits(m.frame(), size);
    // the frame flashes no second Events pane and stays within the terminal in every state it passed through
    m.write('\x1b');
    await until(() => m.asked.includes('answer '), 'declined');
  });

  it('keeps the instruction and the input line at the smallest terminal with a drill running alongside', async () => {
    const size = { columns: 80, rows: 24 };
    const m = mount(size);
    cleanup = m.unmount;
    const at = Date.now();
    m.feed([
      { type: 'drill-started', target: 'sentinel 127.0.0.1:7010', at },
      { type: 'wizard-started', node: R1, unplanned: false, at },
      { type: 'wizard', event: { type: 'plan', plan: PLAN } },
      { type: 'job-started', kind: 'snapshot', source: 'a', target: 'b', at },
    ] as AppEvent[]);
    await until(() => m.frame().includes('Failover · waiting for you'), 'the plan');
    expect(m.frame()).toMatch(/│> ▌ +│/);
    expect(m.frame()).toContain(`type ${R1} and Enter`);
    fits(m.frame(), size);
  });
});

describe('Esc on a finished drill', () => {
  it('dismisses its pane', async () => {
    const m = mount({ columns: 80, rows: 24 });
    cleanup = m.unmount;
    m.feed([{ type: 'drill-started', target: 'x', at: Date.now() }, { type: 'drill', event: { type: 'done', summary: drillSummary('failed') } }]);
    await until(() => m.frame().includes('Drill · FAILED'), 'the drill pane');
    m.write('\x1b');
    await until(() => !m.frame().includes('Drill ·'), 'dismissed');
    expect(m.store.getState().drill).toBeUndefined();
  });
});

describe('f on a Sentinel', () => {
  it('opens the wizard for the master it watches, and says so', async () => {
    const m = mount({ columns: 120, rows: 36 });
    cleanup = m.unmount;
    m.write('jjj');
    await until(() => m.store.getState().ui.selected === '127.0.0.1:7010', 's1 selected');
    m.write('f');
    await until(() => m.asked.includes('failover 127.0.0.1:7001'), 'the wizard for the master');
    expect(m.store.getState().log.at(-1)?.message).toBe("failover of mymaster's master master 127.0.0.1:7001 (f on Sentinel s1; f on a replica picks the one to promote)");
  });

  it('says what to select when the master it watches is not on screen', async () => {
    const m = mount({ columns: 120, rows: 36 });
    cleanup = m.unmount;
    m.feed([{ type: 'node', node: { ...NODES[3], sentinel: { masters: [{ ...NODES[3].sentinel!.masters[0], name: 'other', port: 7999 }] } } }]);
    m.write('jjj');
    await until(() => m.store.getState().ui.selected === '127.0.0.1:7010', 's1 selected');
    m.write('f');
    await until(() => m.frame().includes('f on Sentinel s1: select the master of other'), 'the message in the event log');
    expect(m.asked.filter((a) => a.startsWith('failover'))).toEqual([]);
    expect(m.store.getState().log.at(-1)).toMatchObject({ level: 'warn', message: 'f on Sentinel s1: select the master of other (or the replica to promote), then f' });
  });
});

describe('prompts, help and hints', () => {
  it("titles the drill's typed yes Drill, not Replication", async () => {
    const m = mount({ columns: 80, rows: 24 });
    cleanup = m.unmount;
    m.write('d');
    await until(() => m.frame().includes('type yes and Enter'), 'the drill prompt');
    expect(m.frame()).toContain('▶ Drill · waiting for you');
    expect(m.frame()).not.toContain('Replication');
    expect(readable(m.frame())).toContain('INCR 1000 counters at 1000 writes/s, read back, until d');
  });

  it('wraps the help at 120 columns instead of cutting it, and lists the wizard keys', async () => {
    const size = { columns: 120, rows: 36 };
    const m = mount(size);
    cleanup = m.unmount;
    m.write('?');
    await until(() => m.frame().includes('Help · keys'), 'help open');
    const f = m.frame();
    expect(f).not.toMatch(/…/);
    const text = readable(f);
    expect(text).toContain('asks you to type yes), or stop it');
    expect(text).toContain('or the failover after its current step');
    expect(text).toContain('scroll the focused pane (failover wizard, details, event log) a page back');
    expect(text).toContain("at the failover wizard's typed confirmation: type the candidate");
    expect(text).toContain('ROLE says ✗ DOWN');
    fits(f, size);
  });

  it('keeps every key on its own line at 80×24, within the pane', async () => {
    const size = { columns: 80, rows: 24 };
    const m = mount(size);
    cleanup = m.unmount;
    m.write('?');
    await until(() => m.frame().includes('Help · keys'), 'help open');
    for (const k of ['↑/k', '↓/j', 'PgUp', 'PgDn', 'Enter', 'Tab', 'f', 'x', 'Esc', 'q']) expect(m.frame()).toMatch(new RegExp(`│${k.replace(/[?/]/g, '\\$&')} +\\S`));
    fits(m.frame(), size);
  });

  it('shows the wizard keys in the footer while it runs', async () => {
    const m = mount({ columns: 80, rows: 24 });
    cleanup = m.unmount;
    const at = Date.now();
    m.feed([
      { type: 'wizard-started', node: R1, unplanned: false, at },
      { type: 'wizard', event: { type: 'plan', plan: PLAN } },
      { type: 'wizard', event: { type: 'confirm', word: R1, granted: true } },
      { type: 'wizard', event: { type: 'step-start', step: STEPS[0], at } },
    ]);
    await until(() => m.frame().includes('Failover · running'), 'running');
    expect(m.frame().split('\n').at(-1)).toMatch(/^↑↓\/jk scroll {2}PgUp\/PgDn page {2}Tab pane {2}x stop after this step {2}\? help {2}q quit/);
    expect(m.frame()).toMatch(/▸ 1\/12 127\.0\.0\.1:7001 {2}CLIENT PAUSE 5000 WRITE/);
  });
});
