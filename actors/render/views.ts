import { iso, num } from '../../infra/db/sql';
import type { ReportRow, VideoRow } from './types';

/** A report as the REST contract shows it. */
export function reportView(row: ReportRow, url?: string) {
  return {
    id: row.id,
    type: row.type,
    year: row.year,
    format: row.format,
    source: row.source,
    status: row.status,
    progress: row.progress,
    error: row.error,
    size_bytes: num(row.size_bytes),
    created: iso(row.created) as string,
    completed_at: iso(row.completed_at),
    ...(url ? { url } : {}),
  };
}

export function videoView(row: VideoRow, urls?: { url: string; thumbnail_url: string }) {
  return {
    id: row.id,
    user_id: row.user_id,
    year: row.year,
    status: row.status,
    progress: row.progress,
    error: row.error,
    size_bytes: num(row.size_bytes),
    duration_ms: row.duration_ms,
    options: row.options ?? {},
    created: iso(row.created) as string,
    completed_at: iso(row.completed_at),
    ...(urls ?? {}),
  };
}
