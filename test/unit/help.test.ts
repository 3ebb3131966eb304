// Issue #9 (8): `cutover help COMMAND` and `cutover COMMAND --help` print that command's help, for every command.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/options/args.js';
import { InputError } from '../../src/options/endpoint.js';
import { helpText } from '../../src/commands/help.js';

const COMMANDS = ['console', 'topology', 'replicate', 'compare', 'clone', 'failover', 'drill', 'lab'];

function printed(argv: string[]): string {
  const c = parseCommand(argv, {});
  if (c.kind !== 'help') throw new Error(`${argv.join(' ')} is not help but ${c.kind}`);
  return helpText(c.topic);
}

describe('help for each command', () => {
  it.each(COMMANDS)('cutover help %s, %s --help, %s -h: its own usage', (cmd) => {
    for (const argv of [['help', cmd], [cmd, '--help'], [cmd, '-h']]) {
      const text = printed(argv);
      expect(text, argv.join(' ')).toMatch(new RegExp(`^cutover ${cmd} |\\ncutover ${cmd} `));
      expect(text, argv.join(' ')).not.toContain('Usage:');
    }
  });
  it('--help wins over anything else on the line, a typo included', () => {
    expect(printed(['failover', '--bogus', '--help'])).toMatch(/^cutover failover /);
    expect(printed(['replicate', '--source', 'nope:x', '-h'])).toMatch(/^cutover replicate /);
  });
  it('the general help without a command, or for help and version', () => {
    for (const argv of [[], ['help'], ['--help'], ['help', 'help']]) expect(printed(argv)).toContain('Usage:');
  });
  it('a word that is no command: one line, exit code 2', () => {
    expect(() => parseCommand(['help', 'comapre'], {})).toThrow(InputError);
    expect(() => parseCommand(['help', 'comapre'], {})).toThrow(/no help for 'comapre': it is not a command; use console, .*compare/);
  });
});
