// A minimal typed event channel: the engine's only way of telling anyone anything.
export type Listener<E> = (event: E) => void;

export class Emitter<E> {
  private listeners = new Set<Listener<E>>();

  /** Subscribe; returns the unsubscribe function. */
  on(listener: Listener<E>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: E): void {
    for (const l of this.listeners) l(event);
  }
}
