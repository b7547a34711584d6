import { Errors, type ActionHandler, type Context, type Middleware } from 'moleculer';
import { isDatabaseUnavailable } from '../db/unavailable';
import { isKvUnavailable } from '../kv/unavailable';
import { isQueueUnavailable } from '../queue/unavailable';

/** Seconds a client is told to wait before retrying while a backing service is down. */
const RETRY_AFTER_SECONDS = 1;

/**
 * A backing service (PostgreSQL, Redis, NATS) is down. Its `type` is the protocol's
 * SERVICE_UNAVAILABLE, so the gateway answers 503 with Retry-After on REST and that code on the
 * socket. Not retryable by the broker: the action may have done part of its work, and the
 * client retries with its own idempotency key.
 */
export class BackendUnavailableError extends Errors.MoleculerError {
  constructor(readonly backend: string) {
    super('The service is temporarily unavailable', 503, 'SERVICE_UNAVAILABLE', { retryAfterSeconds: RETRY_AFTER_SECONDS });
  }
}

/** The backend `error` says is down, if any. */
export function unavailableBackend(error: unknown): string | undefined {
  if (isDatabaseUnavailable(error)) return 'database';
  if (isKvUnavailable(error)) return 'kv';
  if (isQueueUnavailable(error)) return 'queue';
  return undefined;
}

function translate(error: unknown): never {
  const backend = unavailableBackend(error);
  throw backend ? new BackendUnavailableError(backend) : error;
}

/**
 * Turns "a backing service is down" into BackendUnavailableError on the node where the action
 * runs (so it crosses the transporter typed), instead of the bare 500 an unknown error becomes.
 */
export const BackendUnavailableMiddleware = {
  name: 'BackendUnavailable',
  localAction(handler: ActionHandler) {
    return function backendUnavailable(this: unknown, ctx: Context) {
      const result: unknown = handler.call(this, ctx);
      return result instanceof Promise ? result.catch(translate) : result;
    };
  },
} as unknown as Middleware;
