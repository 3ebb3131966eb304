import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/options/args.js';
import { drillArgs } from '../../src/options/drill-args.js';
import { parseDuration } from '../../src/options/duration.js';
import { InputError } from '../../src/options/endpoint.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => drillArgs(argv, env);

describe('cutover drill options', () => {
  it('has defaults: 1000 counters, 1000 writes/s, until Ctrl-C, its own prefix', () => {
    const a = parse(['--uri', 'redis://127.0.0.1:7001']);
    expect(a).toMatchObject({ kind: 'drill', counters: 1000, rate: 1000, prefix: 'cutover:drill:', reset: false, stallMs: 100, timeoutMs: 1000, reconnectMs: 50, json: false });
    expect(a.kind === 'drill' && a.durationMs).toBeUndefined();
    expect(a.kind === 'drill' && a.uri).toMatchObject({ host: '127.0.0.1', port: 7001 });
  });

  it('reads every option', () => {
    const a = parse(['--uri', '10.0.0.5:6380', '--counters', '50', '--rate', 'max', '--duration', '1.5m', '--prefix', 'x:', '--reset', '--stall', '250ms', '--timeout', '2s', '--reconnect', '20ms', '--json']);
    expect(a).toMatchObject({ counters: 50, rate: 0, durationMs: 90_000, prefix: 'x:', reset: true, stallMs: 250, timeoutMs: 2000, reconnectMs: 20, json: true });
    expect(parse(['127.0.0.1:7001', '--rate', 'MAX'])).toMatchObject({ rate: 0, uri: { port: 7001 } });
    expect(parse(['127.0.0.1:7001', '--rate', '1'])).toMatchObject({ rate: 1 });
  });

  it('goes through Sentinel with --sentinel and --master-name; the data password from REDISCLI_AUTH', () => {
    const a = parse(['--sentinel', '127.0.0.1:26379', '--sentinel', 'redis://:spw@127.0.0.1:26380', '--master-name', 'mymaster'], { REDISCLI_AUTH: 'secret' });
    expect(a).toMatchObject({ masterName: 'mymaster', password: 'secret', sentinels: [{ port: 26379 }, { port: 26380, password: 'spw' }] });
    expect(a.kind === 'drill' && a.uri).toBeUndefined();
  });

  it('takes a password from the URI or REDISCLI_AUTH', () => {
    expect(parse(['--uri', 'redis://:pw@h:1'])).toMatchObject({ uri: { password: 'pw' } });
    expect(parse(['--uri', 'redis://h:1'], { REDISCLI_AUTH: 'envpw' })).toMatchObject({ uri: { password: 'envpw' } });
  });

  it.each([
    [[], /no endpoint/],
    [['--uri', 'h:1', '--sentinel', 'h:2', '--master-name', 'm'], /not both/],
    [['--sentinel', 'h:2'], /--master-name/],
    [['--uri', 'h:1', '--counters', '0'], /--counters '0' is not a whole number from 1/],
    [['--uri', 'h:1', '--rate', 'fast'], /--rate 'fast'/],
    [['--uri', 'h:1', '--rate', '0'], /^--rate 0 would write nothing: give writes a second \(1 to 1000000\), or --rate max for as fast as 16 in flight allow$/],
    [['--uri', 'h:1', '--rate', '1000001'], /--rate '1000001' is not a whole number from 1 to 1000000/],
    [['--uri', 'h:1', '--duration', '10 minutes'], /--duration '10 minutes' is not a duration/],
    [['--uri', 'h:1', '--duration', '10ms'], /from 100ms/],
    [['--uri', 'h:1', '--stall', '0'], /--stall/],
    [['--uri', 'h:1', '--prefix', ''], /--prefix is empty/],
    [['--uri', 'h:1', '--bogus'], /unknown option '--bogus'.*cutover drill --help/i],
    [['--uri', 'h:1', 'h:2'], /unexpected 'h:2'/],
    [['--uri', 'http://h:1'], /scheme/],
    [['--uri', 'h:1', '--cacert', 'ca.pem'], /need TLS/],
  ])('refuses %j with one line', (argv, message) => {
    expect(() => parse(argv as string[])).toThrow(InputError);
    expect(() => parse(argv as string[])).toThrow(message);
  });

  it('is wired into the command line, with --help', () => {
    expect(parseCommand(['drill', '--uri', 'h:1'])).toMatchObject({ kind: 'drill', counters: 1000 });
    expect(parseCommand(['drill', '--help'])).toEqual({ kind: 'help', topic: 'drill' });
  });

  it('reads durations from milliseconds to hours', () => {
    expect(parseDuration('500ms', '--x', { minMs: 1, maxMs: 1e9 })).toBe(500);
    expect(parseDuration('2', '--x', { minMs: 1, maxMs: 1e9 })).toBe(2000);
    expect(parseDuration('5m', '--x', { minMs: 1, maxMs: 1e9 })).toBe(300_000);
    expect(parseDuration('1h', '--x', { minMs: 1, maxMs: 1e9 })).toBe(3_600_000);
  });
});
