// The console's failover intent with a drill alongside, against a real master and replica: the drill starts once
// the word is typed and has written for a second before the first step (its own tick, not a sleep), and ends with
// its verdict after the switch.
import { afterAll, describe, expect, it } from 'vitest';
import { consoleIntents, DRILL_AROUND_FAILOVER_MS } from '../../src/console/intents.js';
import { DEFAULT_CONNECT } from '../../src/engine/redis/connect.js';
import { DrillRunner, type DrillRunnerEvent } from '../../src/engine/drill/runner.js';
import { FailoverWizard, type WizardEvent } from '../../src/engine/failover/wizard.js';
import { ReplicationRunner } from '../../src/engine/replicate/runner.js';
import type { NodeState } from '../../src/engine/topology/types.js';
import { initialState } from '../../src/store/state.js';
import { createAppStore, publish } from '../../src/store/store.js';
import { until } from './helpers.js';
import { Servers } from './live-helpers.js';

const servers = new Servers();
afterAll(() => servers.stop());

describe('console intents: failover with a drill alongside', () => {
  it('the drill writes a second before the first step, and ends after the procedure', async () => {
    const m = await servers.start('ci-master');
    const r = await servers.start('ci-replica', [`replicaof 127.0.0.1 ${m.server.port}`]);
    for (const end = Date.now() + 10_000; !(await r.redis.info('replication')).includes('master_link_status:up'); ) {
      if (Date.now() > end) throw new Error('the replica never synced');
      await new Promise((x) => setTimeout(x, 50)); // polling a condition
    }
    const node = (s: typeof m, role: 'master' | 'replica', masterId?: string): NodeState => ({
      id: s.server.address,
      host: '127.0.0.1',
      port: s.server.port,
      role,
      status: 'up',
      label: role,
      masterId,
    });
    const base = initialState();
    const store = createAppStore({ ...base, nodes: { [m.server.address]: node(m, 'master'), [r.server.address]: node(r, 'replica', m.server.address) } });
    const jobs = { runner: new ReplicationRunner(DEFAULT_CONNECT), drills: new DrillRunner(), wizard: new FailoverWizard() };
    const detach = publish([jobs.drills.events, jobs.wizard.events], store);
    const seen: Array<{ what: string; at: number }> = [];
    jobs.drills.events.on((e: DrillRunnerEvent) => {
      if (e.type === 'drill-started') seen.push({ what: 'drill-started', at: performance.now() });
      if (e.type === 'drill' && e.event.type === 'done') seen.push({ what: `drill-done ${e.event.summary.reason}`, at: performance.now() });
    });
    jobs.wizard.events.on((e: WizardEvent) => {
      if (e.type === 'wizard' && (e.event.type === 'step-start' || e.event.type === 'summary')) seen.push({ what: e.event.type, at: performance.now() });
    });
    const intents = consoleIntents(store, jobs, { tls: false, dataAuth: {}, sentinelAuth: {} }, DEFAULT_CONNECT, { journalPath: `${servers.dir}/console.jsonl` });
    try {
      intents.startFailover(r.server.address);
      await until('the plan', () => store.getState().wizard?.phase === 'confirm', 15_000);
      store.setState({ wizard: { ...store.getState().wizard!, drill: true } });
      intents.answerFailover(r.server.address);
      await until('the drill ended', () => seen.some((s) => s.what.startsWith('drill-done')), 30_000);
      const at = (what: string) => seen.find((s) => s.what.startsWith(what))?.at ?? NaN;
      expect(seen.map((s) => s.what.split(' ')[0]).filter((w, i, all) => all.indexOf(w) === i)).toEqual(['drill-started', 'step-start', 'summary', 'drill-done']);
      expect(at('step-start') - at('drill-started')).toBeGreaterThanOrEqual(DRILL_AROUND_FAILOVER_MS);
      expect(at('drill-done') - at('summary')).toBeGreaterThanOrEqual(DRILL_AROUND_FAILOVER_MS - 100);
      expect(seen.find((s) => s.what.startsWith('drill-done'))!.what).toBe('drill-done stopped');
      expect(await r.redis.info('replication')).toMatch(/role:master/);
    } finally {
      jobs.drills.stop();
      jobs.wizard.cancel();
      detach();
    }
  });
});
