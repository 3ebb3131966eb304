// A bounded async queue between pipeline stages: put() waits while it is full, take() while it is empty,
// so memory stays flat whatever the dataset size. close() ends it: takers drain what is left, then get done.
export type Taken<T> = { done: false; value: T } | { done: true };

export class BoundedQueue<T> {
  private items: T[] = [];
  private takers: Array<(v: Taken<T>) => void> = [];
  private putters: Array<() => void> = [];
  private closed = false;

  constructor(readonly capacity: number) {
    if (capacity < 1) throw new Error('queue capacity must be at least 1');
  }

  get size(): number {
    return this.items.length;
  }

  /** Waits for room. Throws once the queue is closed: a producer must stop. */
  async put(item: T): Promise<void> {
    while (this.items.length >= this.capacity && !this.closed) await new Promise<void>((r) => this.putters.push(r));
    if (this.closed) throw new Error('queue closed');
    const taker = this.takers.shift();
    if (taker) taker({ done: false, value: item });
    else this.items.push(item);
  }

  async take(): Promise<Taken<T>> {
    if (this.items.length > 0) {
      const value = this.items.shift() as T;
      this.putters.shift()?.();
      return { done: false, value };
    }
    if (this.closed) return { done: true };
    return new Promise<Taken<T>>((r) => this.takers.push(r));
  }

  /** No more puts; takers get what is left, then done. */
  close(): void {
    this.closed = true;
    for (const t of this.takers.splice(0)) t({ done: true });
    for (const p of this.putters.splice(0)) p();
  }
}
