import type { Sql } from '../infra/db/sql';

export type JobKind = 'report' | 'video';

/** A job that failed for good: its row is FAILED and its queue message was dead-lettered. */
export interface FailedJob {
  kind: JobKind;
  id: string;
  tenantId: string;
  tenant: string;
  what: string;
  attempts: number;
  error: string | null;
  failedAt: string;
}

export interface Filter {
  kind?: JobKind;
  /** A tenant's slug. */
  tenant?: string;
  limit: number;
}

/** The render tables of each kind, and how a row names what it was. Videos deleted since are not wanted again. */
const TABLES = {
  report: { table: 'reports', what: `r.type || coalesce(' ' || r.year, '') || ' ' || r.format`, live: 'true' },
  video: { table: 'content_requests', what: `'video ' || r.year`, live: 'r.deleted_at IS NULL' },
} as const;

const kinds = (kind: JobKind | undefined): JobKind[] => (kind ? [kind] : ['report', 'video']);

/**
 * The operators' view of failed jobs, across tenants. Like the yearly batch, it works on the job
 * rows (the jobs' source of truth); putting them back on the queue is render's (its `publishJobs`
 * action) or, with no cluster to reach, its recovery sweep's, which publishes any PENDING row that
 * was never queued within a minute. Every FAILED row's message was dead-lettered: the row is the
 * dead letter an operator can read and replay on any deployment, including the in-process queue
 * whose dead letters live only in the node's memory.
 */
export class FailedJobs {
  constructor(readonly sql: Sql) {}

  list(filter: Filter): Promise<FailedJob[]> {
    return this.sql.system(async () => {
      const all: FailedJob[] = [];
      for (const kind of kinds(filter.kind)) {
        const t = TABLES[kind];
        const rows = await this.sql.rows<{ id: string; tenant_id: string; slug: string; what: string; attempts: number; error: string | null; updated: Date }>(
          `SELECT r.id, r.tenant_id, tn.slug, ${t.what} AS what, r.attempts, r.error, r.updated
             FROM ${t.table} r JOIN tenants tn ON tn.id = r.tenant_id
            WHERE r.status = 'FAILED' AND ${t.live} AND ($1::text IS NULL OR lower(tn.slug) = lower($1))
            ORDER BY r.updated DESC LIMIT $2`,
          [filter.tenant ?? null, filter.limit],
        );
        all.push(...rows.map((r) => ({ kind, id: r.id, tenantId: r.tenant_id, tenant: r.slug, what: r.what, attempts: r.attempts, error: r.error, failedAt: r.updated.toISOString() })));
      }
      return all.sort((a, b) => b.failedAt.localeCompare(a.failedAt)).slice(0, filter.limit);
    });
  }

  /**
   * Puts FAILED rows back to PENDING with their attempts reset, not yet queued (enqueued_at NULL),
   * and returns them for publishing. A row another operator requeued first is not FAILED any more
   * and is left alone, so running it twice queues each job once.
   */
  requeue(filter: Filter & { ids?: string[] }): Promise<Array<{ kind: JobKind; id: string; tenantId: string }>> {
    return this.sql.system(async () => {
      const out = [];
      for (const kind of kinds(filter.kind)) {
        const t = TABLES[kind];
        const rows = await this.sql.rows<{ id: string; tenant_id: string }>(
          `UPDATE ${t.table} SET status = 'PENDING', attempts = 0, progress = 0, error = NULL, lease_until = NULL, enqueued_at = NULL, completed_at = NULL, updated = now()
            WHERE id IN (SELECT r.id FROM ${t.table} r JOIN tenants tn ON tn.id = r.tenant_id
                          WHERE r.status = 'FAILED' AND ${t.live} AND ($1::text IS NULL OR lower(tn.slug) = lower($1)) AND ($2::uuid[] IS NULL OR r.id = ANY($2))
                          ORDER BY r.updated LIMIT $3)
              AND status = 'FAILED'
            RETURNING id, tenant_id`,
          [filter.tenant ?? null, filter.ids ?? null, filter.limit],
        );
        out.push(...rows.map((r) => ({ kind, id: r.id, tenantId: r.tenant_id })));
      }
      return out;
    });
  }
}
