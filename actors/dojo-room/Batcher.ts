export interface BatcherOptions {
  /** The most items one flush takes. */
  maxBatch?: number;
  /**
   * Whether a failed flush may be down to one item (bad data) rather than the write as a whole
   * (the database is down, the room was fenced). Such a batch is written again in halves until
   * the failing item fails alone and the others are written: one bad item costs a few more
   * round trips, never its neighbours' writes.
   */
  failsAlone?: (error: unknown) => boolean;
  /**
   * How long the first item waits for company before a flush starts (0: one microtask, for
   * writes someone is waiting on). Where nobody waits on the write (the chat queue's consumer
   * acks the queue, not a user) a few milliseconds turn a steady trickle into real batches:
   * one transaction per message costs three round trips and a commit each.
   */
  lingerMs?: number;
}

interface Pending<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Group commit: items added while a flush is running wait for the next flush, which takes them
 * all at once. One write in flight at a time keeps the order of items, and a burst of N items
 * costs about two round trips instead of N.
 */
export class Batcher<T, R = void> {
  #queue: Array<Pending<T, R>> = [];
  #flushing: Promise<void> | undefined;
  readonly #maxBatch: number;
  readonly #failsAlone: (error: unknown) => boolean;
  readonly #lingerMs: number;

  constructor(
    readonly flush: (items: T[]) => Promise<R>,
    options: BatcherOptions = {},
  ) {
    this.#maxBatch = options.maxBatch ?? 500;
    this.#failsAlone = options.failsAlone ?? (() => false);
    this.#lingerMs = options.lingerMs ?? 0;
  }

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
    if (this.#lingerMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#lingerMs));
    else await Promise.resolve();
    while (this.#queue.length > 0) await this.#write(this.#queue.splice(0, this.#maxBatch));
    this.#flushing = undefined;
  }

  async #write(batch: Array<Pending<T, R>>): Promise<void> {
    try {
      const result = await this.flush(batch.map((b) => b.item));
      for (const b of batch) b.resolve(result);
    } catch (error) {
      if (batch.length > 1 && this.#failsAlone(error)) {
        // Halves, in order: the first half is written before the second, as the whole would have been.
        const half = Math.ceil(batch.length / 2);
        await this.#write(batch.slice(0, half));
        await this.#write(batch.slice(half));
        return;
      }
      for (const b of batch) b.reject(error);
    }
  }
}
