import type { Progress } from './Progress';

export type JobStatus = 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

/** A queue message: only a pointer to the row, which is the job's source of truth. */
export interface JobMessage {
  /** The job kind's name (`defineJobKind({ name })`). */
  kind: string;
  id: string;
  tenantId: string;
}

/** The columns the kit reads from every job row; the kind's own columns ride along. */
export interface JobRow {
  id: string;
  tenant_id: string;
  user_id: string;
  attempts: number;
}

/** What one run of a job produced. */
export interface JobResult {
  /** Columns written on the row when it completes (object_key, size_bytes, ...). */
  columns: Record<string, string | number>;
  /** For metrics: bytes stored and a label of what was made (pdf, mp4, ...). */
  bytes?: number;
  format?: string;
  /** Takes the outputs back when the row was cancelled or deleted while the job ran. */
  discard?(): Promise<void>;
}

export type JobOutcomeOf = { ok: true } | { ok: false; error: string };

/** Notification text for a finished job; the tenant actor stores and delivers it. */
export interface JobNotice {
  type: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

/** A notice addressed to the job's owner, with the key that makes a repeated one a no-op. */
export type JobNotification = { tenantId: string; userId: string; dedupeKey: string } & JobNotice;

/**
 * One kind of job: its table and what running it means. The table has the job columns of
 * migration 004's `reports` (status, progress, attempts, lease_until, enqueued_at, error,
 * created, updated, completed_at) besides `id`, `tenant_id`, `user_id`.
 */
export interface JobKind<Row extends JobRow = JobRow> {
  /** The message's `kind` and the metrics' `kind` label; unique within a kit. */
  name: string;
  table: string;
  /** SQL condition of rows still wanted (say `deleted_at IS NULL`); a row failing it is never run. Default `true`. */
  live?: string;
  /** Does the work; reports progress and stops when `progress.signal` aborts. Throw to fail the attempt. */
  run(row: Row, progress: Progress): Promise<JobResult>;
  /** What the owner is told when the job completes or finally fails; nothing when absent. */
  notice?(row: Row, outcome: JobOutcomeOf): JobNotice;
}

/** Declares a job kind; the identity, so `run` and `notice` see the kind's row type. */
export function defineJobKind<Row extends JobRow>(kind: JobKind<Row>): JobKind<Row> {
  return kind;
}
