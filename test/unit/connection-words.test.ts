// Issue #9 (8): a connection error that reaches the operator during a job is worded as everywhere else, never
// the library's "connect ECONNREFUSED …" or "Connection is closed".
import { describe, expect, it } from 'vitest';
import { InputError, parseEndpoint } from '../../src/options/endpoint.js';
import { connectionWords, isConnectionError, jobError } from '../../src/engine/topology/connection-words.js';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7002'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 7002 });
const closed = new Error('Connection is closed.');
const source = parseEndpoint('127.0.0.1:7001');
const target = parseEndpoint('redis://:pw-never-shown@127.0.0.1:7002');

describe('connectionWords', () => {
  it('words refused, lost and timed-out connections, with where', () => {
    expect(connectionWords(refused, '127.0.0.1:7002')).toBe('connection refused at 127.0.0.1:7002: is Redis running there?');
    expect(connectionWords('connect ECONNREFUSED 127.0.0.1:7002', '127.0.0.1:7002')).toBe('connection refused at 127.0.0.1:7002: is Redis running there?');
    expect(connectionWords(closed, target)).toBe('lost the connection to 127.0.0.1:7002: is Redis still running there?');
    expect(connectionWords(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), '127.0.0.1:7002')).toMatch(/^lost the connection to 127\.0\.0\.1:7002/);
    expect(connectionWords(new Error('Command timed out'), '127.0.0.1:7002')).toMatch(/^no answer from 127\.0\.0\.1:7002 within the timeout/);
  });
  it('leaves a reply of Redis as it was', () => {
    expect(isConnectionError(new Error('OOM command not allowed when used memory > maxmemory'))).toBe(false);
    expect(connectionWords(new Error('OOM command not allowed'), '127.0.0.1:7002')).toBe('OOM command not allowed');
  });
});

describe('jobError', () => {
  const sides = (targetStatus: string) => ({
    source: { ep: source, clients: [{ status: 'ready', options: { host: '127.0.0.1', port: 7001 } }] },
    target: { ep: target, clients: [{ status: targetStatus, options: { host: '127.0.0.1', port: 7002 } }] },
  });
  it('names the side from the address of the error', () => {
    expect(String((jobError(refused, sides('ready')) as Error).message)).toBe('target: connection refused at 127.0.0.1:7002: is Redis running there?');
  });
  it('names the side whose connection is down when the error has no address', () => {
    const line = (jobError(closed, sides('reconnecting')) as Error).message;
    expect(line).toBe('target: lost the connection to 127.0.0.1:7002: is Redis still running there?');
    expect(line).not.toContain('pw-never-shown');
  });
  it('says both when it cannot tell, and passes other errors through', () => {
    expect((jobError(closed, sides('ready')) as Error).message).toBe('lost a connection (source 127.0.0.1:7001 or target 127.0.0.1:7002): is Redis still running on both?');
    const input = new InputError('bad');
    expect(jobError(input, sides('ready'))).toBe(input);
    const oom = new Error('OOM command not allowed');
    expect(jobError(oom, sides('ready'))).toBe(oom);
  });
});
