export interface BackoffOptions {
  /** The first retry waits up to this long (ms). Default 250. */
  baseMs?: number;
  /** No wait is longer than this (ms). Default 15 s. */
  maxMs?: number;
  random?: () => number;
}

/**
 * Exponential backoff with full jitter (a random wait in [0, min(max, base * 2^attempt)]):
 * after a node restarts, its thousands of clients spread their reconnects out instead of
 * arriving in waves, and the first retry of a blip is usually quick.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 250;
  const max = options.maxMs ?? 15_000;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.floor((options.random ?? Math.random)() * ceiling);
}
