/**
 * Deadlines for many concurrent operations on one timer, without wrapping them in promises.
 *
 * Operations sharing a timeout length end in the order they started, so each length keeps a
 * FIFO of deadlines and a single timer is armed for the earliest one. An operation that finishes
 * settles its entry; settled entries leave from the head at once, and are compacted away when
 * they pile up behind one that hangs.
 */

export interface Deadline {
  /** The operation finished: its expiry will not run. */
  settle(): void;
}

interface Entry {
  at: number;
  settled: boolean;
  expire: () => void;
}

class Fifo {
  entries: Entry[] = [];
  head = 0;
  pending = 0;

  get first(): Entry | undefined {
    return this.entries[this.head];
  }

  get held(): number {
    return this.entries.length - this.head;
  }

  /** Drops settled entries from the front; compacts when settled ones pile up behind a live head. */
  trim(): void {
    while (this.head < this.entries.length && (this.entries[this.head] as Entry).settled) this.head++;
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    } else if (this.held > 4096 && this.held > this.pending * 2) {
      this.entries = this.entries.slice(this.head).filter((e) => !e.settled);
      this.head = 0;
    }
  }
}

export class Deadlines {
  readonly #fifos = new Map<number, Fifo>();
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Runs `expire` after `ms` unless the returned deadline is settled first. */
  track(ms: number, expire: () => void): Deadline {
    const entry: Entry = { at: this.now() + ms, settled: false, expire };
    let fifo = this.#fifos.get(ms);
    if (!fifo) {
      fifo = new Fifo();
      this.#fifos.set(ms, fifo);
    }
    fifo.entries.push(entry);
    fifo.pending++;
    if (entry.at < this.#timerAt) this.#arm(entry.at);
    const queue = fifo;
    return {
      settle() {
        if (entry.settled) return;
        entry.settled = true;
        queue.pending--;
        // From the head at once; behind an operation that hangs, once enough have piled up.
        if (queue.first === entry || queue.held > 4096) queue.trim();
      },
    };
  }

  /** Operations waiting on a deadline. */
  get pending(): number {
    let n = 0;
    for (const fifo of this.#fifos.values()) n += fifo.pending;
    return n;
  }

  /** Entries held, settled or not: stays near `pending` (compaction). */
  get held(): number {
    let n = 0;
    for (const fifo of this.#fifos.values()) n += fifo.held;
    return n;
  }

  /** Stops the timer (shutdown); pending operations no longer expire. */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    this.#fifos.clear();
  }

  #arm(at: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, Math.ceil(at - this.now())));
  }

  #expire(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = this.now();
    let next = Number.POSITIVE_INFINITY;
    for (const [ms, fifo] of this.#fifos) {
      fifo.trim();
      for (let entry = fifo.first; entry && entry.at <= now; entry = fifo.first) {
        entry.settled = true;
        fifo.pending--;
        fifo.trim();
        try {
          entry.expire();
        } catch {
          // An expiry that throws must not stop the others (nor the timer); callers handle their own.
        }
      }
      const first = fifo.first;
      if (first) next = Math.min(next, first.at);
      else this.#fifos.delete(ms);
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  }
}
