// Shared by the console tests: frames without ANSI codes, waiting for what a frame should show, a terminal of any size.
import { EventEmitter } from 'node:events';
import type { ClusterAsk } from '../../src/engine/cluster/cluster-ops.js';

// eslint-disable-next-line no-control-regex
export const strip = (s: string | undefined) => (s ?? '').replace(/\x1b\[[?0-9;]*[a-zA-Z]/g, '');

/** Waits until check() is true (every 20 ms), or fails naming what it waited for. */
export async function until(check: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A terminal of any size for Ink (ink-testing-library's is 100 columns): `stdout`/`stdin` to render into,
 * the frames written, and `type(data)` to send keys.
 */
export function fakeTerminal(columns: number, rows: number) {
  const frames: string[] = [];
  const stdout = Object.assign(new EventEmitter(), { columns, rows, isTTY: true, write: (s: string) => void frames.push(s) });
  let pending: string | null = null;
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    setRawMode: () => undefined,
    setEncoding: () => undefined,
    read: () => {
      const d = pending;
      pending = null;
      return d;
    },
    ref: () => undefined,
    unref: () => undefined,
    resume: () => undefined,
    pause: () => undefined,
  });
  const type = (data: string) => {
    pending = data;
    stdin.emit('readable');
    stdin.emit('data', data);
  };
  return { frames, stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, type };
}

/** The console's intents, each written down as a line in `asked` instead of reaching an engine. */
export function recordingIntents() {
  const asked: string[] = [];
  const intents = {
    startJob: (kind: string, s: string, t: string) => void asked.push(`${kind} ${s} ${t}`),
    stopJob: () => void asked.push('stop'),
    startDrill: (id: string) => void asked.push(`drill ${id}`),
    stopDrill: () => void asked.push('stop drill'),
    startFailover: (id: string) => void asked.push(`failover ${id}`),
    answerFailover: (typed: string) => void asked.push(`answer ${typed}`),
    cancelFailover: () => void asked.push('cancel failover'),
    checkCluster: (id: string) => void asked.push(`check ${id}`),
    planReshard: (ask: ClusterAsk) =>
      void asked.push(ask.kind === 'rebalance' ? `plan rebalance empty=${ask.useEmptyMasters ? 'yes' : 'no'} threshold=${ask.threshold}` : `plan ${ask.slots} from ${ask.from === 'all' ? 'all' : ask.from.join(',')} to ${ask.to}`),
    answerReshard: (typed: string) => void asked.push(`answer reshard ${typed}`),
    stopReshard: () => void asked.push('stop reshard'),
  };
  return { asked, intents };
}
