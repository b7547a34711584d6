import type { Logger } from '../../infra/logger';
import type { ObjectStore } from '../../infra/storage';
import { isPermanent, type QueueMessage } from '../../infra/queue';
import { JobAbandonedError, RenderError } from './errors';
import type { JobTable } from './JobTable';
import type { RenderMetrics } from './metrics';
import { Progress } from './Progress';
import type { JobKind, RenderJobMessage, ReportRow, VideoRow } from './types';

/** What a renderer made and stored for one job. */
export interface RenderResult {
  /** Columns written on the row when it completes (object_key, size_bytes, ...). */
  columns: Record<string, string | number>;
  /** Every object written, so a job deleted meanwhile can take them back. */
  keys: string[];
  bytes: number;
  /** For metrics: pdf/csv/html, or mp4. */
  format: string;
}

/** Notification text for a finished job; the tenant actor stores and delivers it. */
export interface JobNotice {
  type: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

export interface JobKindHandler<Row extends { user_id: string }> {
  table: JobTable<Row>;
  render(row: Row, progress: Progress): Promise<RenderResult>;
  notice(row: Row, outcome: { ok: true } | { ok: false; error: string }): JobNotice;
}

export interface RenderWorkerDeps {
  kinds: { report: JobKindHandler<ReportRow>; video: JobKindHandler<VideoRow> };
  objectStore: ObjectStore;
  metrics: RenderMetrics;
  logger: Logger;
  maxAttempts: number;
  /** Emits `notification.requested`. */
  notify(request: { tenantId: string; userId: string; dedupeKey: string } & JobNotice): Promise<void>;
}

/**
 * Handles one delivery of a render job. At-least-once delivery is made exactly-once in effect:
 * the row is claimed first (a settled job is acknowledged without rendering, a job another
 * delivery holds is left to it), objects go under keys derived from the job, and completion is
 * fenced by the claim, so a redelivery neither renders twice nor leaves a second object.
 */
export class RenderWorker {
  constructor(readonly deps: RenderWorkerDeps) {}

  readonly handle = async (msg: QueueMessage<RenderJobMessage>): Promise<void> => {
    const { kind } = msg.payload;
    if (kind === 'report') return this.#run(kind, this.deps.kinds.report, msg);
    if (kind === 'video') return this.#run(kind, this.deps.kinds.video, msg);
    throw new Error(`unknown render job kind ${JSON.stringify(kind)}`);
  };

  async #run<Row extends { user_id: string }>(kind: JobKind, handler: JobKindHandler<Row>, msg: QueueMessage<RenderJobMessage>): Promise<void> {
    const { id, tenantId } = msg.payload;
    const claim = await handler.table.claim(tenantId, id);
    if (claim.outcome !== 'claimed') {
      this.deps.logger.debug({ jobId: id, kind, outcome: claim.outcome, attempt: msg.attempt }, 'render: delivery skipped');
      this.deps.metrics.outcome(kind, claim.outcome === 'gone' ? 'abandoned' : 'duplicate');
      return;
    }
    const { row, fence } = claim;
    const progress = new Progress(handler.table as JobTable<object>, tenantId, id, fence, this.deps.logger);
    const started = process.hrtime.bigint();
    let result: RenderResult;
    try {
      result = await handler.render(row, progress);
      progress.check();
    } catch (error) {
      progress.close();
      await this.#failed(kind, handler, row, fence, msg, error);
      return;
    }
    progress.close();
    const completed = await handler.table.complete(tenantId, id, fence, result.columns);
    if (!completed) {
      // Deleted or cancelled while it rendered: the files must not outlive their row.
      await Promise.all(result.keys.map((key) => this.deps.objectStore.delete(key)));
      this.deps.metrics.outcome(kind, 'abandoned');
      return;
    }
    this.deps.metrics.rendered(kind, result.format, Number(process.hrtime.bigint() - started) / 1e9, result.bytes);
    this.deps.metrics.outcome(kind, 'completed');
    await this.#notify(handler, row, tenantId, `${kind}:${id}:ready`, { ok: true });
  }

  async #failed<Row extends { user_id: string }>(kind: JobKind, handler: JobKindHandler<Row>, row: Row, fence: number, msg: QueueMessage<RenderJobMessage>, error: unknown): Promise<void> {
    const { id, tenantId } = msg.payload;
    if (error instanceof JobAbandonedError || (error as Error)?.name === 'AbortError') {
      this.deps.metrics.outcome(kind, 'abandoned');
      return;
    }
    const message = error instanceof RenderError ? error.message : `Rendering failed: ${(error as Error)?.message ?? String(error)}`;
    this.deps.logger.warn({ jobId: id, kind, attempt: msg.attempt, err: error, details: (error as RenderError).details }, 'render: job attempt failed');
    if (msg.attempt < this.deps.maxAttempts && !isPermanent(error)) {
      await handler.table.retryLater(tenantId, id, fence, message);
      this.deps.metrics.outcome(kind, 'retried');
      // Thrown so the queue retries it after its backoff.
      throw error;
    }
    const failed = await handler.table.fail(tenantId, id, fence, message);
    this.deps.metrics.outcome(kind, 'failed');
    if (failed) await this.#notify(handler, row, tenantId, `${kind}:${id}:failed:${fence}`, { ok: false, error: message });
    // Thrown so the queue records the dead letter with the same message, now (permanent).
    throw new RenderError(message, undefined, true);
  }

  async #notify<Row extends { user_id: string }>(handler: JobKindHandler<Row>, row: Row, tenantId: string, dedupeKey: string, outcome: { ok: true } | { ok: false; error: string }): Promise<void> {
    try {
      await this.deps.notify({ tenantId, userId: row.user_id, dedupeKey, ...handler.notice(row, outcome) });
    } catch (error) {
      // The job itself is done; a lost notice must not make it render again.
      this.deps.logger.warn({ err: error, tenantId }, 'render: notification not sent');
    }
  }
}
