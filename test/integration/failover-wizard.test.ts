// The console's failover wizard, engine side, against real servers: the plan arrives, nothing runs until the
// typed word, a wrong word changes nothing, the right one runs it to the new topology.
import { afterAll, describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../src/options/endpoint.js';
import { DEFAULT_CONNECT } from '../../src/engine/redis/connect.js';
import { FAILOVER_DEFAULTS, type FailoverRequest } from '../../src/engine/failover/failover.js';
import { FailoverWizard, type WizardEvent } from '../../src/engine/failover/wizard.js';
import { foldWizard, type WizardState } from '../../src/store/wizard.js';
import { until } from './helpers.js';
import { Servers } from './live-helpers.js';

const servers = new Servers();
afterAll(() => servers.stop());

function request(master: string): FailoverRequest {
  return {
    entries: [parseEndpoint(master)],
    sentinels: [],
    conn: { ...DEFAULT_CONNECT },
    dataAuth: {},
    sentinelAuth: {},
    unplanned: false,
    ...FAILOVER_DEFAULTS,
    killClients: false,
  };
}

describe('failover wizard', () => {
  it('waits for the typed candidate: a wrong word changes nothing, the right one promotes it', async () => {
    const m = await servers.start('wz-master');
    const r = await servers.start('wz-replica', [`replicaof 127.0.0.1 ${m.server.port}`]);
    for (let i = 0; i < 50 && !(await r.redis.info('replication')).includes('master_link_status:up'); i++) await new Promise((x) => setTimeout(x, 100));
    const wizard = new FailoverWizard();
    let state: WizardState | undefined;
    wizard.events.on((e: WizardEvent) => (state = foldWizard(state, e)));
    const journal = `${servers.dir}/wizard.jsonl`;
    wizard.start(request(m.server.address), r.server.address, { journalPath: journal });
    await until('the plan', () => state?.phase === 'confirm', 15_000);
    expect(state!.plan!.confirmWord).toBe(r.server.address);
    wizard.answer('nope');
    await until('declined', () => state?.phase === 'declined', 5000);
    expect(await m.redis.info('replication')).toMatch(/role:master/);

    wizard.start(request(m.server.address), r.server.address, { journalPath: journal });
    await until('the plan again', () => state?.phase === 'confirm', 15_000);
    wizard.answer(r.server.address);
    await until('done', () => state?.phase === 'done' || state?.phase === 'failed', 30_000);
    expect(state!.phase).toBe('done');
    expect(state!.steps.every((s) => s.status !== 'pending' && s.status !== 'running')).toBe(true);
    expect(await r.redis.info('replication')).toMatch(/role:master/);
    expect(await m.redis.info('replication')).toMatch(/role:slave/);
    expect(state!.summary).toMatch(/^done: planned failover/);
  });
});
