// The shared Ctrl-C / SIGTERM handling of the headless runners: stop, a bounded grace, then the summary so far and 130.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../src/headless/exit-codes.js';
import { onStopSignals } from '../../src/headless/signals.js';

function setup(graceMs = 5000) {
  const emitter = new EventEmitter();
  const calls: string[] = [];
  const signals = onStopSignals({
    stop: () => calls.push('stop'),
    force: (why) => calls.push(`summary so far (${why})`),
    graceMs,
    notice: 'cutover: stopping',
    emitter,
    exit: (code) => calls.push(`exit ${code}`),
    write: (t) => calls.push(`stderr ${t.trim()}`),
  });
  return { emitter, calls, signals };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('stop signals', () => {
  it('asks the job to stop at the first signal and does nothing more while it ends on its own', () => {
    const { emitter, calls, signals } = setup();
    emitter.emit('SIGINT');
    expect(calls).toEqual(['stderr cutover: stopping', 'stop']);
    vi.advanceTimersByTime(4999);
    expect(calls).toHaveLength(2);
    signals.dispose(); // the job ended: its own summary, its own exit code
    vi.advanceTimersByTime(60_000);
    expect(calls).toHaveLength(2);
    expect(emitter.listenerCount('SIGINT') + emitter.listenerCount('SIGTERM')).toBe(0);
  });

  it('prints the summary so far and exits 130 when the grace runs out', () => {
    const { emitter, calls } = setup(5000);
    emitter.emit('SIGTERM');
    vi.advanceTimersByTime(5000);
    expect(calls).toEqual(['stderr cutover: stopping', 'stop', 'stderr cutover: still not stopped after 5s: exiting with what was done so far', 'summary so far (grace)', `exit ${EXIT.stopped}`]);
    expect(EXIT.stopped).toBe(130);
  });

  it('exits at once on a second signal, SIGINT then SIGTERM, with the summary so far', () => {
    const { emitter, calls } = setup();
    emitter.emit('SIGINT');
    emitter.emit('SIGTERM');
    expect(calls).toEqual(['stderr cutover: stopping', 'stop', 'summary so far (second)', 'exit 130']);
    vi.advanceTimersByTime(10_000); // the grace timer is gone: no second exit
    expect(calls.filter((c) => c.startsWith('exit'))).toHaveLength(1);
  });

  it('counts the signals', () => {
    const { emitter, signals } = setup();
    expect(signals.received).toBe(0);
    emitter.emit('SIGINT');
    expect(signals.received).toBe(1);
    signals.dispose();
  });
});
