/**
 * Runs a room's work one turn at a time, in arrival order (an actor's mailbox, like an Orleans
 * grain's turns): a turn starts only when the previous one has finished, so the room's state is
 * never seen half-changed by an interleaved message. A failed turn does not block the next.
 */
export class Mailbox {
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #closed: Error | undefined;

  /** Queues `turn`; rejects with the close reason once the mailbox is closed. */
  run<T>(turn: () => T | Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(this.#closed);
    this.#pending++;
    const result = this.#tail.then(() => {
      if (this.#closed) throw this.#closed;
      return turn();
    });
    const settled = result.then(
      () => this.#pending--,
      () => this.#pending--,
    );
    this.#tail = settled;
    return result;
  }

  /** Turns queued or running. */
  get pending(): number {
    return this.#pending;
  }

  /** Refuses new turns, and queued turns that have not started, with `reason`. */
  close(reason: Error): void {
    this.#closed ??= reason;
  }

  /** Resolves when every turn queued so far has settled. */
  drained(): Promise<void> {
    return this.#tail.then(() => undefined);
  }
}
