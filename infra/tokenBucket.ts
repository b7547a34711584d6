/** Per-socket rate limit: `ratePerSecond` sustained, bursts up to `burst`. */
export class TokenBucket {
  #tokens: number;
  #last: number;
  /** Frames refused since the bucket last had room; a flood signal. */
  refusedInARow = 0;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    now = Date.now(),
  ) {
    this.#tokens = burst;
    this.#last = now;
  }

  take(now = Date.now()): boolean {
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.ratePerSecond);
    this.#last = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      this.refusedInARow = 0;
      return true;
    }
    this.refusedInARow += 1;
    return false;
  }
}
