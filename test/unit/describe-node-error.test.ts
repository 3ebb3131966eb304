import { describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../src/options/endpoint.js';
import { describeNodeError } from '../../src/engine/topology/describe-node-error.js';
import { detectChanges } from '../../src/engine/topology/changes.js';
import type { NodeState } from '../../src/engine/topology/types.js';

const ep = parseEndpoint('127.0.0.1:7002');
const retries = Object.assign(new Error('Reached the max retries per request limit (which is 0). Refer to "maxRetriesPerRequest" option for details.'), { name: 'MaxRetriesPerRequestError' });

describe('describeNodeError', () => {
  it('says a node that answered before lost its connection, in words, not ioredis internals', () => {
    const line = describeNodeError(retries, ep, true);
    expect(line).toBe('not answering at 127.0.0.1:7002 (connection lost, reconnecting)');
    expect(line).not.toMatch(/maxRetries|retries per request|Refer to/);
    expect(describeNodeError(new Error('Connection is closed.'), ep, true)).toBe('connection lost at 127.0.0.1:7002: not answering, reconnecting');
    expect(describeNodeError({ code: 'ECONNRESET', message: 'read ECONNRESET' }, ep, true)).toMatch(/^connection lost at/);
  });
  it('keeps the first-contact hints (wrong port, TLS) for a node that never answered', () => {
    expect(describeNodeError(new Error('Connection is closed.'), ep, false)).toMatch(/closed the connection before answering/);
    expect(describeNodeError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:7002' }, ep, true)).toMatch(/^connection refused at 127\.0\.0\.1:7002/);
    expect(describeNodeError(retries, ep, false)).toMatch(/^not answering at 127\.0\.0\.1:7002 \(connection lost\): is Redis running there\?/);
  });
  it('reads well in the event log line', () => {
    const up: NodeState = { id: '127.0.0.1:7002', host: '127.0.0.1', port: 7002, role: 'replica', status: 'up', label: 'r1' };
    const down: NodeState = { ...up, status: 'down', lastError: describeNodeError(retries, ep, true) };
    const [entry] = detectChanges(up, down, 0);
    expect(entry.message).toBe('r1 127.0.0.1:7002 is down: not answering (connection lost, reconnecting)');
  });
});
