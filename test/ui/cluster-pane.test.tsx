// The console on a Redis Cluster at 80×24: the slot map under the topology (open slots in words), C and the check's
// report, R and the reshard wizard's screens (the form with arrows and digits, the plan and the typed word, the run
// with the slot bar, keys/s, MB/s and ETA, x, the outcome), each drawn from the store, each key sent as an intent.
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterNodeEntry, NodeState, TopologyEvent } from '../../src/engine/topology/types.js';
import type { MoveTotals } from '../../src/engine/cluster/move/types.js';
import { until } from './helpers.js';
import { fits, mountConsole, readable } from './mount-console.js';

const id = (c: string) => c.repeat(40);
const self = (cid: string, port: number, slots: Array<[number, number]>, slotMigrations: string[] = [], role: 'master' | 'replica' = 'master'): ClusterNodeEntry => ({
  id: cid, host: '127.0.0.1', port, flags: ['myself', role], myself: true, role, pingSent: 0, pongRecv: 0, configEpoch: 1, linkState: 'connected', failing: null, slots, slotMigrations,
});
const node = (port: number, label: string, cluster: ClusterNodeEntry, masterId?: string): NodeState => ({
  id: `127.0.0.1:${port}`, host: '127.0.0.1', port, role: cluster.role === 'master' ? 'master' : 'replica', status: 'up', label, masterId, offset: 100, keys: 1000,
  server: { redisVersion: '7.0.15', redisMode: 'cluster' }, cluster: { self: cluster, state: 'ok' },
});
const NODES: NodeState[] = [
  node(7001, 'c1', self(id('a'), 7001, [[0, 5460]], [`[93->-${id('b')}]`])),
  node(7002, 'c2', self(id('b'), 7002, [[5461, 10922]], [`[93-<-${id('a')}]`])),
  node(7003, 'c3', self(id('c'), 7003, [[10923, 16383]])),
  node(7004, 'c4', self(id('d'), 7004, [], [], 'replica'), '127.0.0.1:7001'),
];
const events = (): TopologyEvent[] => [
  { type: 'deployment', info: { kind: 'cluster', entry: ['redis://127.0.0.1:7001'], redisVersion: '7.0.15', intervalMs: 1000 } },
  ...NODES.map((n) => ({ type: 'node' as const, node: n })),
  { type: 'poll', at: Date.now(), durationMs: 3 },
];

function mount(o: { readOnly?: boolean } = {}) {
  return mountConsole(events(), o);
}

const totals = (p: Partial<MoveTotals>): MoveTotals => ({ slotsDone: 0, slotsTotal: 100, inFlight: [], keys: 0, bytes: 0, elapsedMs: 0, keysPerSec: 0, ...p });

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

describe('the slot map', () => {
  it('shows one row a master under the topology, open slots in words, within 80×24', async () => {
    const m = mount();
    cleanup = m.unmount;
    await until(() => m.frame().includes('Slots ·'), 'the slot map');
    const f = m.frame();
    expect(f).toContain('1 slot OPEN');
    expect(f).toMatch(/│c1 +█{10}▌·{21} +5461 →7002 slot 93 MIGRATING · 0-5460/);
    expect(f).toMatch(/│c2 +·{10}▌█{10}▌·{10} +5462 ←7001 slot 93 IMPORTING +│/);
    expect(f).toMatch(/│c3 +·{21}▌█{10} +5461 10923-16383/);
    expect(f).toContain('C check');
    expect(f).toContain('R reshard');
    fits(f);
  });
});

describe('the ? help on a cluster at 80×24', () => {
  it('lists C and R and keeps every key on a line of its own, the pairs sharing one', async () => {
    const m = mount();
    cleanup = m.unmount;
    await until(() => m.frame().includes('Slots ·'), 'the console');
    m.type('?');
    await until(() => m.frame().includes('Help · keys'), 'help open');
    const f = m.frame();
    for (const k of ['↑↓/jk', 'PgUp', 'Enter', 'Tab', 'S/T', 'f', 'C', 'R', 'x', 'Esc', 'q']) expect(f).toMatch(new RegExp(`│${k.replace(/[?/]/g, '\\$&')} +\\S`));
    fits(f);
  });
});

describe('C: the cluster check', () => {
  it('asks the engine, then shows the verdict and the findings first', async () => {
    const m = mount();
    cleanup = m.unmount;
    await until(() => m.frame().includes('Slots ·'), 'the console');
    m.type('C');
    await until(() => m.asked.includes('check 127.0.0.1:7001'), 'the check asked for');
    m.feed([{ type: 'cluster-check-started', entry: '127.0.0.1:7001', at: Date.now() }]);
    await until(() => m.frame().includes('Cluster check · reading every node'), 'reading');
    m.feed([
      {
        type: 'cluster-check-done',
        at: Date.now(),
        report: {
          ok: false, nodes: 4, answered: 4, balancedShare: 5461.3, uncovered: [], openSlots: [],
          masters: [{ id: id('a'), address: '127.0.0.1:7001', slots: 5461, ranges: [[0, 5460]], keys: 3344, memoryBytes: 4_500_000, replicas: 1, deviationPct: 0 }],
          findings: [{ severity: 'problem', kind: 'open-slot', text: 'slot 93 is open: MIGRATING on 127.0.0.1:7001 to 127.0.0.1:7002 (1 key left there)' }],
        },
      },
    ]);
    await until(() => m.frame().includes('Cluster check · PROBLEMS'), 'the report');
    const f = m.frame();
    expect(f).toContain('cluster check: 1 problem');
    expect(f).toContain('problem: slot 93 is open: MIGRATING on 127.0.0.1:7001');
    expect(f).toContain('C checks again · Esc closes');
    fits(f);
    m.type('\x1b');
    await until(() => !m.frame().includes('Cluster check'), 'closed');
  });
});

describe('R: the reshard wizard', () => {
  it('form, plan, typed word, run with its figures, x, outcome', async () => {
    const m = mount();
    cleanup = m.unmount;
    await until(() => m.frame().includes('Slots ·'), 'the console');
    m.type('R');
    await until(() => m.frame().includes('Reshard · choose'), 'the form');
    // the selected master (c1) is the target first; → the next one
    expect(m.frame()).toMatch(/▸ to +c1 127\.0\.0\.1:7001/);
    m.type('\x1b[C');
    await until(() => /▸ to +c2 127\.0\.0\.1:7002/.test(m.frame()), 'c2 chosen');
    m.type('\x1b[B');
    await until(() => /▸ from +all masters/.test(m.frame()), 'the sources line');
    m.type('\x1b[C');
    await until(() => /▸ from +c1 127\.0\.0\.1:7001/.test(m.frame()), 'one source');
    m.type('1');
    m.type('2');
    m.type('0');
    await until(() => /▸ slots 120▌ of 5,461/.test(m.frame()), 'the count typed');
    m.type('\x1b[5~'); // PgUp: 100 more
    await until(() => /▸ slots 220 of 5,461/.test(m.frame()), '+100');
    fits(m.frame());
    m.type('\r');
    await until(() => m.asked.includes(`plan 220 from ${id('a')} to ${id('b')}`), 'the plan asked for');
    await until(() => m.frame().includes('Reshard · reading the plan'), 'planning');
    m.feed([
      {
        type: 'reshard-plan',
        at: Date.now(),
        preview: { to: { id: id('b'), address: '127.0.0.1:7002' }, sources: [{ id: id('a'), address: '127.0.0.1:7001', slots: 220, ranges: [[0, 219]], keys: 1234 }], slots: 220, keys: 1234 },
      },
    ]);
    await until(() => m.frame().includes('type reshard and Enter to run it'), 'the confirmation');
    expect(m.frame()).toContain('Reshard: 220 slots (1,234 keys now) to 127.0.0.1:7002');
    // the word types into the confirmation: q and R do not act underneath; Tab a drill alongside
    m.type('\t');
    await until(() => m.frame().includes('[on]'), 'drill on');
    m.type('reshard');
    await until(() => m.frame().includes('> reshard▌'), 'typed');
    fits(m.frame());
    m.type('\r');
    await until(() => m.asked.includes('answer reshard reshard'), 'the word sent');
    const at = Date.now();
    m.feed([
      { type: 'reshard-confirmed', drill: true, at },
      { type: 'reshard-started', journal: '/tmp/cutover-reshard-x.jsonl', at },
      { type: 'reshard', event: { type: 'progress', totals: totals({ slotsDone: 50, slotsTotal: 220, inFlight: [50, 51, 52, 60], keys: 41_000, bytes: 5 * 1024 * 1024, elapsedMs: 1000, keysPerSec: 41_000 }) } },
    ]);
    await until(() => m.frame().includes('Reshard · running'), 'running');
    const f = m.frame();
    expect(f).toMatch(/Slots █+░+ 22% 50\/220/);
    expect(f).toContain('41,000 keys · 5.0 MB · 41,000 keys/s · 5.0 MB/s · ETA 3.4s');
    expect(f).toContain('in flight: slots 50-52, 60'); // a group's slots as ranges
    expect(f).toContain('x stops after the slots in hand');
    expect(f).toContain('x stop after the slots in hand');
    fits(f);
    m.type('x');
    await until(() => m.asked.includes('stop reshard'), 'stop asked');
    m.feed([
      { type: 'reshard', event: { type: 'note', text: 'stop asked: the slots in hand finish, no other starts', at } },
      { type: 'reshard', event: { type: 'summary', summary: { status: 'stopped', totals: totals({ slotsDone: 52, slotsTotal: 220, keys: 42_000, elapsedMs: 1100, keysPerSec: 38_000 }), open: [], notStarted: 168, duplicates: [] } } },
    ]);
    await until(() => m.frame().includes('Reshard · STOPPED'), 'stopped');
    expect(readable(m.frame())).toContain('reshard stopped: 52 slots of 220 moved (42,000 keys), 168 not started; no slot left open');
    expect(m.frame()).not.toContain('ETA');
    expect(m.frame()).toContain('journal /tmp/cutover-reshard-x.jsonl · Esc closes');
    fits(m.frame());
    m.type('\x1b');
    await until(() => !m.frame().includes('Reshard ·'), 'closed');
  });

  it('a count the sources do not hold stays in the form with one line; Esc changes nothing', async () => {
    const m = mount();
    cleanup = m.unmount;
    await until(() => m.frame().includes('Slots ·'), 'the console');
    m.type('R');
    await until(() => m.frame().includes('Reshard · choose'), 'the form');
    m.type('99999');
    m.type('\r');
    await until(() => m.frame().includes('✗ slots: give a whole number from 1 to 10,923') || m.frame().includes('✗ slots: give a whole number from 1 to 10923'), 'the reason');
    expect(m.asked.filter((a) => a.startsWith('plan'))).toEqual([]);
    m.type('\x1b');
    await until(() => !m.frame().includes('Reshard ·'), 'closed');
    expect(m.asked).toEqual([]);
  });

  it('with --read-only, R is refused in one line; C still checks', async () => {
    const m = mount({ readOnly: true });
    cleanup = m.unmount;
    await until(() => m.frame().includes('Slots ·'), 'the console');
    expect(m.frame()).not.toContain('R reshard');
    m.type('R');
    await until(() => m.frame().includes('read-only: reshard (R) is disabled (started with --read-only)'), 'refused');
    expect(m.frame()).not.toContain('Reshard ·');
    m.type('C');
    await until(() => m.asked.includes('check 127.0.0.1:7001'), 'the check');
  });
});
