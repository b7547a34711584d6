/**
 * The chat's idempotency window: which message ids a room accepted lately, and when, in about
 * 24 bytes a message instead of a record with its text (the soak's 10-minute window held ~600
 * records per room, kept alive by three maps). Entries are kept in acceptance order in a ring
 * (64 bits of the id and the time), indexed by an open-addressing hash table of ring positions;
 * the oldest leave first, by age or when the ring is full.
 *
 * 64 bits of a name-based UUID (its random-looking bits, see messageId.ts) stand for the id: two
 * different messages collide once in ~10^10 windows of 20,000 entries. The database's unique
 * index stays the storage guarantee either way.
 */
export class ChatWindow {
  #hi = new Uint32Array(0);
  #lo = new Uint32Array(0);
  #at = new Float64Array(0);
  /** Ring position + 1 per slot; 0 is empty. Twice the ring's capacity, so probes stay short. */
  #index = new Int32Array(0);
  #head = 0;
  #size = 0;

  constructor(readonly maxEntries: number) {
    this.#resize(64);
  }

  get size(): number {
    return this.#size;
  }

  /** When the message was accepted (ms), if the window holds it. */
  acceptedAt(messageId: string): number | undefined {
    const [hi, lo] = bits(messageId);
    const slot = this.#find(hi, lo);
    return slot < 0 ? undefined : this.#at[(this.#index[slot] as number) - 1];
  }

  /** Adds a message (never one already held: the caller looked it up first). */
  add(messageId: string, at: number): void {
    if (this.#size === this.maxEntries) this.dropOldest();
    if (this.#size === this.#hi.length) this.#resize(this.#hi.length * 2);
    const [hi, lo] = bits(messageId);
    const pos = (this.#head + this.#size) & (this.#hi.length - 1);
    this.#hi[pos] = hi;
    this.#lo[pos] = lo;
    this.#at[pos] = at;
    this.#size++;
    const mask = this.#index.length - 1;
    let slot = lo & mask;
    while (this.#index[slot] !== 0) slot = (slot + 1) & mask;
    this.#index[slot] = pos + 1;
  }

  /** The oldest entry's time, or undefined when empty. */
  oldest(): number | undefined {
    return this.#size > 0 ? this.#at[this.#head] : undefined;
  }

  /** Drops the oldest entry; returns its time. */
  dropOldest(): number | undefined {
    if (this.#size === 0) return undefined;
    const pos = this.#head;
    const at = this.#at[pos];
    this.#unindex(pos);
    this.#head = (pos + 1) & (this.#hi.length - 1);
    this.#size--;
    return at;
  }

  #find(hi: number, lo: number): number {
    const mask = this.#index.length - 1;
    for (let slot = lo & mask; ; slot = (slot + 1) & mask) {
      const entry = this.#index[slot] as number;
      if (entry === 0) return -1;
      if (this.#lo[entry - 1] === lo && this.#hi[entry - 1] === hi) return slot;
    }
  }

  // Linear probing's deletion by backward shift: later entries of the same run move up, so a
  // lookup never stops early at the hole.
  #unindex(pos: number): void {
    const mask = this.#index.length - 1;
    let hole = (this.#lo[pos] as number) & mask;
    while (this.#index[hole] !== pos + 1) hole = (hole + 1) & mask;
    for (let j = (hole + 1) & mask; this.#index[j] !== 0; j = (j + 1) & mask) {
      const home = (this.#lo[(this.#index[j] as number) - 1] as number) & mask;
      // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
      const between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!between) {
        this.#index[hole] = this.#index[j] as number;
        hole = j;
      }
    }
    this.#index[hole] = 0;
  }

  #resize(capacity: number): void {
    const [hi, lo, at] = [new Uint32Array(capacity), new Uint32Array(capacity), new Float64Array(capacity)];
    const old = this.#hi.length;
    for (let i = 0; i < this.#size; i++) {
      const from = (this.#head + i) & (old - 1);
      hi[i] = this.#hi[from] as number;
      lo[i] = this.#lo[from] as number;
      at[i] = this.#at[from] as number;
    }
    [this.#hi, this.#lo, this.#at, this.#head] = [hi, lo, at, 0];
    this.#index = new Int32Array(capacity * 2);
    const mask = this.#index.length - 1;
    for (let pos = 0; pos < this.#size; pos++) {
      let slot = (lo[pos] as number) & mask;
      while (this.#index[slot] !== 0) slot = (slot + 1) & mask;
      this.#index[slot] = pos + 1;
    }
  }
}

/** 64 bits of a UUID: its first and last 8 hex digits (no version or variant bits among them). */
function bits(uuid: string): [number, number] {
  return [Number.parseInt(uuid.slice(0, 8), 16) >>> 0, Number.parseInt(uuid.slice(-8), 16) >>> 0];
}
