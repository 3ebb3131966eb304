// Issue #9 (1): nothing the operator typed as a credential is echoed, whatever the shape of the endpoint and
// whichever option it was given to. What the operator sees is the message as the CLI prints it: redact(message).
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/options/args.js';
import { InputError } from '../../src/options/endpoint.js';
import { maskCredentials, redact } from '../../src/options/redact.js';

/** Malformed endpoints holding a password; {P} is the password. */
const SHAPES = [
  'alice:{P}@127.0.0.1:7801',
  ':{P}@127.0.0.1:7801',
  '{P}@127.0.0.1:7801',
  'redis//alice:{P}@127.0.0.1:7801',
  'redis:alice:{P}@127.0.0.1:7801',
  'rediss:/alice:{P}@127.0.0.1:7801',
  'redis:/:{P}@127.0.0.1:7801',
  'redis:{P}@127.0.0.1:7801',
  'http://alice:{P}@127.0.0.1:7801',
  'redis://alice:{P}@127.0.0.1:notaport',
  'redis://alice:{P}@127.0.0.1:7801/x',
  'redis://alice:{P}@',
  'redis://alice:{P}@:7801',
  'alice:{P}@',
  'alice:{P}@[::1]:7801',
];

/** Every place an endpoint is typed: the command line with the endpoint in it (the rest valid). */
const PLACES: Array<[string, (e: string) => string[]]> = [
  ['topology positional', (e) => ['topology', e]],
  ['console positional', (e) => ['console', e]],
  ['topology --sentinel', (e) => ['topology', '--sentinel', e, '--master-name', 'm']],
  ['replicate --source', (e) => ['replicate', '--source', e, '--target', 'h:2']],
  ['replicate --target', (e) => ['replicate', '--source', 'h:1', '--target', e]],
  ['replicate positional', (e) => ['replicate', '--source', 'h:1', '--target', 'h:2', e]],
  ['compare --source', (e) => ['compare', '--source', e, '--target', 'h:2']],
  ['failover --uri', (e) => ['failover', '--uri', e]],
  ['failover --to', (e) => ['failover', '--uri', 'h:1', '--to', e]],
  ['failover --sentinel', (e) => ['failover', '--sentinel', e, '--master-name', 'm']],
  ['failover positional', (e) => ['failover', '--uri', 'h:1', e]],
  ['clone --origin', (e) => ['clone', '--origin', e, '--clone', 'h:2']],
  ['clone --clone', (e) => ['clone', '--origin', 'h:1', '--clone', e]],
  ['drill --uri', (e) => ['drill', '--uri', e]],
  ['drill positional', (e) => ['drill', e]],
  ['drill --sentinel', (e) => ['drill', '--sentinel', e, '--master-name', 'm']],
  ['lab positional', (e) => ['lab', e]],
];

/** The line the CLI prints for a refused command line (cli.ts: `cutover: ${redact(message)}`). */
function refusal(argv: string[]): string {
  try {
    parseCommand(argv, {});
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return redact((err as Error).message);
  }
  throw new Error(`not refused: ${argv.join(' ')}`);
}

describe('a malformed endpoint never echoes its password', () => {
  let cases = 0;
  // a two-letter password is not among the remembered secrets redact() replaces everywhere: the shape alone must hide it
  for (const password of ['Zq', 'S3cr3tPw']) {
    for (const [place, line] of PLACES) {
      it.each(SHAPES)(`${place}, password of ${password.length} letters: %s`, (shape) => {
        // each case its own password, so none is hidden only because an earlier case made it a remembered secret
        const secret = password.length > 2 ? `${password}${++cases}` : password;
        const out = refusal(line(shape.replace('{P}', secret)));
        expect(out).not.toContain(secret);
        expect(out.split('\n')).toHaveLength(1);
      });
    }
  }
});

describe('maskCredentials', () => {
  it.each([
    ['alice:pw@127.0.0.1:7801', 'alice:***@127.0.0.1:7801'],
    ['redis//alice:pw@h:1', 'redis//***@h:1'],
    ['redis:/:pw@h:1', 'redis:/***@h:1'],
    ['redis:alice:pw@h:1', 'redis:***@h:1'],
    ['rediss:/alice:pw@h:1', 'rediss:/***@h:1'],
    ['pw@h:1', '***@h:1'],
    ['redis://alice:pw@h:x', 'redis://alice:***@h:x'],
    ['h:1', 'h:1'],
  ])('%s → %s', (input, shown) => {
    expect(maskCredentials(input)).toBe(shown);
  });
});

describe('redact, on any line', () => {
  it('hides user:password@ typed without a proper scheme', () => {
    expect(redact("unexpected 'alice:Zq@h:1' here")).toBe("unexpected 'alice:***@h:1' here");
    expect(redact('at redis//u:Zq@h:1 and redis:/:Zq@h:2')).toBe('at redis//***@h:1 and redis:/***@h:2');
  });
  it('leaves cluster bus addresses, e-mails, globs and the usage line alone', () => {
    expect(redact('127.0.0.1:30001@40001 myself,master')).toBe('127.0.0.1:30001@40001 myself,master');
    expect(redact('node-a:30001@40001,node-a.example')).toBe('node-a:30001@40001,node-a.example');
    expect(redact("--scan-match 'user@*' ops@example.com")).toBe("--scan-match 'user@*' ops@example.com");
    expect(redact('use redis://[user:password@]host:port[/db]')).toBe('use redis://[user:password@]host:port[/db]');
  });
});

describe('password options of other tools', () => {
  it.each([
    [['topology', 'h:1', '-a', 'Zq9x']],
    [['replicate', '--source', 'h:1', '--target', 'h:2', '--password', 'Zq9x']],
    [['failover', '--uri', 'h:1', '--password=Zq9x']],
    [['drill', 'h:1', '-aZq9x']],
  ])('%j: refused with where the password goes, never echoed', (argv) => {
    const out = refusal(argv);
    expect(out).toMatch(/cutover takes no (-a|--password): give the password in the URI .* REDISCLI_AUTH/);
    expect(out).not.toContain('Zq9x');
    // and from then on, anywhere
    expect(redact('the value Zq9x')).toBe('the value ***');
  });
});
