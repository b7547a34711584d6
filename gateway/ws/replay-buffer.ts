/**
 * The last pushes of one stream (a room topic), kept so a client that dropped can get what it
 * missed. Bounded by count and age: beyond that the client must rejoin.
 */
export class ReplayBuffer {
  readonly #frames: Array<{ seq: number; frame: string; at: number }> = [];
  #highest = 0;

  constructor(
    readonly capacity: number,
    readonly maxAgeMs: number,
  ) {}

  add(seq: number, frame: string, now = Date.now()): void {
    const last = this.#frames[this.#frames.length - 1];
    // A lower seq means the stream restarted (room re-activated elsewhere): the old tail is void.
    if (last && seq <= last.seq) this.#frames.length = 0;
    this.#highest = seq;
    this.#frames.push({ seq, frame, at: now });
    if (this.#frames.length > this.capacity) this.#frames.shift();
  }

  /**
   * Frames after `lastSeq`, or null when some of them are gone (evicted or too old), in which
   * case a replay would leave a hole and the client must rejoin instead.
   */
  since(lastSeq: number, now = Date.now()): string[] | null {
    while (this.#frames.length > 0 && now - (this.#frames[0] as { at: number }).at > this.maxAgeMs) this.#frames.shift();
    if (lastSeq === this.#highest) return [];
    // Ahead of us means the stream restarted since the client saw it.
    if (lastSeq > this.#highest) return null;
    const oldest = this.#frames[0];
    if (!oldest || oldest.seq > lastSeq + 1) return null;
    return this.#frames.filter((f) => f.seq > lastSeq).map((f) => f.frame);
  }

  get size(): number {
    return this.#frames.length;
  }
}
