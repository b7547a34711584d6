import type { Logger } from '../logger';
import { isPermanent, type QueueMessage } from '../queue';
import { JobAbandonedError, JobError } from './errors';
import type { JobTable } from './JobTable';
import type { JobMetrics } from './metrics';
import { Progress } from './Progress';
import type { JobKind, JobMessage, JobNotification, JobOutcomeOf, JobResult, JobRow } from './types';

export interface JobRunnerDeps {
  kinds: ReadonlyMap<string, { kind: JobKind<JobRow>; table: JobTable<JobRow> }>;
  metrics: JobMetrics;
  logger: Logger;
  maxAttempts: number;
  /** Logged with every line, and the start of a failure's message unless it is a JobError. */
  name: string;
  failurePrefix: string;
  /** Delivers a finished job's notice (the render actor emits `notification.requested`). */
  notify?(request: JobNotification): Promise<void>;
}

/**
 * Handles one delivery of a job. At-least-once delivery is made exactly-once in effect: the row is
 * claimed first (a settled job is acknowledged without running, a job another delivery holds is
 * left to it), a kind stores its outputs under keys derived from the job, and completion is fenced
 * by the claim, so a redelivery neither runs twice to completion nor leaves a second output.
 */
export class JobRunner {
  constructor(readonly deps: JobRunnerDeps) {}

  readonly handle = async (msg: QueueMessage<JobMessage>): Promise<void> => {
    const entry = this.deps.kinds.get(msg.payload.kind);
    // Not retried: no delivery of it can ever find a kind this build does not know.
    if (!entry) throw new JobError(`unknown ${this.deps.name} job kind ${JSON.stringify(msg.payload.kind)}`, undefined, true);
    const { kind, table } = entry;
    const { id, tenantId } = msg.payload;
    const claim = await table.claim(tenantId, id);
    if (claim.outcome !== 'claimed') {
      this.deps.logger.debug({ jobId: id, kind: kind.name, outcome: claim.outcome, attempt: msg.attempt }, `${this.deps.name}: delivery skipped`);
      this.deps.metrics.outcome(kind.name, claim.outcome === 'gone' ? 'abandoned' : 'duplicate');
      return;
    }
    const { row, fence } = claim;
    const progress = new Progress(table as JobTable<object>, tenantId, id, fence, this.deps.logger);
    const started = process.hrtime.bigint();
    let result: JobResult;
    try {
      result = await kind.run(row, progress);
      progress.check();
    } catch (error) {
      progress.close();
      await this.#failed(kind, table, row, fence, msg, error);
      return;
    }
    progress.close();
    if (!(await table.complete(tenantId, id, fence, result.columns))) {
      // Deleted or cancelled while it ran: its outputs must not outlive their row.
      await result.discard?.();
      this.deps.metrics.outcome(kind.name, 'abandoned');
      return;
    }
    this.deps.metrics.ran(kind.name, result.format ?? kind.name, Number(process.hrtime.bigint() - started) / 1e9, result.bytes ?? 0);
    this.deps.metrics.outcome(kind.name, 'completed');
    await this.#notify(kind, row, `${kind.name}:${id}:ready`, { ok: true });
  };

  async #failed(kind: JobKind<JobRow>, table: JobTable<JobRow>, row: JobRow, fence: number, msg: QueueMessage<JobMessage>, error: unknown): Promise<void> {
    const { id, tenantId } = msg.payload;
    if (error instanceof JobAbandonedError || (error as Error)?.name === 'AbortError') {
      this.deps.metrics.outcome(kind.name, 'abandoned');
      return;
    }
    const message = error instanceof JobError ? error.message : `${this.deps.failurePrefix}: ${(error as Error)?.message ?? String(error)}`;
    this.deps.logger.warn({ jobId: id, kind: kind.name, attempt: msg.attempt, err: error, details: (error as JobError).details }, `${this.deps.name}: job attempt failed`);
    if (msg.attempt < this.deps.maxAttempts && !isPermanent(error)) {
      await table.retryLater(tenantId, id, fence, message);
      this.deps.metrics.outcome(kind.name, 'retried');
      // Thrown so the queue retries it after its backoff.
      throw error;
    }
    const failed = await table.fail(tenantId, id, fence, message);
    this.deps.metrics.outcome(kind.name, 'failed');
    if (failed) await this.#notify(kind, row, `${kind.name}:${id}:failed:${fence}`, { ok: false, error: message });
    // Thrown so the queue records the dead letter with the same message, now (permanent).
    throw new JobError(message, undefined, true);
  }

  async #notify(kind: JobKind<JobRow>, row: JobRow, dedupeKey: string, outcome: JobOutcomeOf): Promise<void> {
    if (!kind.notice || !this.deps.notify) return;
    try {
      await this.deps.notify({ tenantId: row.tenant_id, userId: row.user_id, dedupeKey, ...kind.notice(row, outcome) });
    } catch (error) {
      // The job itself is done; a lost notice must not make it run again.
      this.deps.logger.warn({ err: error, tenantId: row.tenant_id }, `${this.deps.name}: notification not sent`);
    }
  }
}
