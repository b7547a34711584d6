import type { DurableQueue, QueueMessage, Subscription } from '../../infra/queue';
import type { Sql } from './sql';
import type { JobKind, RenderJobMessage } from './types';

export const RENDER_SUBJECT = 'render-jobs';
const DURABLE = 'render';
const TABLES: Record<JobKind, string> = { report: 'reports', video: 'content_requests' };
/** Backoff entries past this are capped: a render retried hours later helps nobody. */
const MAX_BACKOFF_MS = 10 * 60_000;

export interface RenderQueueOptions {
  concurrency: number;
  maxAttempts: number;
  retryBaseMs: number;
  /** How long a delivery may run before the queue presumes it lost; longer than any render. */
  ackWaitMs: number;
}

/**
 * The render jobs' durable queue (JetStream on NATS, in-process otherwise). Publishing names the
 * row only; the message id is the job id, so a job published twice within the queue's dedupe
 * window is stored once, and the row's `enqueued_at` tells the recovery sweep it got through.
 */
export class RenderQueue {
  constructor(
    readonly queue: DurableQueue,
    readonly sql: Sql,
  ) {}

  /**
   * Publishes the jobs and marks their rows enqueued. A job published again on purpose (queued
   * again after it failed, or republished by the recovery sweep) passes a `generation`, so the
   * queue's dedupe, meant for repeats of one publish, does not swallow it.
   */
  async publish(jobs: readonly RenderJobMessage[], generation?: string): Promise<void> {
    for (const job of jobs) {
      await this.queue.publish<RenderJobMessage>(RENDER_SUBJECT, job, { msgId: generation ? `${job.id}:${generation}` : job.id });
    }
    for (const kind of ['report', 'video'] as const) {
      const byTenant = new Map<string, string[]>();
      for (const job of jobs) if (job.kind === kind) byTenant.set(job.tenantId, [...(byTenant.get(job.tenantId) ?? []), job.id]);
      for (const [tenantId, ids] of byTenant) {
        await this.sql.tenant(tenantId, () =>
          this.sql.rows(`UPDATE ${TABLES[kind]} SET enqueued_at = now() WHERE tenant_id = $1 AND id = ANY($2::uuid[]) RETURNING id`, [tenantId, ids]),
        );
      }
    }
  }

  consume(handler: (msg: QueueMessage<RenderJobMessage>) => Promise<void>, options: RenderQueueOptions): Promise<Subscription> {
    return this.queue.consume<RenderJobMessage>(RENDER_SUBJECT, handler, {
      durable: DURABLE,
      concurrency: options.concurrency,
      maxDeliver: options.maxAttempts,
      backoffMs: backoff(options.retryBaseMs, options.maxAttempts),
      ackWaitMs: options.ackWaitMs,
    });
  }

  depth(): Promise<number> {
    return this.queue.pending(RENDER_SUBJECT);
  }
}

/** Exponential: base, 2 base, 4 base, ... one entry per retry, capped. */
export function backoff(baseMs: number, maxAttempts: number): number[] {
  return Array.from({ length: Math.max(1, maxAttempts - 1) }, (_, i) => Math.min(MAX_BACKOFF_MS, baseMs * 2 ** i));
}
