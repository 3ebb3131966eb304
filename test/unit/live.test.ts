// Live replication's pure parts: what a stream command is, the translator (SELECT, MULTI/EXEC, filters, FLUSH),
// the age window, the notifications check, the checkpoint file, the options and the words.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/options/args.js';
import { InputError } from '../../src/options/endpoint.js';
import { checkCheckpointFile, loadCheckpoint, saveCheckpoint } from '../../src/engine/live/checkpoint.js';
import { classify, splitByKey } from '../../src/engine/live/commands.js';
import { LatencyWindow } from '../../src/engine/live/latency.js';
import { notificationsCover } from '../../src/engine/live/notify-source.js';
import { StreamTranslator, type TranslateOptions } from '../../src/engine/live/translate.js';
import type { LiveStats } from '../../src/engine/live/types.js';
import { liveStopLine } from '../../src/engine/live/stop-line.js';
import { liveLine, liveSummaryText } from '../../src/render/live-text.js';
import { statsJson } from '../../src/commands/replicate-live.js';

const b = (...xs: string[]) => xs.map((x) => Buffer.from(x));

describe('classify', () => {
  it('tells the writer-handled commands from keyed and keyless ones', () => {
    expect(classify(b('SELECT', '3'))).toEqual({ kind: 'select', db: 3 });
    expect(classify(b('MULTI')).kind).toBe('multi');
    expect(classify(b('exec')).kind).toBe('exec');
    expect(classify(b('FLUSHALL', 'ASYNC'))).toMatchObject({ kind: 'flush', all: true });
    expect(classify(b('PUBLISH', 'ch', 'm'))).toEqual({ kind: 'internal', name: 'publish' });
    expect(classify(b('FUNCTION', 'LOAD', 'code'))).toMatchObject({ kind: 'keyless', name: 'function' });
    expect(classify(b('SET', 'k', 'v'))).toMatchObject({ kind: 'keyed', keys: b('k') });
    expect(classify(b('MSET', 'a', '1', 'b', '2'))).toMatchObject({ kind: 'keyed', keys: b('a', 'b') });
    expect(classify(b('XGROUP', 'CREATE', 'st', 'g', '$'))).toMatchObject({ kind: 'keyed', keys: b('st') });
    expect(classify(b('PEXPIREAT', 'k', '123'))).toMatchObject({ kind: 'keyed', keys: b('k') });
    expect(classify(b('MODULE.CMD', 'x'))).toMatchObject({ kind: 'keyless' });
  });

  it('RESTORE-ASKING (a slot migration) becomes RESTORE', () => {
    const c = classify(b('RESTORE-ASKING', 'k', '0', 'payload'));
    expect(c).toMatchObject({ kind: 'keyed', keys: b('k') });
    expect((c as { args: Buffer[] }).args[0].toString()).toBe('RESTORE');
  });

  it('splits DEL and MSET by key, never MSETNX or other multi-key commands', () => {
    const mset = classify(b('MSET', 'a', '1', 'b', '2')) as Extract<ReturnType<typeof classify>, { kind: 'keyed' }>;
    expect(splitByKey(mset)?.map((c) => c.args.map(String))).toEqual([
      ['MSET', 'a', '1'],
      ['MSET', 'b', '2'],
    ]);
    const del = classify(b('DEL', 'a', 'b', 'c')) as Extract<ReturnType<typeof classify>, { kind: 'keyed' }>;
    expect(splitByKey(del)).toHaveLength(3);
    expect(splitByKey(classify(b('MSETNX', 'a', '1', 'b', '2')) as never)).toBeUndefined();
    expect(splitByKey(classify(b('RENAME', 'a', 'b')) as never)).toBeUndefined();
  });
});

describe('StreamTranslator', () => {
  const base: TranslateOptions = { allDbs: false, sourceDb: 0, targetDb: 5, scan: { count: 1, include: [], exclude: [] }, allowFlush: false, clusterTarget: false };
  const logs: string[] = [];
  const make = (o: Partial<TranslateOptions> = {}) => new StreamTranslator({ ...base, ...o }, (_l, m) => void logs.push(m));

  it('maps the source db to the target db and leaves other dbs out', () => {
    const t = make();
    expect(t.feed(b('SET', 'k', 'v'))).toEqual([expect.objectContaining({ db: 5, cmds: [['SET', ...b('k', 'v')]] })]);
    t.feed(b('SELECT', '2'));
    expect(t.feed(b('SET', 'k', 'v'))).toEqual([]);
    expect(t.counts.filtered).toBe(1);
    const all = make({ allDbs: true });
    all.feed(b('SELECT', '2'));
    expect(all.feed(b('SET', 'k', 'v'))[0].db).toBe(2);
  });

  it('gathers MULTI … EXEC into one operation', () => {
    const t = make();
    expect(t.feed(b('MULTI'))).toEqual([]);
    expect(t.feed(b('INCR', 'a'))).toEqual([]);
    expect(t.inTransaction).toBe(true);
    expect(t.feed(b('SET', 'b', '1'))).toEqual([]);
    const [op] = t.feed(b('EXEC'));
    expect(op.cmds.map((c) => c[0])).toEqual(['INCR', 'SET']);
    expect(op.keys.map(String)).toEqual(['a', 'b']);
  });

  it('applies key filters, splitting what can be split', () => {
    const t = make({ scan: { count: 1, include: [], exclude: [/^skip/] } });
    expect(t.feed(b('SET', 'skip:1', 'v'))).toEqual([]);
    const ops = t.feed(b('DEL', 'keep', 'skip:2'));
    expect(ops.map((o) => o.cmds[0].slice(1).map(String))).toEqual([['keep']]);
  });

  it('forwards FLUSH only with allowFlush and no key filters; FLUSHALL of a one-db replication empties that db only', () => {
    logs.length = 0;
    expect(make().feed(b('FLUSHALL'))).toEqual([]);
    expect(logs.at(-1)).toMatch(/not forwarded \(add --allow-flush/);
    const [op] = make({ allowFlush: true }).feed(b('FLUSHALL'));
    expect(op).toMatchObject({ db: 5, cmds: [['FLUSHDB']] });
    expect(make({ allowFlush: true, allDbs: true }).feed(b('FLUSHALL'))[0].cmds).toEqual([['FLUSHALL']]);
    expect(make({ allowFlush: true, scan: { count: 1, include: [/^a/], exclude: [] } }).feed(b('FLUSHDB'))).toEqual([]);
    expect(make({ allowFlush: true, clusterTarget: true }).feed(b('FLUSHDB'))[0].broadcast).toBe(true);
  });

  it('splits a cross-slot MSET for a cluster target', () => {
    const ops = make({ clusterTarget: true, targetDb: 0 }).feed(b('MSET', 'a', '1', 'b', '2'));
    expect(ops).toHaveLength(2);
  });

  // what each op does, in words: "DEL a:x", "reread 0 a:x" (source db, key)
  const said = (ops: ReturnType<StreamTranslator['feed']>) =>
    ops.map((o) => (o.reread ? `reread ${o.reread.db} ${o.reread.key}` : o.cmds.map((c) => c.map(String).join(' ')).join(' ; ')));

  it('never forwards whole a command naming keys on both sides of the filters: the replicated side only, exact or read again', () => {
    logs.length = 0;
    const t = make({ scan: { count: 1, include: [/^a:/], exclude: [] } });
    expect(said(t.feed(b('RENAME', 'b:ren', 'a:ren')))).toEqual(['reread 0 a:ren']);
    expect(said(t.feed(b('RENAME', 'a:x', 'b:y')))).toEqual(['DEL a:x']);
    expect(said(t.feed(b('COPY', 'b:0', 'a:copy')))).toEqual(['reread 0 a:copy']);
    expect(said(t.feed(b('COPY', 'a:0', 'b:copy')))).toEqual([]);
    expect(said(t.feed(b('LMOVE', 'b:l', 'a:l', 'LEFT', 'RIGHT')))).toEqual(['reread 0 a:l']);
    expect(said(t.feed(b('LMOVE', 'a:l', 'b:l', 'RIGHT', 'LEFT')))).toEqual(['RPOP a:l']);
    expect(said(t.feed(b('RPOPLPUSH', 'a:l', 'b:l')))).toEqual(['RPOP a:l']);
    expect(said(t.feed(b('SMOVE', 'b:s', 'a:s', 'm')))).toEqual(['SADD a:s m']);
    expect(said(t.feed(b('SMOVE', 'a:s', 'b:s', 'm')))).toEqual(['SREM a:s m']);
    expect(said(t.feed(b('SUNIONSTORE', 'a:u', 'b:1', 'a:2')))).toEqual(['reread 0 a:u']);
    expect(said(t.feed(b('SUNIONSTORE', 'b:u', 'a:1', 'a:2')))).toEqual([]);
    expect(said(t.feed(b('ZRANGESTORE', 'a:z', 'b:z', '0', '-1')))).toEqual(['reread 0 a:z']);
    expect(said(t.feed(b('BITOP', 'AND', 'a:bits', 'b:1')))).toEqual(['reread 0 a:bits']);
    expect(said(t.feed(b('SORT', 'b:list', 'STORE', 'a:sorted')))).toEqual(['reread 0 a:sorted']);
    expect(said(t.feed(b('MSETNX', 'a:1', 'x', 'b:1', 'y')))).toEqual(['SET a:1 x']);
    expect(logs.join('\n')).not.toMatch(/forwarded whole/);
    expect(logs.filter((l) => /^RENAME /.test(l))).toHaveLength(2); // once for each way it is handled
    expect(logs.join('\n')).toMatch(/RENAME names keys both inside and outside the key filters: .*read again from the source/);
  });

  it('in a transaction, keys read again go after its EXEC', () => {
    const t = make({ scan: { count: 1, include: [/^a:/], exclude: [] } });
    t.feed(b('MULTI'));
    t.feed(b('RENAME', 'b:x', 'a:x'));
    t.feed(b('INCR', 'a:x'));
    t.feed(b('RENAME', 'a:y', 'b:y'));
    expect(said(t.feed(b('EXEC')))).toEqual(['INCR a:x ; DEL a:y', 'reread 0 a:x']);
  });

  it('MOVE and COPY … DB across replicated and other databases', () => {
    const t = make();
    expect(said(t.feed(b('MOVE', 'k', '3')))).toEqual(['DEL k']);
    expect(said(t.feed(b('COPY', 'k', 'k2', 'DB', '0')))).toEqual(['COPY k k2 DB 5']);
    expect(said(t.feed(b('COPY', 'k', 'k2', 'DB', '4')))).toEqual([]);
    t.feed(b('SELECT', '3'));
    expect(said(t.feed(b('MOVE', 'k', '0')))).toEqual(['reread 0 k']);
    expect(said(t.feed(b('COPY', 'k', 'k3', 'DB', '0', 'REPLACE')))).toEqual(['reread 0 k3']);
    expect(said(t.feed(b('MOVE', 'k', '4')))).toEqual([]);
    const all = make({ allDbs: true });
    expect(said(all.feed(b('MOVE', 'k', '3')))).toEqual(['MOVE k 3']);
  });

  it('a cross-slot RENAME, SMOVE or *STORE for a cluster target: by key, the destination read again', () => {
    const t = make({ clusterTarget: true, targetDb: 0 });
    expect(said(t.feed(b('RENAME', 'a', 'b')))).toEqual(['DEL a', 'reread 0 b']);
    expect(said(t.feed(b('SMOVE', 'a', 'b', 'm')))).toEqual(['SREM a m', 'SADD b m']);
    expect(said(t.feed(b('SINTERSTORE', 'a', 'b', 'c')))).toEqual(['reread 0 a']);
    expect(said(t.feed(b('RENAME', '{t}a', '{t}b')))).toEqual(['RENAME {t}a {t}b']);
  });
});

describe('LatencyWindow', () => {
  it('gives percentiles (bucket upper edges: 1 ms to 1 s, then 10 ms) over the last seconds only', () => {
    const w = new LatencyWindow(10);
    const t0 = 1_000_000;
    for (let i = 1; i <= 100; i++) w.add(i - 0.5, t0);
    expect(w.percentiles([50, 99], t0)).toEqual([50, 99]);
    w.add(2500, t0 + 1000);
    expect(w.percentiles([100], t0 + 1000)).toEqual([2510]);
    expect(w.percentiles([50], t0 + 20_000)).toEqual([undefined]);
  });
});

describe('notificationsCover', () => {
  it.each([
    ['', false],
    ['KA', true],
    ['AKE', true],
    ['Kg$lshzxet', true],
    ['Ex', false],
    ['K$', false],
  ])('%s → %s', (flags, ok) => expect(notificationsCover(flags)).toBe(ok));
});

describe('checkpoint file', () => {
  it('round-trips, starts empty when missing, refuses what is not a checkpoint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-cp-'));
    try {
      const file = join(dir, 'cp.json');
      expect(loadCheckpoint(file)).toEqual({});
      const id = 'a'.repeat(40);
      saveCheckpoint(file, { '127.0.0.1:6379': { replId: id, offset: 42 } });
      expect(loadCheckpoint(file)).toEqual({ '127.0.0.1:6379': { replId: id, offset: 42 } });
      writeFileSync(file, 'not json');
      expect(() => loadCheckpoint(file)).toThrow(InputError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is checked before the start: its directory, its permissions, its contents; nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-cp-'));
    try {
      expect(() => checkCheckpointFile('/nonexistent/dir/ck.json')).toThrow(/--checkpoint \/nonexistent\/dir\/ck\.json: the directory \/nonexistent\/dir does not exist: create it/);
      writeFileSync(join(dir, 'plain'), 'x');
      expect(() => checkCheckpointFile(join(dir, 'plain', 'ck.json'))).toThrow(/is not a directory/);
      expect(() => checkCheckpointFile(dir)).toThrow(/is not a regular file/);
      writeFileSync(join(dir, 'bad.json'), '[1]');
      expect(() => checkCheckpointFile(join(dir, 'bad.json'))).toThrow(/is not a cutover checkpoint/);
      expect(checkCheckpointFile(join(dir, 'new.json'))).toEqual({});
      expect(readdirSync(dir).sort()).toEqual(['bad.json', 'plain']);
      if (process.getuid?.() !== 0) {
        const ro = join(dir, 'ro');
        mkdirSync(ro, { mode: 0o500 });
        expect(() => checkCheckpointFile(join(ro, 'ck.json'))).toThrow(/is not writable by this user/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('live options', () => {
  const base = ['replicate', '--source', 'a:1', '--target', 'b:2'];
  const parse = (extra: string[]) => parseCommand([...base, ...extra], {});

  it('reads the live options with their defaults', () => {
    const c = parse(['--mode', 'live']);
    expect(c).toMatchObject({ mode: 'live', live: { liveSource: 'psync', allowFlush: false, eventQueue: 10_000, eventOrder: 'fifo', flushIntervalMs: 50, verifyOnIdle: false } });
    const n = parse(['--mode', 'liveonly', '--live-source', 'notifications', '--event-queue', '500', '--event-order', 'priority', '--flush-interval', '10ms', '--idle-timeout', '5m']);
    expect(n).toMatchObject({ mode: 'liveonly', live: { liveSource: 'notifications', eventQueue: 500, eventOrder: 'priority', flushIntervalMs: 10, idleTimeoutMs: 300_000 } });
  });

  it.each([
    [['--live-source', 'psync'], /--live-source is for live replication: add --mode live/],
    [['--mode', 'live', '--event-queue', '5'], /--event-queue is for --live-source notifications/],
    [['--mode', 'live', '--live-source', 'notifications', '--checkpoint', 'f'], /--checkpoint is for --live-source psync/],
    [['--mode', 'live', '--dry-run'], /--dry-run is for snapshots/],
    [['--mode', 'live', '--live-source', 'nope'], /--live-source 'nope' is not one of psync, notifications/],
    [['--mode', 'live', '--idle-timeout', '0'], /--idle-timeout '0' is not a duration/],
  ])('%j is refused', (extra, message) => {
    expect(() => parse(extra as string[])).toThrow(message as RegExp);
  });
});

describe('live words', () => {
  const stats: LiveStats = {
    phase: 'streaming', source: 'psync', sourceOffset: 2000, receivedOffset: 2000, appliedOffset: 1000, lagBytes: 1000, ageP50Ms: 1, ageP99Ms: 12, queueDepth: 3, opsPerSec: 10_000,
    applied: 123_456, rdbKeys: 10, rdbBigKeys: 0, filtered: 0, failed: 0, fullResyncs: 1, partialResyncs: 2, reconnects: 3, flushes: 0, splitTransactions: 0, events: 0, droppedEvents: 0, overflows: 0, idleMs: 0, streams: 1,
  };

  it('the Listening line names lag, ages, queue, rate and resyncs', () => {
    expect(liveLine(stats)).toBe('Listening ▸ 123,456 applied · lag 1000 B · age p50 1 ms p99 12 ms · queue 3 · 10,000 ops/s · resyncs 3 (1 full)');
    expect(liveLine({ ...stats, source: 'notifications', droppedEvents: 5, overflows: 1 })).toMatch(/dropped 5 \(1 overflows\)$/);
  });

  it("the console's end line has thousands separators and says the last RDB after a full resync", () => {
    expect(liveStopLine({ ...stats, applied: 10_617, rdbKeys: 10_117 })).toBe('10,617 applied (10,117 keys from the last RDB), 0 failed, lag 1000 B at the end, resyncs 2 partial 1 full');
    expect(liveSummaryText({ stats: { ...stats, fullResyncs: 0 }, elapsedMs: 1000, stopped: true, reason: 'stopped' })).toMatch(/123,456 commands applied, 10 keys from the RDB,/);
  });

  it("NDJSON meters carry each change source's own figures only", () => {
    expect(Object.keys(statsJson({ ...stats, source: 'notifications' }))).not.toContain('sourceOffset');
    expect(Object.keys(statsJson({ ...stats, source: 'notifications' }))).not.toContain('appliedOffset');
    expect(statsJson({ ...stats, source: 'notifications', events: 7 })).toMatchObject({ events: 7, droppedEvents: 0 });
    expect(statsJson(stats)).toMatchObject({ sourceOffset: 2000, appliedOffset: 1000, lagBytes: 1000 });
    expect(Object.keys(statsJson(stats))).not.toContain('droppedEvents');
  });

  it('the summary never claims zero loss for notifications', () => {
    const text = liveSummaryText({ stats: { ...stats, source: 'notifications' }, elapsedMs: 1000, stopped: true, reason: 'stopped' });
    expect(text).toMatch(/not a change log: the verification, not this line, says whether anything was lost/);
  });
});

describe("Sentinel's view of the stream", () => {
  it('names a replica on port 0 as cutover’s live stream in the event log', async () => {
    const { parseSentinelEvent } = await import('../../src/engine/topology/parse-sentinel.js');
    const { sentinelEventText } = await import('../../src/engine/topology/changes.js');
    const e = parseSentinelEvent('+sdown', 'slave 127.0.0.1:0 127.0.0.1 0 @ mymaster 127.0.0.1 6379');
    expect(sentinelEventText(e)).toBe("+sdown replica 127.0.0.1:0 of mymaster (cutover's live stream, not a replica)");
  });
});
