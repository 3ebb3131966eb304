// The step runner on one real server: confirmation asked once and honoured, steps in order with their
// replies journaled, optional steps tolerated, a failure that stops the rest but runs the `always` steps,
// accepted error replies, progress, cancellation, and the state and way back handed over.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryJournal } from '../../src/engine/failover/journal.js';
import { NodePool } from '../../src/engine/failover/pool.js';
import { Procedure } from '../../src/engine/failover/procedure.js';
import type { Plan, ProcedureEvent, Step } from '../../src/engine/failover/types.js';
import type { LabServer } from '../../src/lab/server.js';
import { client, conn, ep } from './failover-helpers.js';
import { standaloneServers, stopServers } from './helpers.js';

let servers: LabServer[];
let dir: string;
let s: LabServer;
let admin: Redis;

beforeAll(async () => {
  ({ servers, dir } = await standaloneServers(['one'], 'cutover-fo-proc-'));
  [s] = servers;
  admin = await client(s.port);
});
afterAll(async () => {
  await stopServers(servers ?? [], dir, [admin]);
});

function plan(steps: Step[]): Plan {
  return {
    procedure: 'failover',
    title: 'test plan',
    mode: 'test',
    nodes: [{ id: s.address, reachable: true, role: 'master' }],
    checks: [{ ok: true, text: 'fine' }],
    notes: [],
    steps,
    confirmWord: s.address,
    wayBack: (now, ctx) => ({ summary: `${now.length} nodes; paused ${ctx.paused.join(',') || 'none'}`, commands: ctx.paused.map((id) => ({ node: id, argv: ['CLIENT', 'UNPAUSE'], why: 'unpause' })) }),
    measures: [{ label: 'marked', from: 'confirmed', to: 'writes-back' }],
  };
}

async function run(p: Plan, confirm = true, during?: (proc: Procedure) => void) {
  const pool = new NodePool(conn);
  pool.add(ep(s.address));
  const journal = new MemoryJournal();
  const asked: string[] = [];
  const proc = new Procedure(p, { pool, journal, confirm: async ({ word }) => (asked.push(word), confirm) });
  const events: ProcedureEvent[] = [];
  proc.events.on((e) => events.push(e));
  during?.(proc);
  try {
    return { outcome: await proc.run(), events, journal, asked };
  } finally {
    pool.close();
  }
}

const cmd = (id: string, argv: string[], extra: Partial<Step> = {}): Step => ({ kind: 'command', id, node: s.address, argv, why: id, changesRole: false, ...extra }) as Step;

describe('the step runner', () => {
  it('asks once, runs every step in order, journals command, reply and time', async () => {
    const r = await run(plan([cmd('set', ['SET', 'proc:k', 'v']), cmd('get', ['GET', 'proc:k'], { marksDone: ['writes-back'] }), { kind: 'wait', id: 'w', what: 'a wait', why: 'w', timeoutMs: 1000, run: async (ctx) => (ctx.progress({ text: 'half', done: 1, total: 2 }), 'waited') }]));
    expect(r.asked).toEqual([s.address]);
    expect(r.outcome.status).toBe('done');
    expect(r.outcome.results.map((x) => [x.step.id, x.status])).toEqual([
      ['set', 'done'],
      ['get', 'done'],
      ['w', 'done'],
    ]);
    expect(r.outcome.results[1].reply).toBe('v');
    expect(r.outcome.measures[0].label).toBe('marked');
    expect(r.events.map((e) => e.type)).toEqual(['plan', 'confirm', 'step-start', 'step-done', 'step-start', 'step-done', 'step-start', 'progress', 'step-done', 'state', 'summary']);
    const cmds = r.journal.entries.filter((e) => e.event === 'command');
    expect(cmds.map((e) => [e.node, (e.command as string[]).join(' '), e.reply])).toEqual([
      [s.address, 'SET proc:k v', 'OK'],
      [s.address, 'GET proc:k', 'v'],
    ]);
    expect(r.journal.entries.map((e) => e.event)).toEqual(['start', 'plan', 'confirm', 'command', 'command', 'wait', 'state', 'end']);
  });

  it('not confirmed: nothing runs', async () => {
    const r = await run(plan([cmd('set', ['SET', 'proc:never', '1'])]), false);
    expect(r.outcome.status).toBe('declined');
    expect(await admin.exists('proc:never')).toBe(0);
    expect(r.journal.entries.some((e) => e.event === 'command')).toBe(false);
  });

  it('a failure stops the rest; optional steps are tolerated, `always` steps still run, the way back is given', async () => {
    const r = await run(
      plan([
        cmd('pause', ['CLIENT', 'PAUSE', '3000', 'WRITE']),
        cmd('rewrite', ['CONFIG', 'REWRITE'], { optional: true }),
        cmd('bad', ['NOSUCHCOMMAND']),
        cmd('later', ['SET', 'proc:later', '1']),
        cmd('unpause', ['CLIENT', 'UNPAUSE'], { always: true }),
      ]),
    );
    expect(r.outcome.status).toBe('failed');
    expect(r.outcome.failed?.step.id).toBe('bad');
    expect(r.outcome.failed?.error).toMatch(/unknown command/i);
    expect(r.outcome.results.map((x) => [x.step.id, x.status])).toEqual([
      ['pause', 'done'],
      ['rewrite', 'done'],
      ['bad', 'failed'],
      ['later', 'skipped'],
      ['unpause', 'done'],
    ]);
    expect(r.outcome.nodes?.[0]).toMatchObject({ id: s.address, reachable: true, role: 'master' });
    expect(r.outcome.wayBack?.summary).toBe('1 nodes; paused none');
    expect(r.outcome.remaining?.map((x) => x.id)).toEqual(['bad', 'later']);
    expect(await admin.exists('proc:later')).toBe(0);
    expect(await admin.set('proc:writable', '1')).toBe('OK');
  });

  it('an accepted error reply is noted, not failed; a step skipped by its condition says why', async () => {
    const r = await run(plan([cmd('inprog', ['NOSUCHCOMMAND'], { acceptErrors: { pattern: /unknown command/i, meaning: 'fine here' } }), cmd('cond', ['SET', 'proc:cond', '1'], { when: () => false, condition: 'never' })]));
    expect(r.outcome.status).toBe('done');
    expect(r.outcome.notes[0]).toMatch(/fine here/);
    expect(r.events.find((e) => e.type === 'step-skipped')).toMatchObject({ reason: 'not needed (only if never)' });
  });

  it('cancelled during a wait: stops at once, the `always` steps run, the status says so', async () => {
    const r = await run(
      plan([
        { kind: 'wait', id: 'long', what: 'a long wait', why: 'w', timeoutMs: 30_000, run: async (ctx) => (await ctx.sleep(20_000), 'never') },
        cmd('after', ['SET', 'proc:after', '1']),
        cmd('cleanup', ['SET', 'proc:cleanup', '1'], { always: true }),
      ]),
      true,
      (proc) => proc.events.on((e) => e.type === 'step-start' && e.step.id === 'long' && setTimeout(() => proc.cancel(), 100)),
    );
    expect(r.outcome.status).toBe('cancelled');
    expect(r.outcome.elapsedMs).toBeLessThan(10_000);
    expect(await admin.exists('proc:after')).toBe(0);
    expect(await admin.exists('proc:cleanup')).toBe(1);
  });

  it('a plan whose checks failed is refused before anything is asked', async () => {
    const p = { ...plan([cmd('set', ['SET', 'proc:refused', '1'])]), checks: [{ ok: false, text: 'no' }] };
    const r = await run(p);
    expect(r.outcome.status).toBe('refused');
    expect(r.asked).toEqual([]);
    expect(await admin.exists('proc:refused')).toBe(0);
  });
});
