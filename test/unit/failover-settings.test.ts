import { describe, expect, it } from 'vitest';
import { configRecord, planAuth, planSettings, skipReason } from '../../src/engine/failover/clone/settings.js';
import { syncState } from '../../src/engine/failover/clone/sync-progress.js';

describe('which settings a clone takes', () => {
  it('never copies node-local, cluster, fixed-at-start settings or aliases', () => {
    for (const name of ['port', 'bind', 'dir', 'dbfilename', 'pidfile', 'logfile', 'replicaof', 'unixsocket', 'tls-cert-file', 'replica-announce-ip', 'replica-priority', 'aclfile']) {
      expect(skipReason(name), name).toMatch(/one node or host/);
    }
    expect(skipReason('cluster-enabled')).toMatch(/cluster/);
    expect(skipReason('cluster-node-timeout')).toMatch(/cluster/);
    expect(skipReason('databases')).toMatch(/fixed at start/);
    expect(skipReason('daemonize')).toMatch(/fixed at start/);
    expect(skipReason('syslog-ident')).toMatch(/fixed at start/);
    expect(skipReason('slaveof')).toMatch(/another name for replicaof/);
    expect(skipReason('hash-max-ziplist-entries')).toMatch(/hash-max-listpack-entries/);
    for (const name of ['requirepass', 'masterauth', 'masteruser']) expect(skipReason(name)).toMatch(/credentials/);
    for (const name of ['maxmemory', 'maxmemory-policy', 'save', 'appendonly', 'client-output-buffer-limit', 'notify-keyspace-events', 'hz']) expect(skipReason(name), name).toBeUndefined();
  });

  it('applies what differs, counts what is equal, lists what it skips (aliases silently)', () => {
    const origin = { maxmemory: '104857600', hz: '10', port: '6379', slaveof: '', replicaof: '', 'new-in-8': 'x', requirepass: 'p' };
    const clone = { maxmemory: '0', hz: '10', port: '6380', slaveof: '', replicaof: '', requirepass: '' };
    const plan = planSettings(origin, clone);
    expect(plan.apply).toEqual([{ name: 'maxmemory', value: '104857600', from: '0' }]);
    expect(plan.same).toBe(1);
    expect(plan.skipped.map((s) => s.name).sort()).toEqual(['new-in-8', 'port', 'replicaof', 'requirepass']);
    expect(plan.skipped.find((s) => s.name === 'new-in-8')!.reason).toMatch(/unknown to the clone/);
  });

  it('reads a CONFIG GET reply', () => {
    expect(configRecord(['a', '1', 'b', '2'])).toEqual({ a: '1', b: '2' });
    expect(configRecord('nope')).toEqual({});
  });

  it("carries the origin's password: masterauth to replicate, requirepass to be used the same way", () => {
    const a = planAuth({ originPassword: 'pw', originConfig: { requirepass: 'pw' }, cloneConfig: { requirepass: '', masterauth: '' }, copySettings: true });
    expect(a.set.map((s) => [s.name, s.value])).toEqual([
      ['masterauth', 'pw'],
      ['requirepass', 'pw'],
    ]);
    // read from the origin's settings when the URI gave none (REDISCLI_AUTH-less access is impossible, but CONFIG may say it)
    expect(planAuth({ originConfig: { requirepass: 'pw' }, cloneConfig: {}, copySettings: true }).set[0]).toMatchObject({ name: 'masterauth', value: 'pw' });
    // an ACL user replicates as that user
    const acl = planAuth({ originUser: 'repl', originPassword: 'rp', originConfig: { requirepass: '' }, cloneConfig: {}, copySettings: true });
    expect(acl.set.map((s) => [s.name, s.value])).toEqual([
      ['masteruser', 'repl'],
      ['masterauth', 'rp'],
    ]);
    // --no-config: masterauth still (it cannot replicate otherwise), requirepass not
    const bare = planAuth({ originPassword: 'pw', originConfig: { requirepass: 'pw' }, cloneConfig: {}, copySettings: false });
    expect(bare.set.map((s) => s.name)).toEqual(['masterauth']);
    expect(bare.notes.join()).toMatch(/no password of its own/);
    // nothing to do when the clone has them already
    expect(planAuth({ originPassword: 'pw', originConfig: { requirepass: 'pw' }, cloneConfig: { requirepass: 'pw', masterauth: 'pw' }, copySettings: true }).set).toEqual([]);
  });
});

describe('sync progress', () => {
  it('reads the transfer, the loading and the stream', () => {
    expect(syncState({ master_link_status: 'down', master_sync_in_progress: '0' }, {}).phase).toBe('connecting');
    const disk = syncState({ master_sync_in_progress: '1', master_sync_total_bytes: '1000', master_sync_read_bytes: '250' }, {});
    expect(disk).toMatchObject({ phase: 'transfer', done: 250, total: 1000, unit: 'bytes', synced: false });
    expect(syncState({ master_sync_in_progress: '1', master_sync_total_bytes: '-1', master_sync_read_bytes: '4096' }, {}).text).toMatch(/4.0 KB .*diskless/);
    expect(syncState({ master_link_status: 'up', master_sync_in_progress: '0' }, { loading: '1', loading_total_bytes: '100', loading_loaded_bytes: '40', loading_loaded_perc: '40.00' })).toMatchObject({ phase: 'loading', done: 40, total: 100 });
    const live = syncState({ master_link_status: 'up', master_sync_in_progress: '0', slave_repl_offset: '90' }, { loading: '0' }, 100);
    expect(live).toMatchObject({ phase: 'streaming', synced: true, done: 90, total: 100 });
    expect(live.text).toMatch(/10 B behind/);
  });
});
