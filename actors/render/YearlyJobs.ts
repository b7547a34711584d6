import type { Sql } from '../../infra/db/sql';
import type { RenderJobMessage } from './types';

/**
 * A tenant's jobs of a year's batch (its videos and its batch annual report), including those of
 * an earlier, interrupted run, that never reached the queue: at most `limit`, oldest first. The
 * jobs actor records the rows; it asks render to queue them, so only render knows its queue.
 */
export function unqueuedYearlyJobs(sql: Sql, tenantId: string, year: number, limit: number): Promise<RenderJobMessage[]> {
  return sql.tenant(tenantId, () =>
    sql.rows<RenderJobMessage>(
      `SELECT kind, id, tenant_id AS "tenantId" FROM (
         SELECT 'video' AS kind, id, tenant_id, created FROM content_requests
          WHERE tenant_id = $1 AND year = $2 AND status = 'PENDING' AND enqueued_at IS NULL AND deleted_at IS NULL
         UNION ALL
         SELECT 'report', id, tenant_id, created FROM reports
          WHERE tenant_id = $1 AND year = $2 AND source = 'BATCH' AND status = 'PENDING' AND enqueued_at IS NULL
       ) jobs ORDER BY created, id LIMIT $3`,
      [tenantId, year, limit],
    ),
  );
}
