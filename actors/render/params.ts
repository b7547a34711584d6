import { FIRST_YEAR, JOB_STATUSES, REPORT_FORMATS } from '../../protocol/rest/render';

/**
 * fastest-validator schemas of the actor's actions: the second check behind the gateway's zod
 * schemas (protocol/rest/render.ts), for callers that reach the actor without the gateway.
 */
const uuid = { type: 'uuid' } as const;
const year = { type: 'number', integer: true, min: FIRST_YEAR, max: 9999, optional: true, convert: true } as const;
const format = { type: 'enum', values: [...REPORT_FORMATS], optional: true } as const;
const list = {
  status: { type: 'enum', values: [...JOB_STATUSES], optional: true },
  limit: { type: 'number', integer: true, min: 1, max: 100, optional: true, convert: true },
  offset: { type: 'number', integer: true, min: 0, optional: true, convert: true },
} as const;
const byId = { id: uuid } as const;

export const PARAMS = {
  requestAnnual: { tenant_id: { ...uuid, optional: true }, year, format },
  requestBilling: { tenant_id: { ...uuid, optional: true }, format },
  listReports: list,
  byId,
  generateVideo: { year },
  listVideos: list,
  queueYearlyJobs: {
    tenantId: uuid,
    year: { ...year, optional: false },
    limit: { type: 'number', integer: true, min: 1, max: 1000, convert: true },
  },
} as const;
