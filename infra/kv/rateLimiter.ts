import { integerArg, requiredTtlArg } from './args';
import type { KeyValueStore, RateLimiter, RateLimitResult } from './types';

export interface RateLimiterOptions {
  /** Namespace for the counters inside the store. */
  keyPrefix?: string;
  /** Clock; injectable so tests can pin a window. */
  now?: () => number;
}

/**
 * Fixed-window limiter: one counter per (key, window), bumped with the store's atomic
 * incr-with-TTL, so it needs no lock and behaves the same on memory and Redis.
 * Counting before deciding means concurrent hits can never overshoot `limit`; refused hits
 * count too, which is harmless because the counter dies with its window.
 */
export function createRateLimiter(kv: KeyValueStore, options: RateLimiterOptions = {}): RateLimiter {
  const prefix = options.keyPrefix ?? 'ratelimit:';
  const clock = options.now ?? Date.now;
  return {
    async hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
      integerArg('limit', limit);
      const window = requiredTtlArg(windowMs);
      const now = clock();
      // Windows are shifted per key so that not every client's window resets at the same instant.
      const offset = hash(key) % window;
      const index = Math.floor((now + offset) / window);
      const resetsAt = (index + 1) * window - offset;
      const count = await kv.incr(`${prefix}${key}:${window}:${index}`, resetsAt - now);
      const allowed = count <= limit;
      return {
        allowed,
        remaining: Math.max(0, limit - count),
        retryAfterMs: allowed ? 0 : resetsAt - now,
      };
    },
  };
}

// FNV-1a: cheap, stable across processes (unlike anything seeded per process).
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
