import { describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../src/options/endpoint.js';
import { describeError } from '../../src/engine/redis/connect.js';

const plain = parseEndpoint('127.0.0.1:7000');
const tls = parseEndpoint('rediss://:sekrit99@127.0.0.1:7000');

describe('describeError', () => {
  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:7000' }, plain, /^connection refused at 127\.0\.0\.1:7000/],
    [new Error('WRONGPASS invalid username-password pair or user is disabled.'), plain, /authentication failed at 127\.0\.0\.1:7000/],
    [new Error('NOAUTH Authentication required.'), plain, /requires a password/],
    [new Error('Protocol error, got "H" as reply type byte. Please report this.'), plain, /does not speak the Redis protocol/],
    [new Error('write EPROTO 0:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'), tls, /TLS handshake .* failed \(wrong version number\)/],
    [{ code: 'ETIMEDOUT', message: 'connect ETIMEDOUT' }, plain, /no answer from/],
    [{ code: 'ETIMEDOUT', message: 'connect ETIMEDOUT' }, tls, /no TLS handshake from .* is TLS enabled/],
    [new Error('Connection is closed.'), plain, /closed the connection before answering/],
  ])('names the cause in one line (%#)', (err, ep, re) => {
    const line = describeError(err, ep);
    expect(line).toMatch(re);
    expect(line).not.toContain('\n');
    expect(line).not.toContain('sekrit99');
  });
});
