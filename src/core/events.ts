/** A minimal typed event, so the core needs no editor types. Shaped like vscode.Event. */
export type Listener<T> = (value: T) => void;
export interface Subscription { dispose(): void }
export type Event<T> = (listener: Listener<T>) => Subscription;

export class Emitter<T> {
  private listeners = new Set<Listener<T>>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        // A failing listener must not stop the others (or the store) from hearing about a change.
        queueMicrotask(() => { throw error; });
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
