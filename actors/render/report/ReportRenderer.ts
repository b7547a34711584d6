import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ObjectStore } from '../../../infra/storage';
import type { JobNotice, JobOutcomeOf, JobResult, Progress } from '../../../infra/jobs';
import { resolveFonts } from '../fonts';
import { CONTENT_TYPES, objectKeys } from '../keys';
import type { Sql } from '../../../infra/db/sql';
import { tenantLocale, withLanguage, type TenantLocale } from '../locale/settings';
import type { ReportRow } from '../types';
import { toCsv, writeCsv } from './csv';
import { DOC_BUILDERS } from './docs';
import { toHtml } from './html';
import { writeJson } from './json';
import { toPdf } from './pdf';
import { rowBatches, type ReportDoc } from './ReportDoc';
import { finish } from './write';
import { writeXlsx } from './xlsx';

/** PDF and HTML pages hold their rows: a listing shows at most this many there (exports of any length: CSV, XLSX, JSON). */
export const PAGE_ROWS = 2000;

/** The render worker's report jobs: read the figures, write the file, store it under the job's key. */
export class ReportRenderer {
  constructor(
    readonly sql: Sql,
    readonly objectStore: ObjectStore,
  ) {}

  async render(row: ReportRow, progress: Progress): Promise<JobResult> {
    const locale = withLanguage(await tenantLocale(this.sql, row.tenant_id), row.options?.locale);
    const paged = row.format === 'pdf' || row.format === 'html';
    const admin = await this.sql.tenant(row.tenant_id, () =>
      this.sql.one<{ admin: boolean }>(`SELECT role = 'admin' AS admin FROM users WHERE tenant_id = $1 AND id = $2`, [row.tenant_id, row.user_id]),
    );
    const doc = await DOC_BUILDERS[row.type]({
      sql: this.sql,
      // The requester's current role: an admin's export is the tenant's, anyone else's their own slice.
      viewer: { tenantId: row.tenant_id, userId: row.user_id, admin: admin?.admin ?? false },
      locale,
      options: row.options ?? {},
      year: row.year,
      pageRows: paged ? PAGE_ROWS : undefined,
    });
    await progress.set(40);
    progress.check();
    const key = objectKeys.report(row.tenant_id, row.id, row.format);
    const bytes = paged ? await this.#storePage(await held(doc), row, key) : await this.#storeStream(doc, row, locale, key);
    await progress.set(90);
    return { columns: { object_key: key, size_bytes: bytes }, bytes, format: row.format, discard: () => this.objectStore.delete(key) };
  }

  async #storePage(doc: ReportDoc, row: ReportRow, key: string): Promise<number> {
    const body = row.format === 'html' ? toHtml(doc) : await toPdf(doc, resolveFonts(), { name: reportFileName({ ...row, format: 'csv' }), csv: toCsv(doc) });
    await this.objectStore.put(key, body, CONTENT_TYPES[row.format], body.length);
    return body.length;
  }

  /** CSV, JSON and XLSX go through a temporary file: written as read, uploaded with a known length. */
  async #storeStream(doc: ReportDoc, row: ReportRow, locale: TenantLocale, key: string): Promise<number> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pocdojo-report-'));
    try {
      const file = path.join(dir, `report.${row.format}`);
      if (row.format === 'xlsx') await writeXlsx(doc, file);
      else {
        const out = createWriteStream(file);
        if (row.format === 'json') await writeJson(doc, { type: row.type, locale }, out);
        else await writeCsv(doc, out);
        await finish(out);
      }
      const { size } = await stat(file);
      await this.objectStore.put(key, createReadStream(file), CONTENT_TYPES[row.format], size);
      return size;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  notice(row: ReportRow, outcome: JobOutcomeOf): JobNotice {
    const what = reportTitle(row);
    const data = { reportId: row.id, type: row.type, year: row.year, format: row.format };
    return outcome.ok
      ? { type: 'report.ready', title: `${what} is ready`, body: `Your ${row.format.toUpperCase()} is ready to download.`, data }
      : { type: 'report.failed', title: `${what} could not be made`, body: outcome.error, data };
  }
}

/** A page format's document: the streamed rows of listings read into the sections (at most PAGE_ROWS). */
async function held(doc: ReportDoc): Promise<ReportDoc> {
  const sections = [];
  for (const section of doc.sections) {
    const rows = [];
    for await (const batch of rowBatches(section)) rows.push(...batch);
    sections.push({ ...section, rows, more: undefined });
  }
  return { ...doc, sections };
}

const NAMES: Record<ReportRow['type'], string> = {
  ANNUAL: 'Annual report',
  BILLING: 'Billing report',
  USAGE: 'Usage report',
  KATA_ANALYTICS: 'Kata analytics',
  POC_SUMMARY: 'POC summary',
  TENANT_OVERVIEW: 'Tenant overview',
  DOJOS: 'Dojos export',
  USERS: 'Users export',
};

/** "Annual report 2025", "Billing report", "Usage report". */
export function reportTitle(row: Pick<ReportRow, 'type' | 'year'>): string {
  return row.type === 'ANNUAL' ? `${NAMES.ANNUAL} ${row.year}` : NAMES[row.type];
}

/** The download's file name: annual-report-2025.pdf, billing-report-2026-11-21.csv, usage-2026-11-21.xlsx. */
export function reportFileName(row: Pick<ReportRow, 'type' | 'year' | 'format' | 'created'>): string {
  const stem = row.type === 'ANNUAL' ? `annual-report-${row.year}` : `${NAMES[row.type].toLowerCase().replace(/ /g, '-')}-${row.created.toISOString().slice(0, 10)}`;
  return `${stem}.${row.format}`;
}
