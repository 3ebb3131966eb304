// Ctrl-C and SIGTERM for every headless runner, one behaviour: the first asks the job to stop and gives it a
// bounded grace period to end on its own (its normal summary, its normal exit code); when the grace runs out, or
// on a second signal, the summary so far is printed and the process exits at once with 130. No server can keep a
// command alive past that: a hung or killed target included.

import { EXIT } from './exit-codes.js';

/** How long a stopped job may take to end on its own before cutover prints what it has and exits. */
export const GRACE_MS = 5000;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface StopSignalOptions {
  /** the first signal: ask the job to stop (it ends on its own with its summary) */
  stop(): void;
  /**
   * the grace ran out, or a second signal came: print the summary so far, synchronously; the process exits right
   * after with exitCode
   */
  force?(why: 'grace' | 'second'): void;
  graceMs?: number;
  /** a line on stderr at the first signal (e.g. what stopping waits for, and that a second Ctrl-C quits now) */
  notice?: string;
  exitCode?: number;
  /** tests: where the signals come from, how the process exits, where the notice goes */
  emitter?: { on(event: string, fn: () => void): unknown; off(event: string, fn: () => void): unknown };
  exit?(code: number): void;
  write?(text: string): void;
}

export interface StopSignals {
  /** signals received so far */
  readonly received: number;
  /** the job ended on its own: the handlers and the grace timer go */
  dispose(): void;
}

/** Installs the SIGINT/SIGTERM handling for one headless command until dispose(). */
export function onStopSignals(o: StopSignalOptions): StopSignals {
  const emitter = o.emitter ?? process;
  const exit = o.exit ?? ((code: number) => process.exit(code));
  const write = o.write ?? ((text: string) => void process.stderr.write(text));
  const graceMs = o.graceMs ?? GRACE_MS;
  const code = o.exitCode ?? EXIT.stopped;
  let received = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ended = false;
  const end = (why: 'grace' | 'second') => {
    if (ended) return;
    ended = true;
    dispose();
    try {
      o.force?.(why);
    } finally {
      exit(code);
    }
  };
  const onSignal = () => {
    received++;
    if (received > 1) return end('second');
    if (o.notice) write(`${o.notice}\n`);
    timer = setTimeout(() => {
      if (graceMs >= 1000) write(`cutover: still not stopped after ${Math.round(graceMs / 1000)}s: exiting with what was done so far\n`);
      end('grace');
    }, graceMs);
    timer.unref?.();
    o.stop();
  };
  const dispose = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    for (const s of SIGNALS) emitter.off(s, onSignal);
  };
  for (const s of SIGNALS) emitter.on(s, onSignal);
  return {
    get received() {
      return received;
    },
    dispose,
  };
}
