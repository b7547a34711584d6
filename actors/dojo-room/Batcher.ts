/**
 * Group commit: items added while a flush is running wait for the next flush, which takes them
 * all at once. One write in flight at a time keeps the order of items, and a burst of N items
 * costs about two round trips instead of N.
 */
export class Batcher<T, R = void> {
  #queue: Array<{ item: T; resolve(result: R): void; reject(error: unknown): void }> = [];
  #flushing: Promise<void> | undefined;

  constructor(
    readonly flush: (items: T[]) => Promise<R>,
    readonly maxBatch = 500,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#flushing ??= this.#drain();
    });
  }

  /** Resolves once everything added so far is flushed (or failed). */
  async idle(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  get pending(): number {
    return this.#queue.length;
  }

  async #drain(): Promise<void> {
    // Let the current turn add its siblings first: a burst then goes out as one write.
    await Promise.resolve();
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.maxBatch);
      try {
        const result = await this.flush(batch.map((b) => b.item));
        for (const b of batch) b.resolve(result);
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    this.#flushing = undefined;
  }
}
