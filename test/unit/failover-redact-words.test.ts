// A password that is a common word is hidden where it is a credential, not where it is a word of an error message.
import { describe, expect, it } from 'vitest';
import { redact, remember } from '../../src/options/redact.js';
import { redactArgv } from '../../src/engine/failover/redact-command.js';

describe('redaction of a password that is a common word', () => {
  it('keeps the wording of authentication errors, hides the password elsewhere', () => {
    remember('wrong');
    remember('password');
    expect(redact('authentication failed at 127.0.0.1:6379: wrong user or password (check the URI or REDISCLI_AUTH)')).toBe(
      'authentication failed at 127.0.0.1:6379: wrong user or password (check the URI or REDISCLI_AUTH)',
    );
    expect(redact('WRONGPASS invalid username-password pair or user is disabled.')).toBe('WRONGPASS invalid username-password pair or user is disabled.');
    // as a credential, or echoed back by a server, it is hidden
    expect(redact("ERR unknown command 'x', with args beginning with: 'wrong'")).toBe("ERR unknown command 'x', with args beginning with: '***'");
    expect(redact('the wrong key')).toBe('the *** key');
    expect(redact('redis://:wrong@h:1 and password=password')).toBe('redis://:***@h:1 and ***=***');
    expect(redactArgv(['AUTH', 'wrong'])).toEqual(['AUTH', '***']);
  });
});
