import type { ObjectStore } from '../../../infra/storage';
import type { JobNotice, JobOutcomeOf, JobResult, Progress } from '../../../infra/jobs';
import { resolveFonts } from '../fonts';
import { CONTENT_TYPES, objectKeys } from '../keys';
import type { Sql } from '../../../infra/db/sql';
import type { ReportRow } from '../types';
import { AnnualData } from './AnnualData';
import { BillingData } from './BillingData';
import { toCsv } from './csv';
import { toHtml } from './html';
import { toPdf } from './pdf';
import { tenantLocale } from '../locale/settings';
import { annualDoc, billingDoc, type ReportDoc } from './ReportDoc';

/** The render worker's report jobs: read the figures, write the file, store it under the job's key. */
export class ReportRenderer {
  readonly #annual: AnnualData;
  readonly #billing: BillingData;

  constructor(
    readonly sql: Sql,
    readonly objectStore: ObjectStore,
  ) {
    this.#annual = new AnnualData(sql);
    this.#billing = new BillingData(sql);
  }

  async render(row: ReportRow, progress: Progress): Promise<JobResult> {
    const locale = await tenantLocale(this.sql, row.tenant_id);
    const doc =
      row.type === 'ANNUAL'
        ? annualDoc(await this.#annual.load(row.tenant_id, row.year ?? new Date().getUTCFullYear(), locale.timeZone), locale)
        : billingDoc(await this.#billing.load(row.tenant_id), locale);
    await progress.set(40);
    progress.check();
    const body = await format(doc, row);
    await progress.set(80);
    progress.check();
    const key = objectKeys.report(row.tenant_id, row.id, row.format);
    await this.objectStore.put(key, body, CONTENT_TYPES[row.format], body.length);
    return { columns: { object_key: key, size_bytes: body.length }, bytes: body.length, format: row.format, discard: () => this.objectStore.delete(key) };
  }

  notice(row: ReportRow, outcome: JobOutcomeOf): JobNotice {
    const what = reportTitle(row);
    const data = { reportId: row.id, type: row.type, year: row.year, format: row.format };
    return outcome.ok
      ? { type: 'report.ready', title: `${what} is ready`, body: `Your ${row.format.toUpperCase()} is ready to download.`, data }
      : { type: 'report.failed', title: `${what} could not be made`, body: outcome.error, data };
  }
}

/** "Annual report 2025", "Billing report". */
export function reportTitle(row: Pick<ReportRow, 'type' | 'year'>): string {
  return row.type === 'ANNUAL' ? `Annual report ${row.year}` : 'Billing report';
}

/** The download's file name: annual-report-2025.pdf, billing-report-2026-11-21.csv. */
export function reportFileName(row: Pick<ReportRow, 'type' | 'year' | 'format' | 'created'>): string {
  const stem = row.type === 'ANNUAL' ? `annual-report-${row.year}` : `billing-report-${row.created.toISOString().slice(0, 10)}`;
  return `${stem}.${row.format}`;
}

async function format(doc: ReportDoc, row: ReportRow): Promise<Buffer> {
  switch (row.format) {
    case 'csv':
      return toCsv(doc);
    case 'html':
      return toHtml(doc);
    case 'pdf':
      return toPdf(doc, resolveFonts(), { name: reportFileName({ ...row, format: 'csv' }), csv: toCsv(doc) });
  }
}
