// One prom-client Registry per command run (never the library's global one), and the helpers the mappers share:
// gauges and counters registered on it, and counters fed from the engine's running totals.
import { Counter, Gauge, Registry } from 'prom-client';

export function createRegistry(): Registry {
  return new Registry();
}

/** `collect`: run at each scrape, before the gauge is read (for a figure that moves between events). */
export function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[], collect?: (g: Gauge<L>) => void): Gauge<L> {
  return new Gauge<L>({ name, help, labelNames: [...labelNames], registers: [registry], ...(collect ? { collect() { collect(this); } } : {}) });
}

/**
 * A counter fed with the engine's running totals (applied, writes, resyncs…): it goes up by the difference. A total
 * lower than the last one seen is a new run under the same labels (a console job started again): counted from it.
 */
export class TotalCounter<L extends string> {
  private readonly counter: Counter<L>;
  private readonly last = new Map<string, number>();

  constructor(registry: Registry, name: string, help: string, labelNames: readonly L[]) {
    this.counter = new Counter<L>({ name, help, labelNames: [...labelNames], registers: [registry] });
  }

  set(labels: Record<L, string>, total: number): void {
    const key = JSON.stringify(labels);
    const before = this.last.get(key) ?? 0;
    const delta = total >= before ? total - before : total;
    this.last.set(key, total);
    this.counter.inc(labels as never, delta);
  }
}

/** Milliseconds to seconds, for the `_seconds` metrics. */
export function seconds(ms: number): number {
  return ms / 1000;
}
