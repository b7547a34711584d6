import type { ReportFormat } from './types';

/**
 * Object keys of DESIGN §7. They are a function of the job alone, so a redelivered job overwrites
 * its own objects instead of leaving a second copy.
 */
export const objectKeys = {
  report: (tenantId: string, reportId: string, format: ReportFormat) => `tenants/${tenantId}/reports/${reportId}.${format}`,
  video: (tenantId: string, userId: string, year: number, videoId: string) => `videos/${tenantId}/${userId}/${year}/${videoId}.mp4`,
  thumbnail: (tenantId: string, userId: string, year: number, videoId: string) => `videos/${tenantId}/${userId}/${year}/${videoId}.jpg`,
};

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8; header=present',
  html: 'text/html; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};
