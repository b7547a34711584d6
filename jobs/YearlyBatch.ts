import type { Sql } from '../infra/db/sql';
import type { QueueJobs } from './renderQueue';

export interface YearlyBatchOptions {
  year: number;
  /** One tenant by slug; all active tenants when absent. */
  tenant?: string;
  /** Count what would be created; write nothing. */
  dryRun?: boolean;
  /** Stops between steps; what is done stays done and a re-run does the rest. */
  signal?: AbortSignal;
  onProgress?(progress: YearlyBatchProgress): void;
}

export interface YearlyBatchProgress {
  tenant: string;
  tenantsDone: number;
  tenants: number;
  created: number;
  published: number;
}

export interface YearlyBatchResult {
  year: number;
  tenants: number;
  activeUsers: number;
  videosCreated: number;
  reportsCreated: number;
  published: number;
  /** Tenants without an active admin get no annual report (a report belongs to someone). */
  tenantsWithoutAdmin: string[];
  dryRun: boolean;
  stopped: boolean;
}

export class TenantNotFoundError extends Error {
  constructor(slug: string) {
    super(`no active tenant with slug "${slug}"`);
    this.name = 'TenantNotFoundError';
  }
}

const PUBLISH_CHUNK = 100;

/**
 * The yearly batch: one video per active user and one annual report per active tenant, for a
 * year. Idempotent per (tenant, user, year): a user who has (or had, and deleted) a video of that
 * year gets none, the tenant's batch report is unique per year, and queueing (render's queueYearlyJobs) takes every row
 * still unqueued, so a stopped run re-run does exactly what is left.
 */
export class YearlyBatch {
  constructor(
    readonly sql: Sql,
    /**
     * Absent when no render node can be reached (an in-process queue in a process that will not
     * render): the rows stay unqueued and a render node's recovery sweep queues them.
     */
    readonly queue?: QueueJobs,
  ) {}

  async run(options: YearlyBatchOptions): Promise<YearlyBatchResult> {
    const { year, dryRun = false, signal } = options;
    const tenants = await this.#tenants(options.tenant);
    const result: YearlyBatchResult = { year, tenants: tenants.length, activeUsers: 0, videosCreated: 0, reportsCreated: 0, published: 0, tenantsWithoutAdmin: [], dryRun, stopped: false };
    for (const [index, tenant] of tenants.entries()) {
      if (signal?.aborted) return { ...result, stopped: true };
      const made = await this.sql.tenant(tenant.id, () => (dryRun ? this.#count(tenant.id, year) : this.#create(tenant.id, year)));
      result.activeUsers += made.activeUsers;
      result.videosCreated += made.videos;
      result.reportsCreated += made.report ? 1 : 0;
      if (!made.admin) result.tenantsWithoutAdmin.push(tenant.slug);
      const progress = () =>
        options.onProgress?.({ tenant: tenant.slug, tenantsDone: index, tenants: tenants.length, created: result.videosCreated + result.reportsCreated, published: result.published });
      progress();
      if (dryRun || !this.queue) continue;
      for (;;) {
        if (signal?.aborted) return { ...result, stopped: true };
        const queued = await this.queue(tenant.id, year, PUBLISH_CHUNK);
        result.published += queued;
        progress();
        if (queued < PUBLISH_CHUNK) break;
      }
    }
    options.onProgress?.({ tenant: '', tenantsDone: tenants.length, tenants: tenants.length, created: result.videosCreated + result.reportsCreated, published: result.published });
    return result;
  }

  /** The year's batch jobs (videos and batch reports) by status, for following a run to its end. */
  async statuses(year: number, tenant?: string): Promise<Record<string, number>> {
    const rows = await this.sql.system(() =>
      this.sql.rows<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM (
           SELECT c.status FROM content_requests c JOIN tenants t ON t.id = c.tenant_id
            WHERE c.year = $1 AND c.deleted_at IS NULL AND ($2::text IS NULL OR lower(t.slug) = lower($2))
           UNION ALL
           SELECT r.status FROM reports r JOIN tenants t ON t.id = r.tenant_id
            WHERE r.year = $1 AND r.source = 'BATCH' AND ($2::text IS NULL OR lower(t.slug) = lower($2))
         ) jobs GROUP BY status`,
        [year, tenant ?? null],
      ),
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async #tenants(slug: string | undefined): Promise<Array<{ id: string; slug: string }>> {
    const rows = await this.sql.system(() =>
      this.sql.rows<{ id: string; slug: string }>(`SELECT id, slug FROM tenants WHERE status = 'A' AND ($1::text IS NULL OR lower(slug) = lower($1)) ORDER BY created, id`, [slug ?? null]),
    );
    if (slug && rows.length === 0) throw new TenantNotFoundError(slug);
    return rows;
  }

  async #create(tenantId: string, year: number): Promise<{ activeUsers: number; videos: number; report: boolean; admin: boolean }> {
    const activeUsers = await this.#activeUsers(tenantId);
    const videos = await this.sql.rows(
      `INSERT INTO content_requests (id, tenant_id, user_id, year)
       SELECT gen_random_uuid(), u.tenant_id, u.id, $2 FROM users u
        WHERE u.tenant_id = $1 AND u.status = 'A'
          AND NOT EXISTS (SELECT 1 FROM content_requests c WHERE c.tenant_id = $1 AND c.user_id = u.id AND c.year = $2)
       ON CONFLICT (tenant_id, user_id, year) WHERE deleted_at IS NULL DO NOTHING
       RETURNING id`,
      [tenantId, year],
    );
    const admin = await this.#admin(tenantId);
    const report = admin
      ? await this.sql.one(
          `INSERT INTO reports (id, tenant_id, user_id, type, year, format, source) VALUES (gen_random_uuid(), $1, $2, 'ANNUAL', $3, 'pdf', 'BATCH')
           ON CONFLICT (tenant_id, year) WHERE source = 'BATCH' AND type = 'ANNUAL' DO NOTHING RETURNING id`,
          [tenantId, admin, year],
        )
      : undefined;
    return { activeUsers, videos: videos.length, report: report !== undefined, admin: admin !== undefined };
  }

  async #count(tenantId: string, year: number): Promise<{ activeUsers: number; videos: number; report: boolean; admin: boolean }> {
    const activeUsers = await this.#activeUsers(tenantId);
    const videos = await this.sql.one<{ n: number }>(
      `SELECT count(*)::int AS n FROM users u WHERE u.tenant_id = $1 AND u.status = 'A'
          AND NOT EXISTS (SELECT 1 FROM content_requests c WHERE c.tenant_id = $1 AND c.user_id = u.id AND c.year = $2)`,
      [tenantId, year],
    );
    const admin = await this.#admin(tenantId);
    const existing = await this.sql.one(`SELECT 1 AS x FROM reports WHERE tenant_id = $1 AND year = $2 AND source = 'BATCH' AND type = 'ANNUAL'`, [tenantId, year]);
    return { activeUsers, videos: videos?.n ?? 0, report: admin !== undefined && !existing, admin: admin !== undefined };
  }

  async #activeUsers(tenantId: string): Promise<number> {
    return (await this.sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE tenant_id = $1 AND status = 'A'`, [tenantId]))?.n ?? 0;
  }

  /** The tenant's longest-standing active admin: the batch report is theirs (every admin sees it). */
  async #admin(tenantId: string): Promise<string | undefined> {
    return (await this.sql.one<{ id: string }>(`SELECT id FROM users WHERE tenant_id = $1 AND status = 'A' AND role = 'admin' ORDER BY created, id LIMIT 1`, [tenantId]))?.id;
  }
}
