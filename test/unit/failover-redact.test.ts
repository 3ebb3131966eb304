import { describe, expect, it } from 'vitest';
import { remember } from '../../src/options/redact.js';
import { commandText, redactArgv, redactReply } from '../../src/engine/failover/redact-command.js';

describe('commands as shown and journaled', () => {
  it('hides AUTH passwords, with and without a user', () => {
    expect(redactArgv(['AUTH', 'pw1'])).toEqual(['AUTH', '***']);
    expect(redactArgv(['AUTH', 'alice', 'pw1'])).toEqual(['AUTH', 'alice', '***']);
    expect(redactArgv(['HELLO', '3', 'AUTH', 'bob', 'pw2', 'SETNAME', 'x'])).toEqual(['HELLO', '3', 'AUTH', 'bob', '***', 'SETNAME', 'x']);
  });

  it('hides the secret values of CONFIG SET, keeps the others', () => {
    expect(redactArgv(['CONFIG', 'SET', 'masterauth', 'pw'])).toEqual(['CONFIG', 'SET', 'masterauth', '***']);
    expect(redactArgv(['config', 'set', 'maxmemory', '100mb', 'requirepass', 'pw', 'tls-key-file-pass', 'k'])).toEqual(['config', 'set', 'maxmemory', '100mb', 'requirepass', '***', 'tls-key-file-pass', '***']);
    expect(redactArgv(['CONFIG', 'SET', 'masteruser', 'repl'])).toEqual(['CONFIG', 'SET', 'masteruser', 'repl']);
  });

  it('hides MIGRATE AUTH / AUTH2, ACL SETUSER passwords and Sentinel auth-pass', () => {
    expect(redactArgv(['MIGRATE', 'h', '6379', '', '0', '5000', 'COPY', 'AUTH', 'pw', 'KEYS', 'a'])).toEqual(['MIGRATE', 'h', '6379', '', '0', '5000', 'COPY', 'AUTH', '***', 'KEYS', 'a']);
    expect(redactArgv(['MIGRATE', 'h', '6379', 'k', '0', '5000', 'AUTH2', 'u', 'pw'])).toEqual(['MIGRATE', 'h', '6379', 'k', '0', '5000', 'AUTH2', 'u', '***']);
    expect(redactArgv(['ACL', 'SETUSER', 'app', 'on', '>pw', '~*', '+@all'])).toEqual(['ACL', 'SETUSER', 'app', 'on', '>***', '~*', '+@all']);
    expect(redactArgv(['SENTINEL', 'SET', 'mymaster', 'auth-pass', 'pw', 'quorum', '2'])).toEqual(['SENTINEL', 'SET', 'mymaster', 'auth-pass', '***', 'quorum', '2']);
    expect(redactArgv(['SENTINEL', 'CONFIG', 'SET', 'sentinel-pass', 'pw'])).toEqual(['SENTINEL', 'CONFIG', 'SET', 'sentinel-pass', '***']);
  });

  it('scrubs any password cutover was told, wherever it appears', () => {
    remember('hunter2-secret');
    expect(redactArgv(['SET', 'k', 'hunter2-secret'])).toEqual(['SET', 'k', '***']);
    expect(commandText(['ECHO', 'a b', ''])).toBe('ECHO "a b" ""');
  });

  it('hides secret values in a CONFIG GET reply and turns Buffers into text', () => {
    expect(redactReply(['CONFIG', 'GET', '*'], ['requirepass', 'xyz', 'maxmemory', '0', 'masterauth', '', 'masteruser', 'u'])).toEqual(['requirepass', '***', 'maxmemory', '0', 'masterauth', '', 'masteruser', 'u']);
    expect(redactReply(['GET', 'k'], Buffer.from('v'))).toBe('v');
    expect(redactReply(['X'], 'a'.repeat(50), 10)).toBe('aaaaaaaaaa… (50 chars)');
  });
});
