import { randomUUID } from 'node:crypto';
import { NotCancellableError, NotFoundError } from './errors';
import type { Sql } from '../../infra/db/sql';
import type { ExportOptions } from '../../protocol/rest/reports';
import type { JobStatus, ReportFormat, ReportRow, ReportType } from './types';

export interface ReportRequest {
  tenantId: string;
  userId: string;
  type: ReportType;
  year: number | null;
  format: ReportFormat;
  options?: ExportOptions;
}

/** Who is looking: a report is its requester's; the yearly batch's annual reports are every admin's. */
export interface Viewer {
  tenantId: string;
  userId: string;
  admin: boolean;
}

const VISIBLE = `tenant_id = $1 AND (user_id = $2 OR ($3::boolean AND source = 'BATCH'))`;

/** The request side of report jobs: create, read, list and cancel rows (rendering is RenderWorker's). */
export class Reports {
  constructor(readonly sql: Sql) {}

  async create(request: ReportRequest): Promise<ReportRow> {
    const row = await this.sql.tenant(request.tenantId, () =>
      this.sql.one<ReportRow>(`INSERT INTO reports (id, tenant_id, user_id, type, year, format, options) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`, [
        randomUUID(),
        request.tenantId,
        request.userId,
        request.type,
        request.year,
        request.format,
        JSON.stringify(request.options ?? {}),
      ]),
    );
    if (!row) throw new Error('report insert returned no row');
    return row;
  }

  /** 404 for a report of another tenant or another user: its existence is not revealed. */
  async get(viewer: Viewer, id: string): Promise<ReportRow> {
    const row = await this.sql.tenant(viewer.tenantId, () => this.sql.one<ReportRow>(`SELECT * FROM reports WHERE ${VISIBLE} AND id = $4`, [viewer.tenantId, viewer.userId, viewer.admin, id]));
    if (!row) throw new NotFoundError('Report');
    return row;
  }

  async list(viewer: Viewer, page: { status?: JobStatus; limit: number; offset: number }): Promise<{ rows: ReportRow[]; total: number }> {
    return this.sql.tenant(viewer.tenantId, async () => {
      const bind = [viewer.tenantId, viewer.userId, viewer.admin, page.status ?? null];
      const where = `${VISIBLE} AND ($4::text IS NULL OR status = $4)`;
      const rows = await this.sql.rows<ReportRow>(`SELECT * FROM reports WHERE ${where} ORDER BY created DESC, id DESC LIMIT $5 OFFSET $6`, [...bind, page.limit, page.offset]);
      const total = await this.sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM reports WHERE ${where}`, bind);
      return { rows, total: total?.n ?? 0 };
    });
  }

  /** Only a PENDING report can be cancelled; the worker that later receives it acknowledges it unrendered. */
  async cancel(viewer: Viewer, id: string): Promise<void> {
    const current = await this.get(viewer, id);
    const row = await this.sql.tenant(viewer.tenantId, () =>
      this.sql.one(`UPDATE reports SET status = 'CANCELLED', lease_until = NULL, updated = now() WHERE tenant_id = $1 AND id = $2 AND status = 'PENDING' RETURNING id`, [viewer.tenantId, id]),
    );
    if (!row) throw new NotCancellableError('Report', current.status === 'PENDING' ? 'PROCESSING' : current.status);
  }
}
