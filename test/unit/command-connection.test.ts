// How a command connects: TLS when any endpoint (or --tls) asks for it, the timeouts given; and which failed entry
// point is only a node down (a warning) rather than a mistake that stops the command.
import { describe, expect, it } from 'vitest';
import { InputError, parseEndpoint } from '../../src/options/endpoint.js';
import { connectOptionsFor, isTransient } from '../../src/commands/connection.js';

describe('connectOptionsFor', () => {
  it('TLS only when an endpoint is rediss:// or tls is asked for; the timeouts given', () => {
    const insecure = { insecure: true };
    expect(connectOptionsFor([parseEndpoint('127.0.0.1:1')], insecure).tls).toEqual({});
    expect(connectOptionsFor([parseEndpoint('127.0.0.1:1'), parseEndpoint('rediss://127.0.0.1:2')], insecure).tls).toMatchObject({ rejectUnauthorized: false });
    expect(connectOptionsFor([], insecure, { tls: true }).tls).toMatchObject({ rejectUnauthorized: false });
    expect(connectOptionsFor([], {}, { commandTimeoutMs: 1500, connectTimeoutMs: 2000 })).toMatchObject({ commandTimeoutMs: 1500, connectTimeoutMs: 2000 });
  });
});

describe('isTransient', () => {
  it('a node down or not answering is transient; a wrong password, TLS or input is not', () => {
    expect(isTransient(new Error('connection refused at 127.0.0.1:1: is Redis running there?'))).toBe(true);
    expect(isTransient(new Error('no answer from 127.0.0.1:1 within 1s'))).toBe(true);
    expect(isTransient(new Error('127.0.0.1:1 closed the connection before answering'))).toBe(true);
    expect(isTransient(new Error('authentication failed at 127.0.0.1:1: WRONGPASS'))).toBe(false);
    expect(isTransient(new InputError('connection refused, but typed wrong'))).toBe(false);
  });
});
