import type { Config } from '../../config';
import type { RateLimiter } from '../../infra/kv';
import { TooManyRunsError } from './errors';
import type { Executions } from './Executions';

/** How long a client is told to wait when the queue of its room or tenant is full. */
const QUEUE_FULL_RETRY_SECONDS = 5;

/**
 * Whether a room may queue one more run: runs per minute per room and per tenant (the shared
 * rate limiter, Redis or in-process), and unfinished runs per room and per tenant (the table).
 * A refusal is 429 with Retry-After, so one room cannot fill the sandbox for everyone.
 */
export class Admission {
  constructor(
    readonly limits: Config['codeExec'],
    readonly rateLimiter: RateLimiter,
    readonly executions: Executions,
  ) {}

  async admit(tenantId: string, dojoId: string): Promise<void> {
    const queued = await this.executions.unfinished(tenantId, dojoId);
    if (queued.room >= this.limits.roomQueued) {
      throw new TooManyRunsError(`This room already has ${queued.room} runs waiting; try again when they finish`, QUEUE_FULL_RETRY_SECONDS);
    }
    if (queued.tenant >= this.limits.tenantQueued) {
      throw new TooManyRunsError(`Your organization already has ${queued.tenant} runs waiting; try again shortly`, QUEUE_FULL_RETRY_SECONDS);
    }
    const room = await this.rateLimiter.hit(`code-exec:room:${tenantId}:${dojoId}`, this.limits.roomRunsPerMinute, 60_000);
    if (!room.allowed) throw new TooManyRunsError('Too many runs in this room; wait a moment', Math.max(1, Math.ceil(room.retryAfterMs / 1000)));
    const tenant = await this.rateLimiter.hit(`code-exec:tenant:${tenantId}`, this.limits.tenantRunsPerMinute, 60_000);
    if (!tenant.allowed) throw new TooManyRunsError('Too many runs in your organization; wait a moment', Math.max(1, Math.ceil(tenant.retryAfterMs / 1000)));
  }
}
