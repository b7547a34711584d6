import { randomUUID } from 'node:crypto';
import { defineJobKind, JobKit, type JobRow } from '../../infra/jobs';
import type { DurableQueue } from '../../infra/queue';
import type { ObjectStore } from '../../infra/storage';
import { iso, type Sql } from '../../infra/db/sql';
import { NotFoundError } from './errors';

/** Links to an export last as long as other download links: the archive stays, the link is made again. */
export const EXPORT_LINK_TTL_SECONDS = 15 * 60;

interface ExportRow extends JobRow {
  status: string;
  progress: number;
  error: string | null;
  object_key: string | null;
  size_bytes: string | null;
  created: Date;
  completed_at: Date | null;
}

/**
 * What one user's archive holds: everything stored about them or written by them in the tenant,
 * each part one query scoped by tenant and user. Read by the export job, inside the tenant.
 */
const PARTS: Record<string, string> = {
  profile: `SELECT id, username, email, first_name, last_name, role, status, friends_request, notification_prefs, created, updated FROM users WHERE tenant_id = $1 AND id = $2`,
  sessions: `SELECT id, user_agent, ip, created, last_seen, revoked_at FROM sessions WHERE tenant_id = $1 AND user_id = $2 ORDER BY created`,
  notifications: `SELECT id, type, title, body, data, read_at, created FROM notifications WHERE tenant_id = $1 AND user_id = $2 ORDER BY created`,
  pocs: `SELECT id, name, description, repo_url, language, tags, frameworks, is_public, created, updated FROM pocs WHERE tenant_id = $1 AND owner_id = $2 AND deleted_at IS NULL ORDER BY created`,
  favorites: `SELECT poc_id, created FROM poc_favorites WHERE tenant_id = $1 AND user_id = $2 ORDER BY created`,
  dojos: `SELECT dojo_id, role, invited_at, first_joined_at, last_left_at FROM dojo_participants WHERE tenant_id = $1 AND user_id = $2`,
  chat_messages: `SELECT id, dojo_id, text, status, created FROM dojo_chat_messages WHERE tenant_id = $1 AND user_id = $2 ORDER BY created`,
  payments: `SELECT id, total, currency, plan, payment_gateway, status, created FROM payments WHERE tenant_id = $1 AND user_id = $2 ORDER BY created`,
};

/** "Export my data": a job per request on the job kit, a JSON archive in the bucket, a pre-signed link. */
export class DataExports {
  readonly kit: JobKit;

  constructor(
    readonly sql: Sql,
    readonly store: ObjectStore,
    queue: DurableQueue,
  ) {
    const kind = defineJobKind<ExportRow>({
      name: 'export',
      table: 'account_exports',
      run: async (row, progress) => {
        const archive = await this.#collect(row.tenant_id, row.user_id);
        await progress.set(70);
        const body = Buffer.from(JSON.stringify(archive, null, 2));
        const key = `tenants/${row.tenant_id}/users/${row.user_id}/exports/${row.id}.json`;
        await this.store.put(key, body, 'application/json', body.length);
        return { columns: { object_key: key, size_bytes: body.length }, bytes: body.length, format: 'json', discard: () => this.store.delete(key) };
      },
      notice: (row, outcome) =>
        outcome.ok
          ? { type: 'export.ready', title: 'Your data export is ready', body: 'Download it from the app within the next days.', data: { exportId: row.id } }
          : { type: 'export.failed', title: 'Your data export could not be made', body: outcome.error, data: { exportId: row.id } },
    });
    this.kit = new JobKit({ name: 'tenant-export', sql, queue, kinds: [kind], failurePrefix: 'Export failed' });
  }

  /** Records the request; the caller enqueues it (the row is the job). */
  async request(tenantId: string, userId: string): Promise<ReturnType<typeof view>> {
    const row = await this.sql.tenant(tenantId, () =>
      this.sql.one<ExportRow>(
        `INSERT INTO account_exports (id, tenant_id, user_id) VALUES ($1, $2, $3)
         RETURNING id, tenant_id, user_id, attempts, status, progress, error, object_key, size_bytes, created, completed_at`,
        [randomUUID(), tenantId, userId],
      ),
    );
    return view(row as ExportRow);
  }

  /** One of the caller's own exports, with a fresh link once it is complete; anyone else's is not found. */
  async get(tenantId: string, userId: string, id: string) {
    const row = await this.sql.tenant(tenantId, () =>
      this.sql.one<ExportRow>(
        `SELECT id, tenant_id, user_id, attempts, status, progress, error, object_key, size_bytes, created, completed_at FROM account_exports WHERE tenant_id = $1 AND user_id = $2 AND id = $3`,
        [tenantId, userId, id],
      ),
    );
    if (!row) throw new NotFoundError('Export');
    const url = row.status === 'COMPLETED' && row.object_key ? await this.store.presignGet(row.object_key, EXPORT_LINK_TTL_SECONDS, 'pocdojo-export.json') : undefined;
    return { ...view(row), ...(url ? { url } : {}) };
  }

  async #collect(tenantId: string, userId: string): Promise<Record<string, unknown>> {
    return this.sql.tenant(tenantId, async () => {
      const archive: Record<string, unknown> = { exported_at: new Date().toISOString(), tenant_id: tenantId, user_id: userId };
      for (const [name, query] of Object.entries(PARTS)) archive[name] = await this.sql.rows(query, [tenantId, userId]);
      archive.profile = (archive.profile as unknown[])[0] ?? null;
      return archive;
    });
  }
}

function view(row: ExportRow) {
  return {
    id: row.id,
    status: row.status,
    progress: row.progress,
    error: row.error,
    size_bytes: row.size_bytes === null ? null : Number(row.size_bytes),
    created: iso(row.created) as string,
    completed_at: iso(row.completed_at),
  };
}
