import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/options/endpoint.js';
import { cloneArgs, failoverArgs } from '../../src/options/failover-args.js';
import type { Outcome, PlanView } from '../../src/engine/failover/types.js';
import { planText, progressText, stepDoneLine, summaryText } from '../../src/render/failover-text.js';

const plan: PlanView = {
  procedure: 'failover',
  title: 'planned failover · replication · 127.0.0.1:6379 → 127.0.0.1:6380',
  mode: 'planned: FAILOVER TO (loss-free)',
  nodes: [
    { id: '127.0.0.1:6379', reachable: true, role: 'master', offset: 10 },
    { id: '127.0.0.1:6380', reachable: true, role: 'replica', masterId: '127.0.0.1:6379', link: 'up', offset: 10 },
  ],
  checks: [{ ok: true, text: 'link up' }, { ok: false, text: 'lag too big' }, { ok: true, warn: true, text: 'a warning' }],
  notes: ['a note'],
  steps: [
    { index: 0, id: 'auth', kind: 'command', node: '127.0.0.1:6379', command: ['CONFIG', 'SET', 'masterauth', '***'], why: 'so it can follow', changesRole: false },
    { index: 1, id: 'failover', kind: 'command', node: '127.0.0.1:6379', command: ['FAILOVER', 'TO', '127.0.0.1', '6380', 'TIMEOUT', '5000'], why: 'hand over', changesRole: true },
    { index: 2, id: 'switched', kind: 'wait', node: '127.0.0.1:6380', what: 'until it is master', why: 'writes', changesRole: false, timeoutMs: 1000 },
    { index: 3, id: 'rewrite', kind: 'command', node: '127.0.0.1:6380', command: ['CONFIG', 'REWRITE'], why: 'persist', changesRole: false, optional: true },
  ],
  confirmWord: '127.0.0.1:6380',
  estimate: 'about 10 ms',
};

describe('failover text', () => {
  it('shows every step with its exact command before anything runs', () => {
    const text = planText(plan);
    expect(text).toContain('1. 127.0.0.1:6379  CONFIG SET masterauth ***');
    expect(text).toContain('2. 127.0.0.1:6379  FAILOVER TO 127.0.0.1 6380 TIMEOUT 5000   [changes roles]');
    expect(text).toContain('3. wait: until it is master');
    expect(text).toContain('[optional]');
    expect(text).toMatch(/127\.0\.0\.1:6380 +replica of 127\.0\.0\.1:6379 · link up · offset 10 +← to be promoted/);
    expect(text).toContain('✓ link up');
    expect(text).toContain('✗ lag too big');
    expect(text).toContain('! a warning');
    expect(text).toContain('write pause: about 10 ms');
  });

  it('a line per step, a bar for progress', () => {
    expect(stepDoneLine(plan.steps[1], 4, { ms: 3, reply: 'OK' })).toBe('✓ 2/4 127.0.0.1:6379  FAILOVER TO 127.0.0.1 6380 TIMEOUT 5000 → OK (3 ms)');
    expect(stepDoneLine(plan.steps[3], 4, { ms: 1, tolerated: 'ERR no config file' })).toMatch(/^! 4\/4 .* → ERR no config file \(optional: going on\)/);
    expect(progressText({ text: 'receiving', done: 50, total: 100, unit: 'bytes' }, 10)).toBe('[█████░░░░░] 50% 50 B of 100 B · receiving');
  });

  it('a failure: where it stopped, each node, the way back, the steps not run', () => {
    const o: Outcome = {
      status: 'failed',
      failed: { step: plan.steps[1], error: 'NOPERM' },
      results: [],
      measures: [{ label: 'write pause', ms: 12 }],
      marks: {},
      notes: [],
      nodes: plan.nodes,
      wayBack: { summary: 'No role has changed.', commands: [{ node: '127.0.0.1:6379', argv: ['CLIENT', 'UNPAUSE'], why: 'let clients write' }] },
      remaining: [plan.steps[1]],
      journal: '/tmp/j.jsonl',
      elapsedMs: 40,
    };
    const text = summaryText(o, plan.title);
    expect(text).toMatch(/^FAILED: planned failover/);
    expect(text).toContain('failed at step 2 (127.0.0.1:6379  FAILOVER TO 127.0.0.1 6380 TIMEOUT 5000): NOPERM');
    expect(text).toContain('write pause: 12 ms');
    expect(text).toContain('state: No role has changed.');
    expect(text).toContain('127.0.0.1:6379  CLIENT UNPAUSE    # let clients write');
    expect(text).toContain('or, to finish it instead, the steps not run:');
    expect(text).toContain('  127.0.0.1:6379  FAILOVER TO 127.0.0.1 6380 TIMEOUT 5000');
    expect(text).toContain('journal: /tmp/j.jsonl');
  });
});

describe('failover and clone options', () => {
  const env = {};
  it('reads failover options', () => {
    expect(failoverArgs(['--uri', '127.0.0.1:6379'], env)).toMatchObject({ via: 'pause', timeoutMs: 5000, fenceWaitMs: 0, followTimeoutMs: 60_000 });
    const a = failoverArgs(['--uri', 'redis://:pw@127.0.0.1:6379', '--to', '127.0.0.1:6380', '--timeout', '2s', '--via', 'failover', '--yes', '--json'], env);
    expect(a).toMatchObject({ kind: 'failover', via: 'failover', timeoutMs: 2000, yes: true, json: true, to: { host: '127.0.0.1', port: 6380, password: 'pw' }, dataAuth: { password: 'pw' } });
    expect(failoverArgs(['--help'], env)).toEqual({ kind: 'help', topic: 'failover' });
  });

  it('refuses bad failover input with one line', () => {
    expect(() => failoverArgs([], env)).toThrow(/--uri is missing/);
    expect(() => failoverArgs(['--uri', 'x:1', '--via', 'magic'], env)).toThrow(/--via 'magic' is not one of pause, failover/);
    expect(() => failoverArgs(['--uri', 'x:1', '--timeout', '90s'], env)).toThrow(InputError);
    expect(() => failoverArgs(['--uri', 'x:1', '--fence-wait', '5s'], env)).toThrow(/is for --unplanned/);
    expect(() => failoverArgs(['--uri', 'x:1', '--sentinel', 'y:2'], env)).toThrow(/--master-name/);
    expect(() => failoverArgs(['--uri', 'x:1', '--bogus'], env)).toThrow(/unknown option '--bogus'/i);
    expect(() => failoverArgs(['--uri', 'x:1', '--to', '--dry-run'], env)).toThrow(/^--to needs host:port: see 'cutover failover --help'$/);
    expect(() => failoverArgs(['--uri', 'x:1', '--to'], env)).toThrow(/^--to needs host:port/);
    expect(() => cloneArgs(['--origin', 'x:1', '--clone'], env)).toThrow(/^--clone needs a URI/);
    expect(() => failoverArgs(['--uri', 'x:1', '--unplanned', '--via', 'failover'], env)).toThrow(/--via failover is for a planned failover/);
  });

  it('reads clone options; --reconfigure implies --promote', () => {
    const a = cloneArgs(['--origin', '127.0.0.1:1', '--clone', '127.0.0.1:2', '--reconfigure', '--timeout', '30'], env);
    expect(a).toMatchObject({ kind: 'clone', promote: true, reconfigure: true, timeoutMs: 30_000, role: 'master', via: 'pause', noConfig: false });
    expect(cloneArgs(['--origin', '127.0.0.1:1', '--clone', '127.0.0.1:2', '--promote', '--role', 'replica'], env)).toMatchObject({ promote: true, reconfigure: false, role: 'replica' });
    expect(() => cloneArgs(['--origin', '127.0.0.1:1'], env)).toThrow(/--clone is missing/);
    expect(() => cloneArgs(['--origin', '127.0.0.1:1', '--clone', 'localhost:1'], env)).toThrow(/same node/);
    expect(() => cloneArgs(['--origin', '127.0.0.1:1', '--clone', '127.0.0.1:2', '--role', 'boss'], env)).toThrow(/--role 'boss'/);
    expect(() => cloneArgs(['--origin', '127.0.0.1:1', '--clone', '127.0.0.1:2', '--no-pause'], env)).toThrow(/goes with --promote/);
    // --reconfigure from a replica would leave its master taking writes beside the clone: refused before anything
    expect(() => cloneArgs(['--origin', '127.0.0.1:1', '--clone', '127.0.0.1:2', '--reconfigure', '--role', 'replica'], env)).toThrow(/^--reconfigure does not go with --role replica: .*two masters.*nothing was changed$/);
  });
});
