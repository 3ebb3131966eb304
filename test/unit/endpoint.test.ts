import { describe, expect, it } from 'vitest';
import { describeEndpoint, InputError, parseEndpoint } from '../../src/options/endpoint.js';
import { redact } from '../../src/options/redact.js';
import { parseCommand } from '../../src/options/args.js';
import { parseDuration } from '../../src/options/duration.js';

describe('parseEndpoint', () => {
  it('reads redis:// URIs with user, password and db', () => {
    const ep = parseEndpoint('redis://alice:s3cret@db.example:6390/2');
    expect(ep).toMatchObject({ host: 'db.example', port: 6390, username: 'alice', password: 's3cret', db: 2, tls: false });
  });
  it('reads rediss:// as TLS and defaults the port', () => {
    expect(parseEndpoint('rediss://h')).toMatchObject({ host: 'h', port: 6379, tls: true });
  });
  it('reads host:port shorthand and normalizes localhost', () => {
    expect(parseEndpoint('localhost:7000')).toMatchObject({ host: '127.0.0.1', port: 7000 });
    expect(parseEndpoint('[::1]:7000')).toMatchObject({ host: '::1', port: 7000 });
  });
  it('takes the password from defaults (REDISCLI_AUTH) when the URI has none', () => {
    expect(parseEndpoint('h:1', { password: 'envpass' }).password).toBe('envpass');
    expect(parseEndpoint('redis://:uri@h:1', { password: 'envpass' }).password).toBe('uri');
  });
  it.each([
    ['redis://h:notaport', /port 'notaport'/],
    ['h:70000', /port '70000'/],
    ['http://h:6379', /scheme 'http:\/\/'/],
    ['redis://h:6379/abc', /database 'abc'/],
    ['', /empty endpoint/],
    ['redis:/h:6379', /needs '\/\/': did you mean redis:\/\/h:6379/],
  ])('rejects %s with one clear line', (input, re) => {
    expect(() => parseEndpoint(input)).toThrow(InputError);
    expect(() => parseEndpoint(input)).toThrow(re);
  });
  it('never repeats a password in its error', () => {
    try {
      parseEndpoint('redis://u:topsecret@h:bad');
    } catch (err) {
      expect((err as Error).message).not.toContain('topsecret');
      expect((err as Error).message).toContain('***');
    }
  });
  it('reads a password holding / : @ and % and never shows it', () => {
    expect(parseEndpoint('redis://user:se/cr:et@x@h:6379/1')).toMatchObject({ username: 'user', password: 'se/cr:et@x', host: 'h', port: 6379, db: 1 });
    expect(parseEndpoint('redis://:p%40ss@h').password).toBe('p@ss');
    expect(parseEndpoint('redis://:100%@h').password).toBe('100%');
    try {
      parseEndpoint('redis://user:se/cret@h:bad');
      throw new Error('not refused');
    } catch (err) {
      expect((err as Error).message).not.toContain('se/cret');
      expect((err as Error).message).toContain("'redis://user:***@h:bad'");
    }
    expect(redact('at rediss://u:a/b@c@h:1 and redis://nouser@h')).toBe('at rediss://u:***@h:1 and redis://nouser@h');
  });
  it('describes an endpoint without its password', () => {
    expect(describeEndpoint(parseEndpoint('redis://bob:hunter22@h:1/3'))).toBe('redis://bob:***@h:1/3');
  });
});

describe('redact', () => {
  it('hides passwords in URIs and every remembered secret', () => {
    parseEndpoint('redis://:pa55word@h:1');
    expect(redact('failed at redis://x:pa55word@h:1 with pa55word')).toBe('failed at redis://x:***@h:1 with ***');
  });
});

describe('parseCommand', () => {
  it('parses console endpoints and options', () => {
    const c = parseCommand(['console', 'h:1', '--interval', '500ms']);
    expect(c).toMatchObject({ kind: 'console', intervalMs: 500 });
  });
  it('needs --master-name with --sentinel', () => {
    expect(() => parseCommand(['console', '--sentinel', 'h:26379'])).toThrow(/--master-name/);
  });
  it('rejects unknown options and presets with a pointer to help', () => {
    expect(() => parseCommand(['topology', 'h:1', '--bogus'])).toThrow(/--bogus.*cutover topology --help/);
    expect(() => parseCommand(['lab', '--preset', 'x'])).toThrow(/unknown preset 'x'/);
    expect(() => parseCommand(['nope'])).toThrow(/unknown command/);
  });
  it('parses durations', () => {
    const poll = { minMs: 100, maxMs: 60_000 };
    expect(parseDuration('2', '--interval', poll)).toBe(2000);
    expect(parseDuration('1.5s', '--interval', poll)).toBe(1500);
    expect(() => parseDuration('5ms', '--interval', poll)).toThrow(/100ms to 60s/);
  });
});
