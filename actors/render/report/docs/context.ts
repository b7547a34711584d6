import type { Sql } from '../../../../infra/db/sql';
import type { ExportOptions } from '../../../../protocol/rest/reports';
import type { DashboardViewer } from '../../dashboard/scope';
import type { TenantLocale } from '../../locale/settings';
import type { ReportDoc } from '../ReportDoc';

/** What a report type's document is built from. */
export interface DocContext {
  sql: Sql;
  viewer: DashboardViewer;
  locale: TenantLocale;
  options: ExportOptions;
  year: number | null;
  /** PDF and HTML hold their rows in memory: listings stop at this many rows for them. */
  pageRows: number | undefined;
}

export type DocBuilder = (ctx: DocContext) => Promise<ReportDoc>;
