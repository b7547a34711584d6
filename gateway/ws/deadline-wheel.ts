/**
 * Items due at a time, kept in buckets of `slotMs` so that a tick touches only what is due,
 * not every item: a gateway holding 100k sockets checks their token expiries every second.
 * An item is never due early; it is due at most one slot (plus the tick interval) late.
 */
export class DeadlineWheel<T> {
  readonly #slots = new Map<number, Set<T>>();
  readonly #slotOf = new Map<T, number>();
  /** The last slot due() looked at; it is looked at again, so a deadline already past goes there. */
  #cursor: number;

  constructor(
    readonly slotMs = 1_000,
    now = Date.now(),
  ) {
    this.#cursor = Math.floor(now / slotMs);
  }

  /** Sets (or moves) the item's deadline. */
  schedule(item: T, at: number): void {
    this.cancel(item);
    // Rounded up, so the slot is due only once its whole span has passed.
    const slot = Math.max(Math.ceil(at / this.slotMs), this.#cursor);
    let items = this.#slots.get(slot);
    if (!items) this.#slots.set(slot, (items = new Set()));
    items.add(item);
    this.#slotOf.set(item, slot);
  }

  cancel(item: T): void {
    const slot = this.#slotOf.get(item);
    if (slot === undefined) return;
    this.#slotOf.delete(item);
    const items = this.#slots.get(slot);
    if (items?.delete(item) && items.size === 0) this.#slots.delete(slot);
  }

  /** Removes and returns every item whose deadline is at or before `now`. */
  due(now = Date.now()): T[] {
    const last = Math.floor(now / this.slotMs);
    const due: T[] = [];
    for (let slot = this.#cursor; slot <= last; slot++) {
      const items = this.#slots.get(slot);
      if (!items) continue;
      this.#slots.delete(slot);
      for (const item of items) {
        this.#slotOf.delete(item);
        due.push(item);
      }
    }
    this.#cursor = Math.max(this.#cursor, last);
    return due;
  }

  get size(): number {
    return this.#slotOf.size;
  }
}
