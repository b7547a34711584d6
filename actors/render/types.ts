import type { JobMessage, JobStatus } from '../../infra/jobs';
import type { EXPORT_FORMATS, EXPORT_TYPES, ExportOptions } from '../../protocol/rest/reports';
import type { VideoOptions } from '../../protocol/rest/render';

export type { JobStatus };

export type ReportFormat = (typeof EXPORT_FORMATS)[number];
export type ReportType = (typeof EXPORT_TYPES)[number];
export type JobKind = 'report' | 'video';

/** A render queue message: only a pointer to the row, which is the job's source of truth. */
export interface RenderJobMessage extends JobMessage {
  kind: JobKind;
}

export interface ReportRow {
  id: string;
  tenant_id: string;
  user_id: string;
  type: ReportType;
  year: number | null;
  format: ReportFormat;
  source: 'USER' | 'BATCH';
  /** An export's filters and choices (migration 540); {} for the annual and billing requests. */
  options: ExportOptions;
  status: JobStatus;
  progress: number;
  object_key: string | null;
  size_bytes: string | number | null;
  error: string | null;
  attempts: number;
  created: Date;
  completed_at: Date | null;
}

export interface VideoRow {
  id: string;
  tenant_id: string;
  user_id: string;
  year: number;
  status: JobStatus;
  progress: number;
  object_key: string | null;
  thumbnail_key: string | null;
  size_bytes: string | number | null;
  duration_ms: number | null;
  /** The request's choices (migration 931); {} for the batch's defaults. */
  options: VideoOptions;
  error: string | null;
  attempts: number;
  created: Date;
  completed_at: Date | null;
}

/** Reports a job's progress (0-100); resolves once written (or skipped as too soon). */
export type ProgressFn = (percent: number) => Promise<void>;
