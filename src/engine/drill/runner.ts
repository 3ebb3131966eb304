// One drill at a time for the console: starts the consistency checker on a deployment, forwards its events,
// stops it. Its events are wrapped ({type:'drill', event}) beside the console's other engine events.
import { Emitter } from '../emitter.js';
import { ConsistencyChecker } from './checker.js';
import { drillSpec, type DrillConnection } from './spec.js';
import { preciseNow } from './stats.js';
import type { DrillEvent } from './types.js';

export type DrillRunnerEvent = { type: 'drill-started'; target: string; at: number } | { type: 'drill'; event: DrillEvent };

export class DrillRunner {
  readonly events = new Emitter<DrillRunnerEvent>();
  private checker?: ConsistencyChecker;

  get running(): boolean {
    return !!this.checker;
  }

  /** Starts a drill (1000 counters at 1000 writes/s) unless one runs; a failed start arrives as its 'done'. */
  start(c: DrillConnection, label: string, rate = 1000): void {
    if (this.checker) return;
    const checker = new ConsistencyChecker(drillSpec(c), { rate });
    this.checker = checker;
    this.events.emit({ type: 'drill-started', target: label, at: Date.now() });
    checker.events.on((event) => this.events.emit({ type: 'drill', event }));
    checker.start().catch(() => undefined);
    void checker.done.then(() => {
      if (this.checker === checker) this.checker = undefined;
    });
  }

  /**
   * Resolves once the running drill has written for at least `ms` (its first per-second tick that far from now: a
   * drill still connecting counts from when it writes), when it ends (a failed start included), or after `boundMs`
   * (a drill that never starts writing); at once when none runs. The console's failover waits on it before the
   * switch and after it, so that the drill sees writes on both sides.
   */
  writesFor(ms: number, boundMs = ms + 5000): Promise<void> {
    const checker = this.checker;
    if (!checker) return Promise.resolve();
    const from = preciseNow();
    return new Promise((resolve) => {
      const end = () => {
        off();
        clearTimeout(bound);
        resolve();
      };
      const off = checker.events.on((e) => {
        if (e.type === 'done' || (e.type === 'tick' && e.tick.at - from >= ms)) end();
      });
      const bound = setTimeout(end, boundMs);
      bound.unref?.();
      void checker.done.then(end);
    });
  }

  /** Stops the running drill: it reads every counter back and ends with its summary. */
  stop(): void {
    void this.checker?.stop().catch(() => undefined);
  }
}
