// `cutover cluster …` and the lab's cluster shape (--masters, --replicas, --spare): what is read, what is refused, in
// the one wording of src/options.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/options/args.js';
import { InputError } from '../../src/options/endpoint.js';

function refusal(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parseCommand(argv, env);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
}

describe('cutover cluster', () => {
  it('check: --uri (or the URI alone), REDISCLI_AUTH and --user, --timeout, --json', () => {
    const c = parseCommand(['cluster', 'check', '--uri', 'redis://127.0.0.1:7000', '--user', 'ops', '--json', '--timeout', '5s'], { REDISCLI_AUTH: 'pw' });
    expect(c).toMatchObject({ kind: 'cluster', action: 'check', uri: { host: '127.0.0.1', port: 7000, username: 'ops', password: 'pw' }, json: true, timeoutMs: 5000 });
    expect(parseCommand(['cluster', 'check', '127.0.0.1:7000'], {})).toMatchObject({ action: 'check', uri: { port: 7000 }, json: false, timeoutMs: 2000 });
    expect(parseCommand(['cluster', 'check', '--uri', 'rediss://h:7000', '--insecure'], {})).toMatchObject({ uri: { tls: true }, tlsFiles: { insecure: true } });
  });

  it('refuses, in one line each: no --uri, a database, an unknown subcommand or option, TLS files without TLS', () => {
    expect(refusal(['cluster', 'check'])).toBe(`--uri is missing: 'cutover cluster check --uri redis://host:port' (any node of the cluster)`);
    expect(refusal(['cluster', 'check', '--uri', 'redis://h:7000/2'])).toBe(`a Redis Cluster has database 0 only: drop the URI's /2`);
    expect(refusal(['cluster', 'balance'])).toBe(`unknown cluster subcommand 'balance': use 'cutover cluster check --uri URI' (see 'cutover cluster --help')`);
    expect(refusal(['cluster', 'check', '--uri', 'h:1', '--bogus'])).toBe(`unknown option '--bogus': see 'cutover cluster --help'`);
    expect(refusal(['cluster', 'check', '--uri', 'h:1', '--timeout'])).toBe(`--timeout needs a duration (like 5s): see 'cutover cluster --help'`);
    expect(refusal(['cluster', 'check', '--uri', 'h:1', '--cacert', 'ca.pem'])).toMatch(/^--cacert\/--cert\/--key\/--insecure need TLS/);
    expect(refusal(['cluster', 'check', '--uri', 'redis://:pw@h:1', '-a', 'pw'])).toMatch(/^cutover takes no -a/);
  });

  it('help for every form', () => {
    expect(parseCommand(['cluster'], {})).toEqual({ kind: 'help', topic: 'cluster' });
    expect(parseCommand(['cluster', 'check', '--help'], {})).toEqual({ kind: 'help', topic: 'cluster' });
    expect(parseCommand(['help', 'cluster'], {})).toEqual({ kind: 'help', topic: 'cluster' });
  });
});

describe('cutover cluster fix options', () => {
  it('--uri, --yes, --dry-run, --replace, --pipeline, --timeout, --journal; an unknown option or no --uri is one line', () => {
    expect(parseCommand(['cluster', 'fix', '--uri', 'h:7000'], {})).toMatchObject({ action: 'fix', fix: { yes: false, dryRun: false, replace: false, pipeline: 1000, migrateTimeoutMs: 60_000 } });
    expect(parseCommand(['cluster', 'fix', 'h:7000', '--yes', '--dry-run', '--replace', '--pipeline', '10', '--timeout', '5s', '--journal', 'j.jsonl'], {})).toMatchObject({
      action: 'fix',
      fix: { yes: true, dryRun: true, replace: true, pipeline: 10, migrateTimeoutMs: 5000, journal: 'j.jsonl' },
    });
    expect(refusal(['cluster', 'fix'])).toBe(`--uri is missing: 'cutover cluster fix --uri redis://host:port' (any node of the cluster)`);
    expect(refusal(['cluster', 'fix', '--uri', 'h:1', '--from', 'x'])).toBe(`unknown option '--from': see 'cutover cluster --help'`);
    expect(parseCommand(['cluster', 'fix', '--uri', 'h:1', '--to', 'abc'], {})).toMatchObject({ fix: { to: 'abc' } });
  });
});

describe('cutover cluster reshard options', () => {
  const base = ['cluster', 'reshard', '--uri', 'h:7000'];
  it('redis-cli names: --from (ids or all), --to, --slots or --slot-ranges, --yes, --dry-run, --replace, --pipeline, --timeout', () => {
    expect(parseCommand([...base, '--from', 'a,b', '--to', 'c', '--slots', '100'], {})).toMatchObject({
      action: 'reshard',
      reshard: { from: ['a', 'b'], to: 'c', slots: 100, yes: false, dryRun: false, replace: false, pipeline: 1000, migrateTimeoutMs: 60_000 },
    });
    expect(parseCommand([...base, '--from', 'all', '--to', 'c', '--slot-ranges', '0-9,100', '--yes', '--dry-run', '--replace', '--pipeline', '50', '--timeout', '5s', '--journal', 'j.jsonl'], {})).toMatchObject({
      reshard: { from: 'all', ranges: [[0, 9], [100, 100]], yes: true, dryRun: true, replace: true, pipeline: 50, migrateTimeoutMs: 5000, journal: 'j.jsonl' },
    });
  });

  it('refuses, in one line each: --slots 0, both or neither of --slots/--slot-ranges, no --to or --from, bad ranges', () => {
    expect(refusal([...base, '--from', 'all', '--to', 'c', '--slots', '0'])).toBe(`--slots '0' is not a whole number from 1 to 16384`);
    expect(refusal([...base, '--from', 'all', '--to', 'c', '--slots', '1', '--slot-ranges', '0-1'])).toBe('give either --slots N or --slot-ranges A-B,…, not both');
    expect(refusal([...base, '--from', 'all', '--to', 'c'])).toBe('say how many slots to move with --slots N, or which with --slot-ranges A-B,…');
    expect(refusal([...base, '--from', 'all', '--slots', '1'])).toMatch(/^--to is missing/);
    expect(refusal([...base, '--to', 'c', '--slots', '1'])).toMatch(/^--from is missing/);
    expect(refusal([...base, '--from', 'all', '--to', 'c', '--slot-ranges', '9-2'])).toMatch(/^--slot-ranges '9-2' is not a list of slot ranges/);
    expect(refusal(['cluster', 'reshard', '--from', 'all', '--to', 'c', '--slots', '1'])).toMatch(/^--uri is missing/);
    // a forgotten value says what reshard's option takes (a node id), not failover's --to (host:port)
    expect(refusal([...base, '--from', 'all', '--slots', '1', '--to'])).toBe("--to needs a node id: see 'cutover cluster --help'");
  });

  it('--mem-limit (1MB) and --max-block (100ms) with their defaults, --allow-big-keys', () => {
    expect(parseCommand([...base, '--from', 'all', '--to', 'c', '--slots', '1'], {})).toMatchObject({ reshard: { memLimit: 1024 * 1024, maxBlockMs: 100, allowBigKeys: false } });
    expect(parseCommand([...base, '--from', 'all', '--to', 'c', '--slots', '1', '--mem-limit', '64KB', '--max-block', '250ms', '--allow-big-keys'], {})).toMatchObject({
      reshard: { memLimit: 64 * 1024, maxBlockMs: 250, allowBigKeys: true },
    });
    expect(refusal([...base, '--from', 'all', '--to', 'c', '--slots', '1', '--mem-limit', '0'])).toMatch(/^--mem-limit '0' is not a size above 0/);
    expect(refusal([...base, '--from', 'all', '--to', 'c', '--slots', '1', '--max-block', 'soon'])).toMatch(/^--max-block 'soon' is not a duration from 1ms to 60s/);
  });

  it('--resume JOURNAL: no --from/--to/--slots needed (the plan is the journal\'s), refused with them; the options given are named', () => {
    expect(parseCommand([...base, '--resume', 'r.jsonl', '--yes', '--pipeline', '10'], {})).toMatchObject({ reshard: { resume: 'r.jsonl', yes: true, pipeline: 10 } });
    const c = parseCommand([...base, '--resume', 'r.jsonl', '--pipeline', '10'], {}) as { reshard: { given: string[] } };
    expect(c.reshard.given).toContain('pipeline');
    expect(c.reshard.given).not.toContain('timeout');
    expect(refusal([...base, '--resume', 'r.jsonl', '--to', 'c', '--slots', '5'])).toBe('--resume takes the plan from the journal: drop --to, --slots');
    expect(refusal([...base, '--resume', ' '])).toMatch(/^--resume needs the journal/);
  });
});

describe('cutover cluster rebalance options', () => {
  const base = ['cluster', 'rebalance', '--uri', 'h:7000'];
  it('redis-cli names: --weight (repeated or comma list), --use-empty-masters, --threshold, --simulate or --dry-run, and the reshard ones', () => {
    expect(parseCommand(base, {})).toMatchObject({
      action: 'rebalance',
      rebalance: { weights: [], useEmptyMasters: false, threshold: 2, yes: false, dryRun: false, replace: false, pipeline: 1000, migrateTimeoutMs: 60_000 },
    });
    expect(parseCommand([...base, '--weight', 'a1b2=2,127.0.0.1:7001=0', '--weight', 'c3=1.5', '--use-empty-masters', '--threshold', '5%', '--simulate'], {})).toMatchObject({
      rebalance: { weights: [{ name: 'a1b2', weight: 2 }, { name: '127.0.0.1:7001', weight: 0 }, { name: 'c3', weight: 1.5 }], useEmptyMasters: true, threshold: 5, dryRun: true },
    });
    expect(parseCommand([...base, '--dry-run', '--yes', '--replace', '--pipeline', '50', '--timeout', '5s', '--journal', 'j.jsonl', '--threshold', '0.5', '--json'], {})).toMatchObject({
      json: true,
      rebalance: { dryRun: true, yes: true, replace: true, pipeline: 50, migrateTimeoutMs: 5000, journal: 'j.jsonl', threshold: 0.5 },
    });
  });

  it('refuses, in one line each: a weight without =, a negative or wordy weight, a second pair left as a word, a bad threshold, no --uri, --from', () => {
    expect(refusal([...base, '--weight', 'a1b2'])).toMatch(/^--weight 'a1b2' is not ID=WEIGHT: write it like --weight 3c3a0c74=2/);
    expect(refusal([...base, '--weight', 'a1b2=-1'])).toMatch(/^--weight 'a1b2=-1' is not ID=WEIGHT/);
    expect(refusal([...base, '--weight', '=2'])).toMatch(/^--weight '=2' is not ID=WEIGHT/);
    expect(refusal([...base, '--weight', 'a1b2=heavy'])).toMatch(/^--weight 'a1b2=heavy' is not ID=WEIGHT/);
    expect(refusal([...base, '--weight', 'a=1', 'b=2'])).toBe(`unexpected 'b=2': give every weight to --weight (--weight a=1,b=2, or --weight a=1 --weight b=2)`);
    expect(refusal([...base, '--threshold', 'two'])).toMatch(/^--threshold 'two' is not a percentage/);
    expect(refusal([...base, '--threshold=-1'])).toMatch(/^--threshold '-1' is not a percentage/);
    expect(refusal(['cluster', 'rebalance'])).toBe(`--uri is missing: 'cutover cluster rebalance --uri redis://host:port' (any node of the cluster)`);
    expect(refusal([...base, '--from', 'x'])).toBe(`unknown option '--from': see 'cutover cluster --help'`);
    expect(refusal([...base, '--weight'])).toBe(`--weight needs ID=WEIGHT (like 3c3a0c74=2): see 'cutover cluster --help'`);
  });
});

describe('cutover lab --preset cluster: --masters, --replicas, --spare', () => {
  it('default 3 masters, 1 replica each, no spare (the preset as it always was)', () => {
    expect(parseCommand(['lab', '--preset', 'cluster'], {})).toMatchObject({ kind: 'lab', cluster: { masters: 3, replicas: 1, spare: 0 } });
    expect(parseCommand(['lab', '--preset', 'cluster', '--masters', '4', '--replicas', '0', '--spare', '2'], {})).toMatchObject({ cluster: { masters: 4, replicas: 0, spare: 2 } });
    expect(parseCommand(['lab'], {})).not.toHaveProperty('cluster');
  });

  it('refuses a shape for another preset and numbers out of range', () => {
    expect(refusal(['lab', '--masters', '4'])).toBe(`--masters is for --preset cluster: add --preset cluster`);
    expect(refusal(['lab', '--preset', 'replication', '--spare', '1'])).toBe(`--spare is for --preset cluster: add --preset cluster`);
    expect(refusal(['lab', '--preset', 'cluster', '--masters', '2'])).toBe(`--masters '2' is not a whole number from 3 to 16`);
    expect(refusal(['lab', '--preset', 'cluster', '--replicas', '4'])).toBe(`--replicas '4' is not a whole number from 0 to 3`);
    expect(refusal(['lab', '--preset', 'cluster', '--spare'])).toBe(`--spare needs a whole number: see 'cutover lab --help'`);
  });
});
