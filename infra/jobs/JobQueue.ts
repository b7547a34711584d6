import type { DurableQueue, QueueMessage, Subscription } from '../queue';
import type { Sql } from '../db/sql';
import type { JobMessage } from './types';

/** Backoff entries past this are capped: a job retried hours later helps nobody. */
const MAX_BACKOFF_MS = 10 * 60_000;

export interface ConsumeJobsOptions {
  concurrency: number;
  maxAttempts: number;
  retryBaseMs: number;
  /** How long a delivery may run before the queue presumes it lost; longer than any job. */
  ackWaitMs: number;
}

/**
 * A kit's durable queue (JetStream on NATS, in-process otherwise). Publishing names the row only;
 * the message id is the job id, so a job published twice within the queue's dedupe window is
 * stored once, and the row's `enqueued_at` tells the recovery sweep it got through.
 */
export class JobQueue {
  /** `<name>-jobs`; its durable consumer is `<name>` (the names render's queue always had). */
  readonly subject: string;

  constructor(
    readonly queue: DurableQueue,
    readonly sql: Sql,
    readonly name: string,
    /** Each kind's table, by kind name. */
    readonly tables: ReadonlyMap<string, string>,
  ) {
    this.subject = `${name}-jobs`;
  }

  /**
   * Publishes the jobs and marks their rows enqueued. A job published again on purpose (queued
   * again after it failed, or republished by the recovery sweep) passes a `generation`, so the
   * queue's dedupe, meant for repeats of one publish, does not swallow it.
   */
  async publish(jobs: readonly JobMessage[], generation?: string): Promise<void> {
    for (const job of jobs) if (!this.tables.has(job.kind)) throw new Error(`unknown job kind ${JSON.stringify(job.kind)} on ${this.subject}`);
    for (const job of jobs) {
      await this.queue.publish<JobMessage>(this.subject, job, { msgId: generation ? `${job.id}:${generation}` : job.id });
    }
    const groups = new Map<string, { kind: string; tenantId: string; ids: string[] }>();
    for (const job of jobs) {
      const key = `${job.kind}\n${job.tenantId}`;
      const group = groups.get(key) ?? { kind: job.kind, tenantId: job.tenantId, ids: [] };
      group.ids.push(job.id);
      groups.set(key, group);
    }
    for (const { kind, tenantId, ids } of groups.values()) {
      await this.sql.tenant(tenantId, () => this.sql.rows(`UPDATE ${this.tables.get(kind)} SET enqueued_at = now() WHERE tenant_id = $1 AND id = ANY($2::uuid[]) RETURNING id`, [tenantId, ids]));
    }
  }

  consume(handler: (msg: QueueMessage<JobMessage>) => Promise<void>, options: ConsumeJobsOptions): Promise<Subscription> {
    return this.queue.consume<JobMessage>(this.subject, handler, {
      durable: this.name,
      concurrency: options.concurrency,
      maxDeliver: options.maxAttempts,
      backoffMs: backoff(options.retryBaseMs, options.maxAttempts),
      ackWaitMs: options.ackWaitMs,
    });
  }

  depth(): Promise<number> {
    return this.queue.pending(this.subject);
  }
}

/** Exponential: base, 2 base, 4 base, ... one entry per retry, capped. */
export function backoff(baseMs: number, maxAttempts: number): number[] {
  return Array.from({ length: Math.max(1, maxAttempts - 1) }, (_, i) => Math.min(MAX_BACKOFF_MS, baseMs * 2 ** i));
}
