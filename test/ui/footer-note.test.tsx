// The footer at 80, 120 and 160 columns (the keys that do something now, as many as fit), and the NOTE of a marked
// source followed by cutover's own live stream, drawn whole.
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { render as inkRender } from 'ink';
import { App } from '../../src/ui/App.js';
import { Ctx } from '../../src/ui/context.js';
import { themeFor } from '../../src/ui/theme.js';
import { uiActions } from '../../src/store/actions.js';
import { applyEvents } from '../../src/store/reduce.js';
import { initialState } from '../../src/store/state.js';
import { createAppStore } from '../../src/store/store.js';
import type { NodeState } from '../../src/engine/topology/types.js';
import { fixtureEvents, NODES } from './fixtures.js';
import { fakeTerminal, strip, until } from './helpers.js';

const TARGET: NodeState = {
  id: '127.0.0.1:7020', host: '127.0.0.1', port: 7020, role: 'master', status: 'up', label: 'target', offset: 0, keys: 0,
  replication: { role: 'master', connectedReplicas: 0, replicas: [], masterReplOffset: 0 },
};

/** The console in a terminal of its own size (ink-testing-library's is 100 columns). */
function mount(columns: number, rows: number, opts: { pair?: boolean; stream?: boolean; intents?: boolean } = {}) {
  const { frames, stdout, stdin } = fakeTerminal(columns, rows);
  const master: NodeState = opts.stream
    ? { ...NODES[0], streams: [{ host: '127.0.0.1', state: 'online', offset: 5000, lagBytes: 0 }] }
    : NODES[0];
  const store = createAppStore(applyEvents(initialState(), [...fixtureEvents(), { type: 'node', node: master }, { type: 'node', node: TARGET }]));
  if (opts.pair) store.setState((s) => ({ ui: { ...s.ui, pair: { source: NODES[0].id, target: TARGET.id } } }));
  const intents = {
    startJob: () => undefined,
    stopJob: () => undefined,
    startDrill: () => undefined,
    stopDrill: () => undefined,
    startFailover: () => undefined,
    answerFailover: () => undefined,
    cancelFailover: () => undefined,
    checkCluster: () => undefined,
    planReshard: () => undefined,
    answerReshard: () => undefined,
    stopReshard: () => undefined,
  };
  const ctx = { store, actions: uiActions(store), theme: themeFor({ NO_COLOR: '1' }), intents: opts.intents === false ? undefined : intents };
  const inst = inkRender(
    <Ctx.Provider value={ctx}>
      <App size={{ columns, rows }} onQuit={() => undefined} />
    </Ctx.Provider>,
    { stdout, stdin, debug: true, patchConsole: false },
  );
  const frame = () => strip(frames.filter((x) => x.includes('Topology')).pop());
  const footer = () => frame().split('\n').filter((l) => l.trim()).at(-1) ?? '';
  return { store, actions: ctx.actions, frame, footer, unmount: () => inst.unmount() };
}

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

describe('the footer', () => {
  it('at 120 columns shows every key that does something: S/T, l, d, and x only while a job runs', async () => {
    const m = mount(120, 36, { pair: true });
    cleanup = m.unmount;
    await until(() => m.frame().includes('Topology'), 'a frame');
    expect(m.footer()).toBe('↑↓/jk move  Enter details  S/T source/target  s snapshot  c compare  l live  d drill  f failover  ? help  q quit');
    expect(m.footer()).not.toContain('x stop');
    m.store.setState(applyEvents(m.store.getState(), [{ type: 'job-started', kind: 'live', source: 'redis://127.0.0.1:7001', target: 'redis://127.0.0.1:7020', at: Date.now() }]));
    await until(() => m.footer().includes('x stop'), 'x stop while the job runs');
    // s, c and l do nothing while a job runs: x takes their place
    expect(m.footer()).toBe('↑↓/jk move  Enter details  S/T source/target  d drill  f failover  x stop  ? help  q quit');
    m.store.setState(applyEvents(m.store.getState(), [{ type: 'job-ended', state: 'stopped', at: Date.now() }]));
    await until(() => !m.footer().includes('x stop'), 'x gone once the job ended');
    expect(m.footer()).toContain('l live');
  });

  it('at 80 columns keeps the keys that matter most, within the width, "? help" among them', async () => {
    const m = mount(80, 24, { pair: true });
    cleanup = m.unmount;
    await until(() => m.frame().includes('Topology'), 'a frame');
    expect(m.footer()).toBe('↑↓/jk move  s snapshot  c compare  l live  d drill  f failover  ? help  q quit');
    m.store.setState(applyEvents(m.store.getState(), [{ type: 'job-started', kind: 'snapshot', source: 'redis://127.0.0.1:7001', target: 'redis://127.0.0.1:7020', at: Date.now() }]));
    await until(() => m.footer().includes('x stop'), 'x stop while the job runs');
    expect(m.footer()).toBe('↑↓/jk move  Enter details  d drill  f failover  x stop  ? help  q quit');
    for (const line of m.frame().split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('without a marked pair, S/T before the jobs that need one', async () => {
    const m = mount(80, 24);
    cleanup = m.unmount;
    await until(() => m.frame().includes('Topology'), 'a frame');
    expect(m.footer()).toBe('↑↓/jk move  Enter details  S/T source/target  f failover  ? help  q quit');
    m.actions.markSource(); // S on the selected master
    await until(() => m.frame().includes('SOURCE'), 'source marked');
    m.actions.move(1);
    m.actions.markTarget();
    await until(() => m.footer().includes('l live'), 'l once both are marked');
    expect(m.footer()).toContain('s snapshot  c compare  l live');
  });

  it('with a drill running, "d stop drill"; with no engine to ask (read only), only what moves the view', async () => {
    const m = mount(120, 36, { intents: false });
    cleanup = m.unmount;
    await until(() => m.frame().includes('Topology'), 'a frame');
    expect(m.footer()).toBe('↑↓/jk move  Enter details  S/T source/target  ? help  q quit');
    m.unmount();
    const d = mount(120, 36, { pair: true });
    cleanup = d.unmount;
    d.store.setState(applyEvents(d.store.getState(), [{ type: 'drill-started', target: 'master 127.0.0.1:7001', at: Date.now() }]));
    await until(() => d.footer().includes('d stop drill'), 'd stop drill');
  });
});

describe('the NOTE of a marked source with cutover stream attached', () => {
  it('says SOURCE · stream lag 0 B whole at 120 columns, and more at 160', async () => {
    const m = mount(120, 36, { pair: true, stream: true });
    cleanup = m.unmount;
    await until(() => m.frame().includes('SOURCE'), 'a frame');
    const row = m.frame().split('\n').find((l) => l.includes('master 127.0.0.1:7001'))!;
    expect(row).toMatch(/SOURCE · stream lag 0 B\s*│$/);
    expect(row).not.toContain('…');
    expect(m.frame()).toMatch(/NODE\s+ROLE\s+LINK\s+OFFSET\s+LAG\s+KEYS\s+RATE/);
    expect(m.frame().split('\n').find((l) => l.includes('target 127.0.0.1:7020'))).toMatch(/TARGET\s*│$/);
    m.unmount();
    const w = mount(160, 40, { pair: true, stream: true });
    cleanup = w.unmount;
    await until(() => w.frame().includes('SOURCE'), 'a frame');
    expect(w.frame()).toMatch(/SOURCE · cutover stream lag 0 B\s+│/);
  });

  it('keeps the columns when the lag grows, the note shorter', async () => {
    const m = mount(120, 36, { pair: true, stream: true });
    cleanup = m.unmount;
    await until(() => m.frame().includes('SOURCE'), 'a frame');
    const header = m.frame().split('\n').find((l) => l.includes('NODE'));
    m.store.setState(applyEvents(m.store.getState(), [{ type: 'node', node: { ...NODES[0], streams: [{ host: '127.0.0.1', state: 'online', offset: 1, lagBytes: 1023 * 1024 }] } }]));
    await until(() => m.frame().includes('1023 KB'), 'the lag grown');
    expect(m.frame().split('\n').find((l) => l.includes('NODE'))).toBe(header);
    expect(m.frame()).toMatch(/SOURCE · stream 1023 KB\s*│/);
  });

  it('says SOURCE, not a cut word, at 80 columns', async () => {
    const m = mount(80, 24, { pair: true, stream: true });
    cleanup = m.unmount;
    await until(() => m.frame().includes('SOURCE'), 'a frame');
    const row = m.frame().split('\n').find((l) => l.includes('master 127.0.0.1:7001'))!;
    expect(row).toMatch(/SOURCE(?: · [^│]*)?\s*│$/);
    expect(row).not.toContain('…');
    expect(row.length).toBeLessThanOrEqual(80);
  });
});
