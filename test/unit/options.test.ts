// One option vocabulary (src/options): every duration, size, parse mistake, TLS file and credential is read the same
// way by every command, and refused in the same words.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/options/args.js';
import { parseDuration } from '../../src/options/duration.js';
import { InputError } from '../../src/options/endpoint.js';
import { parseSize } from '../../src/options/size.js';
import { typedDuration } from '../../src/format/durations.js';

const MB = 1024 * 1024;
const H = 3_600_000;

/** [the command line before the option, the option, where its value lands, its range] */
const DURATION_OPTIONS: Array<[string[], string, string, number, number]> = [
  [['console', 'h:1'], '--interval', 'intervalMs', 100, 60_000],
  [['console', 'h:1'], '--timeout', 'timeoutMs', 100, 60_000],
  [['topology', 'h:1'], '--interval', 'intervalMs', 100, 60_000],
  [['topology', 'h:1'], '--timeout', 'timeoutMs', 100, 60_000],
  [['lab'], '--interval', 'intervalMs', 100, 60_000],
  [['replicate', '--source', 'a:1', '--target', 'b:2'], '--timeout', 'timeoutMs', 100, 60_000],
  [['replicate', '--source', 'a:1', '--target', 'b:2', '--mode', 'live'], '--idle-timeout', 'live.idleTimeoutMs', 100, 24 * H],
  [['replicate', '--source', 'a:1', '--target', 'b:2', '--mode', 'live', '--live-source', 'notifications'], '--flush-interval', 'live.flushIntervalMs', 1, 10_000],
  [['drill', '--uri', 'h:1'], '--duration', 'durationMs', 100, 168 * H],
  [['drill', '--uri', 'h:1'], '--stall', 'stallMs', 1, 60_000],
  [['drill', '--uri', 'h:1'], '--timeout', 'timeoutMs', 100, 60_000],
  [['drill', '--uri', 'h:1'], '--reconnect', 'reconnectMs', 10, 5000],
  [['failover', '--uri', 'h:1'], '--timeout', 'timeoutMs', 500, 60_000],
  [['failover', '--uri', 'h:1'], '--follow-timeout', 'followTimeoutMs', 1000, H],
  [['failover', '--uri', 'h:1', '--unplanned'], '--fence-wait', 'fenceWaitMs', 0, H],
  [['clone', '--origin', 'a:1', '--clone', 'b:2'], '--timeout', 'timeoutMs', 500, 24 * H],
  [['clone', '--origin', 'a:1', '--clone', 'b:2'], '--pause-timeout', 'pauseMs', 500, 60_000],
  [['clone', '--origin', 'a:1', '--clone', 'b:2'], '--follow-timeout', 'followTimeoutMs', 1000, H],
];

function field(argv: string[], path: string): unknown {
  const cmd = parseCommand(argv, {}) as unknown as Record<string, unknown>;
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], cmd);
}

function refusal(argv: string[]): string {
  try {
    parseCommand(argv, {});
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
}

describe('every option that takes a duration', () => {
  it.each(DURATION_OPTIONS)('%j %s reads ms, s, m and h alike', (before, option, path, minMs, maxMs) => {
    expect(field([...before, option, '0.001h'], path)).toBe(3600);
    expect(field([...before, option, '3.6s'], path)).toBe(3600);
    expect(field([...before, option, '3600ms'], path)).toBe(3600);
    expect(field([...before, option, '3.6'], path)).toBe(3600); // a number alone is seconds
    if (maxMs >= H) expect(field([...before, option, '1h'], path)).toBe(H);
    if (maxMs >= 60_000) expect(field([...before, option, '1m'], path)).toBe(60_000);
    expect(field([...before, option, typedDuration(minMs)], path)).toBe(minMs);
    expect(field([...before, option, typedDuration(maxMs)], path)).toBe(maxMs);
  });

  it.each(DURATION_OPTIONS)('%j %s refuses in one wording, naming its range', (before, option, _path, minMs, maxMs) => {
    const range = `from ${typedDuration(minMs)} to ${typedDuration(maxMs)}`;
    for (const bad of ['soon', '5x', '-1', `${maxMs + 1}ms`]) {
      const line = refusal([...before, `${option}=${bad}`]);
      expect(line).toBe(line.split('\n')[0]);
      expect(line).toMatch(new RegExp(`^${option} '${bad}' is not a duration ${range}: write it like [^;]+ \\(a number alone is seconds\\)`));
    }
  });

  it('words the range and the examples as they are typed', () => {
    expect(() => parseDuration('5ms', '--interval', { minMs: 100, maxMs: 60_000 })).toThrow(
      "--interval '5ms' is not a duration from 100ms to 60s: write it like 500ms or 5s (a number alone is seconds)",
    );
    expect(() => parseDuration('2w', '--duration', { minMs: 100, maxMs: 168 * H })).toThrow(
      "--duration '2w' is not a duration from 100ms to 168h: write it like 500ms, 5s, 5m or 1h (a number alone is seconds)",
    );
    expect(() => parseDuration('2h', '--fence-wait', { minMs: 0, maxMs: H, zero: '0: one look' })).toThrow(
      "--fence-wait '2h' is not a duration from 0 to 1h: write it like 500ms, 5s, 5m or 1h (a number alone is seconds); 0: one look",
    );
  });

  it('names durations as they are typed (src/format/durations.ts)', () => {
    expect([0, 1, 500, 1000, 60_000, 120_000, 150_000, 300_000, 5_400_000, H, 24 * H, 168 * H].map(typedDuration)).toEqual([
      '0', '1ms', '500ms', '1s', '60s', '120s', '2.5m', '5m', '90m', '1h', '24h', '168h',
    ]);
  });

  it('takes 0 only where 0 means something, and says what', () => {
    expect(field(['failover', '--uri', 'h:1', '--unplanned', '--fence-wait', '0'], 'fenceWaitMs')).toBe(0);
    expect(refusal(['replicate', '--source', 'a:1', '--target', 'b:2', '--mode', 'live', '--idle-timeout', '0'])).toMatch(/^--idle-timeout '0' is not a duration from 100ms/);
    expect(refusal(['clone', '--origin', 'a:1', '--clone', 'b:2', '--timeout', '0'])).toMatch(/^--timeout '0' is not a duration from 500ms/);
  });
});

describe('every option that takes a size', () => {
  const SIZES: Array<[string[], string, string]> = [
    [['replicate', '--source', 'a:1', '--target', 'b:2'], '--mem-limit', 'memLimitBytes'],
    [['failover', '--uri', 'h:1'], '--max-lag', 'maxLagBytes'],
  ];
  it.each(SIZES)('%j %s reads B, KB/K, MB/M, GB/G, megabytes alone', (before, option, path) => {
    for (const [text, bytes] of [
      ['512b', 512],
      ['64KB', 64 * 1024],
      ['64k', 64 * 1024],
      ['2MB', 2 * MB],
      ['2m', 2 * MB],
      ['1GB', 1024 * MB],
      ['1g', 1024 * MB],
      ['3 MB', 3 * MB],
      ['1', MB],
      ['.5', MB / 2],
    ] as const) {
      expect(field([...before, option, text], path)).toBe(bytes);
    }
  });
  it.each(SIZES)('%j %s refuses in one wording', (before, option) => {
    for (const bad of ['lots', '1TBs', '-1', '']) {
      expect(refusal([...before, `${option}=${bad}`])).toMatch(
        new RegExp(`^${option} '${bad}' is not a size[^:]*: write it like 64KB, 512MB or 2GB \\(a number alone is megabytes\\)`),
      );
    }
  });
  it('decides 0 per option, and says what it means where it is taken', () => {
    expect(field(['failover', '--uri', 'h:1', '--max-lag', '0'], 'maxLagBytes')).toBe(0);
    expect(refusal(['failover', '--uri', 'h:1', '--max-lag', 'none'])).toMatch(/; 0: the candidate must have every write$/);
    expect(refusal(['replicate', '--source', 'a:1', '--target', 'b:2', '--mem-limit', '0'])).toMatch(/^--mem-limit '0' is not a size above 0, at most 1\.0 TB: .*; not 0, which would copy every key in chunks$/);
    expect(() => parseSize('2TB', '--mem-limit', { minBytes: 1, maxBytes: 1024 ** 4 })).toThrow(InputError);
  });
});

describe('one reading of the command line, one wording for its mistakes', () => {
  const COMMANDS: Array<[string, string[], string, string, string]> = [
    ['console', ['h:1'], '--timeout', 'a duration (like 5s)', '--read-only'],
    ['topology', ['h:1'], '--interval', 'a duration (like 5s)', '--json'],
    ['lab', [], '--preset', 'a preset name', '--workload'],
    ['replicate', ['--source', 'a:1'], '--target', 'a URI (redis://host:port)', '--json'],
    ['compare', ['--source', 'a:1'], '--target', 'a URI (redis://host:port)', '--dry-run'],
    ['drill', ['--uri', 'h:1'], '--stall', 'a duration (like 100ms)', '--json'],
    ['failover', ['--uri', 'h:1'], '--to', 'host:port', '--dry-run'],
    ['clone', ['--origin', 'a:1'], '--clone', 'a URI (redis://host:port)', '--json'],
  ];
  it.each(COMMANDS)('%s: an unknown option', (command, before) => {
    expect(refusal([command, ...before, '--bogus'])).toBe(`unknown option '--bogus': see 'cutover ${command} --help'`);
  });
  it.each(COMMANDS)('%s: a value missing at the end of the line', (command, before, option, what) => {
    expect(refusal([command, ...before, option])).toBe(`${option} needs ${what}: see 'cutover ${command} --help'`);
  });
  it.each(COMMANDS)('%s: a value forgotten, the next option taken for it', (command, before, option, what, next) => {
    expect(refusal([command, ...before, option, next])).toBe(`${option} needs ${what}: see 'cutover ${command} --help'`);
  });
  it('a value that starts with a dash but is no option: how to give it', () => {
    expect(refusal(['replicate', '--source', 'a:1', '--target', 'b:2', '--scan-match', '-x*'])).toBe(
      "--scan-match was given '-x*', which reads as an option; write --scan-match=-x* if that is really the value: see 'cutover replicate --help'",
    );
    expect(field(['replicate', '--source', 'a:1', '--target', 'b:2', '--scan-match=-x*'], 'scan.match')).toBe('-x*');
  });
  it('a flag given a value', () => {
    expect(refusal(['failover', '--uri', 'h:1', '--yes=1'])).toBe("option '--yes' does not take an argument: see 'cutover failover --help'");
  });
});

describe('TLS files and credentials, the same for every command', () => {
  const LINES: string[][] = [
    ['console', 'h:1'],
    ['topology', 'h:1'],
    ['replicate', '--source', 'a:1', '--target', 'b:2'],
    ['compare', '--source', 'a:1', '--target', 'b:2'],
    ['drill', '--uri', 'h:1'],
    ['failover', '--uri', 'h:1'],
    ['clone', '--origin', 'a:1', '--clone', 'b:2'],
  ];
  it.each(LINES)('%s: TLS files need TLS, and a certificate its key', (...argv) => {
    expect(refusal([...argv, '--cacert', 'ca.pem'])).toBe('--cacert/--cert/--key/--insecure need TLS: add --tls or use rediss:// URIs');
    expect(refusal([...argv, '--tls', '--cert', 'c.pem'])).toBe('--cert and --key go together: give both for a client certificate');
    expect(field([...argv, '--tls', '--cert', 'c.pem', '--key', 'k.pem', '--cacert', 'ca.pem'], 'tlsFiles')).toEqual({ cacert: 'ca.pem', cert: 'c.pem', key: 'k.pem', insecure: false });
  });
  it('--user and REDISCLI_AUTH reach every command the same way, a URI\'s own credentials first', () => {
    const env = { REDISCLI_AUTH: 'fromenv' };
    const data = (argv: string[]) => parseCommand(argv, env) as unknown as Record<string, unknown>;
    expect(data(['console', 'h:1', '--user', 'ops'])).toMatchObject({ dataAuth: { username: 'ops', password: 'fromenv' }, sentinelAuth: {} });
    expect(data(['console', 'redis://u:own@h:1', '--user', 'ops'])).toMatchObject({ dataAuth: { username: 'u', password: 'own' } });
    expect(data(['failover', '--uri', 'h:1', '--user', 'ops'])).toMatchObject({ dataAuth: { username: 'ops', password: 'fromenv' } });
    expect(data(['failover', '--uri', 'redis://u:own@h:1', '--sentinel', 'redis://:spw@s:26379', '--master-name', 'm'])).toMatchObject({
      dataAuth: { username: 'u', password: 'own' },
      sentinelAuth: { password: 'spw' },
    });
    expect(data(['drill', '--uri', 'h:1', '--user', 'ops'])).toMatchObject({ username: 'ops', password: 'fromenv', uri: { username: 'ops', password: 'fromenv' } });
    expect(data(['replicate', '--source', 'a:1', '--target', 'redis://:t@b:2', '--user', 'ops'])).toMatchObject({
      source: { username: 'ops', password: 'fromenv' },
      target: { username: 'ops', password: 't' },
    });
    expect(data(['clone', '--origin', 'a:1', '--clone', 'b:2'])).toMatchObject({ origin: { password: 'fromenv' }, clone: { password: 'fromenv' } });
  });
});
