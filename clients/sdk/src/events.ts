/** A listener map: event name -> listener arguments. */
export type EventMap = Record<string, unknown[]>;
type Listener<A extends unknown[]> = (...args: A) => void;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- stored untyped, typed again by the event on the way out
type AnyListener = (...args: any[]) => void;

/**
 * A small typed emitter that runs anywhere (no Node `events`, no DOM `EventTarget`). A listener
 * that throws does not fail the operation that emitted: the error goes to `onListenerError`
 * (mediasoup's `safeEmit` habit), so one bad UI handler cannot stall the socket loop.
 */
export class Emitter<E extends EventMap> {
  readonly #listeners = new Map<keyof E, Set<AnyListener>>();

  constructor(private readonly onListenerError: (event: string, error: unknown) => void = () => {}) {}

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as AnyListener);
    return () => this.off(event, listener);
  }

  once<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    const off = this.on(event, ((...args: E[K]) => {
      off();
      listener(...args);
    }) as Listener<E[K]>);
    return off;
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): void {
    this.#listeners.get(event)?.delete(listener as AnyListener);
  }

  /** Resolves with the next emission of `event` that passes `match`. */
  next<K extends keyof E>(event: K, match: (...args: E[K]) => boolean = () => true): Promise<E[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, ((...args: E[K]) => {
        if (!match(...args)) return;
        off();
        resolve(args);
      }) as Listener<E[K]>);
    });
  }

  /** Calls every listener of `event`; one that throws is reported, the others still run. */
  emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        try {
          this.onListenerError(String(event), error);
        } catch {
          // An error handler that throws has nowhere left to report to.
        }
      }
    }
  }

  protected removeAllListeners(): void {
    this.#listeners.clear();
  }
}
