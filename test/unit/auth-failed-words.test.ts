// Issue #9 (6): a node that refuses cutover's credentials, in words: "authentication failed", never down or hung.
import { describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../src/options/endpoint.js';
import { rankCandidates } from '../../src/engine/failover/candidates.js';
import { detectChanges } from '../../src/engine/topology/changes.js';
import { describeNodeError, isAuthError } from '../../src/engine/topology/describe-node-error.js';
import type { NodeState } from '../../src/engine/topology/types.js';
import { nodeDetail } from '../../src/render/node-detail.js';
import { noteText, roleText } from '../../src/render/node-text.js';

const ep = parseEndpoint('127.0.0.1:7002');
const wrongpass = new Error('WRONGPASS invalid username-password pair or user is disabled.');
const up: NodeState = { id: '127.0.0.1:7002', host: '127.0.0.1', port: 7002, role: 'replica', status: 'up', label: 'r1' };
const refused: NodeState = { ...up, status: 'down', authFailed: true, lastError: describeNodeError(wrongpass, ep, true) };

describe('a node that refuses the credentials', () => {
  it('is described as an authentication failure even on a connection that answered before', () => {
    expect(isAuthError(wrongpass)).toBe(true);
    expect(isAuthError(new Error('NOAUTH Authentication required.'))).toBe(true);
    expect(isAuthError(new Error('Connection is closed.'))).toBe(false);
    expect(describeNodeError(wrongpass, ep, true)).toMatch(/^authentication failed at 127\.0\.0\.1:7002: wrong user or password/);
  });
  it('reads NOAUTH and "authentication failed" in its row and details, never DOWN or not answering', () => {
    expect(roleText(refused)).toBe('NOAUTH');
    expect(noteText(refused, 0)).toBe('authentication failed: wrong user or password');
    expect(noteText(refused, 0, 25)).toBe('authentication failed');
    const detail = nodeDetail(refused, 0).map(([k, v]) => `${k} ${v}`).join('\n');
    expect(detail).toMatch(/status authentication failed/);
    expect(detail).not.toMatch(/DOWN|not answered/);
  });
  it('the event log says so, not "is down"', () => {
    const [entry] = detectChanges(up, refused, 0);
    expect(entry.message).toBe('r1 127.0.0.1:7002: authentication failed: wrong user or password (check the URI or REDISCLI_AUTH)');
    const down: NodeState = { ...up, status: 'down', lastError: 'connection refused at 127.0.0.1:7002' };
    expect(detectChanges(down, refused, 0)[0].message).toMatch(/^r1 127\.0\.0\.1:7002 answers again, but authentication failed/);
  });
  it('failover: not a candidate because authentication failed, not because it does not answer', () => {
    const [r] = rankCandidates([{ id: up.id, host: up.host, port: up.port, up: false, authFailed: true, error: refused.lastError, role: 'replica' }], 'planned');
    expect(r.reasons.join('; ')).toMatch(/^authentication failed: it answers/);
    expect(r.reasons.join('; ')).not.toMatch(/does not answer|hung/);
  });
});
