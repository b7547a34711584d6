import { MaxRetriesPerRequestError } from 'ioredis/built/errors';

/** Thrown at once while the store's connection is known to be down (see RedisKeyValueStore). */
export class KvUnavailableError extends Error {
  constructor() {
    super('redis is unreachable; reconnecting');
    this.name = 'KvUnavailableError';
  }
}

/**
 * True when `error` says Redis could not be reached (ioredis gave up on the command while
 * reconnecting, or the connection closed under it), rather than that the command was wrong.
 */
export function isKvUnavailable(error: unknown): boolean {
  if (error instanceof MaxRetriesPerRequestError || error instanceof KvUnavailableError) return true;
  const e = error as { message?: unknown; code?: unknown } | null;
  return typeof e?.message === 'string' && (/^Connection is closed\.?$/.test(e.message) || e.code === 'ECONNREFUSED');
}
