// When a node of a job's side counts as lost: connection errors for the bound with no reply in between; a reply
// (even an error reply) ends the outage; a timed-out command has already waited the bound.
import { describe, expect, it } from 'vitest';
import { SideHealth, SideLostError } from '../../src/engine/replicate/side-health.js';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6380'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 6380 });
const closed = () => new Error('Connection is closed');
const timedOut = () => Object.assign(new Error('Command timed out: no reply from 127.0.0.1:6380 within 10000 ms'), { code: 'ETIMEDOUT', address: '127.0.0.1', port: 6380 });

function clocked(boundMs = 10_000) {
  const clock = { t: 1_000_000 };
  return { clock, health: new SideHealth('target', boundMs, () => clock.t) };
}

describe('SideHealth', () => {
  it('connection errors shorter than the bound are not a lost side; at the bound they are', () => {
    const { clock, health } = clocked();
    expect(health.failed(refused(), '127.0.0.1:6380')).toBeUndefined();
    clock.t += 9_999;
    expect(health.failed(closed(), '127.0.0.1:6380')).toBeUndefined();
    clock.t += 1;
    const lost = health.failed(refused(), '127.0.0.1:6380');
    expect(lost).toBeInstanceOf(SideLostError);
    expect(lost!.message).toBe('target: lost the connection to 127.0.0.1:6380 and could not get it back for 10s: is Redis still running there?');
  });

  it('a reply in between starts the count again (a brief reconnect)', () => {
    const { clock, health } = clocked();
    health.failed(refused(), 'a:1');
    clock.t += 8_000;
    health.ok('a:1');
    clock.t += 1_000;
    expect(health.failed(refused(), 'a:1')).toBeUndefined();
    clock.t += 9_000;
    expect(health.failed(refused(), 'a:1')).toBeUndefined();
  });

  it('an error reply (OOM, READONLY …) says the node is there', () => {
    const { clock, health } = clocked();
    health.failed(closed(), 'a:1');
    clock.t += 9_000;
    expect(health.failed(new Error('OOM command not allowed'), 'a:1')).toBeUndefined();
    clock.t += 5_000;
    expect(health.failed(closed(), 'a:1')).toBeUndefined();
  });

  it('each node on its own: replies from one master do not hide another that is gone', () => {
    const { clock, health } = clocked();
    health.failed(closed(), 'a:1');
    clock.t += 10_000;
    health.ok('b:2');
    const lost = health.failed(closed(), 'a:1');
    expect(lost?.message).toBe('target: lost the connection to a:1 and could not get it back for 10s: is Redis still running there?');
  });

  it('a command that timed out waited the bound already: lost at once, worded as no reply', () => {
    const { health } = clocked(3000);
    const lost = health.failed(timedOut(), '127.0.0.1:6380');
    expect(lost?.message).toBe('target: no reply from 127.0.0.1:6380 for 3s: is Redis still running there (not stopped or hung)?');
    expect(lost?.side).toBe('target');
  });

  it('the line never carries a password', () => {
    const { clock, health } = clocked(500);
    health.failed(new Error('Connection is closed (redis://:s3cret@10.0.0.1:6379)'), '10.0.0.1:6379');
    clock.t += 500;
    const lost = health.failed(closed(), '10.0.0.1:6379');
    expect(lost?.message).toBe('target: lost the connection to 10.0.0.1:6379 and could not get it back for 500ms: is Redis still running there?');
    expect(lost?.message).not.toContain('s3cret');
  });
});
