import { z } from 'zod';
import { zodParams } from '../../infra/broker/zodValidator';
import { idParams, uuid } from '../../protocol/rest/common';
import { exportBody } from '../../protocol/rest/reports';
import { annualReportBody, billingReportBody, checkVideoRequest, jobListQuery, videoFields, year } from '../../protocol/rest/render';

/**
 * The params of the actor's actions: the protocol's schemas (protocol/rest/render.ts), the ones
 * the gateway checks, applied again to every call whoever makes it.
 */

/** The protocol's year, also from text (a CLI's argument, a caller that did not parse it). */
const anyYear = z.coerce.number().pipe(year);

export const PARAMS = {
  requestAnnual: zodParams(annualReportBody.extend({ year: anyYear.optional() })),
  requestBilling: zodParams(billingReportBody),
  requestExport: zodParams(exportBody),
  listReports: zodParams(jobListQuery),
  byId: zodParams(idParams),
  generateVideo: zodParams(videoFields.extend({ year: anyYear.optional() }).superRefine(checkVideoRequest)),
  listVideos: zodParams(jobListQuery),
  publishJobs: zodParams(z.object({ jobs: z.array(z.object({ kind: z.enum(['report', 'video']), id: uuid, tenantId: uuid })).max(1000) })),
  queueYearlyJobs: zodParams(z.object({ tenantId: uuid, year: anyYear, limit: z.coerce.number().int().min(1).max(1000) })),
};
