/**
 * Runs at most `limit` tasks at once; the rest wait in arrival order. Both queues hand deliveries
 * through one of these so "never more than `concurrency` handlers at once" holds even when a
 * message is redelivered while its first handler is still running.
 */
export class Dispatcher<T> {
  readonly #limit: number;
  readonly #run: (item: T) => Promise<void>;
  readonly #key: (item: T) => unknown;
  readonly #waiting: T[] = [];
  readonly #idleWaiters: Array<() => void> = [];
  #running = 0;
  #stopped = false;

  /** `key` identifies one message across its deliveries: a newer delivery replaces a waiting one. */
  constructor(limit: number, run: (item: T) => Promise<void>, key: (item: T) => unknown) {
    this.#limit = limit;
    this.#run = run;
    this.#key = key;
  }

  /** false once stopped: the caller keeps the item. */
  push(item: T): boolean {
    if (this.#stopped) return false;
    const key = this.#key(item);
    const index = this.#waiting.findIndex((waiting) => this.#key(waiting) === key);
    if (index >= 0) this.#waiting[index] = item;
    else this.#waiting.push(item);
    this.#pump();
    return true;
  }

  /** Stops starting tasks and hands back those that had not started. */
  stop(): T[] {
    this.#stopped = true;
    return this.#waiting.splice(0);
  }

  /** Resolves when no task is running. */
  idle(): Promise<void> {
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #pump(): void {
    while (!this.#stopped && this.#running < this.#limit && this.#waiting.length > 0) {
      const item = this.#waiting.shift()!;
      this.#running += 1;
      // `run` settles every outcome itself; this guard only keeps a bug from becoming an unhandled rejection.
      void this.#run(item)
        .catch(() => {})
        .finally(() => this.#done());
    }
  }

  #done(): void {
    this.#running -= 1;
    if (this.#running === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
    this.#pump();
  }
}
