import { randomUUID } from 'node:crypto';
import { iso, type Sql } from '../../infra/db/sql';
import type { NotificationPrefs } from './Users';

/** What other actors ask for with the `notification.requested` event. */
export interface NotificationRequest {
  tenantId: string;
  userId: string;
  type: string;
  title: string;
  body?: string;
  data?: Record<string, unknown>;
  /** Makes delivery idempotent: a redelivered request with the same key is stored once. */
  dedupeKey?: string;
}

export interface NotificationView {
  id: string;
  type: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  read: boolean;
  created: string;
}

/** Which preference switches a notification type off. Unknown types are always delivered. */
const PREFERENCE_OF: Record<string, keyof NotificationPrefs> = {
  'dojo.invited': 'dojoInvitations',
  'dojo.starting': 'dojoStarting',
  'report.ready': 'reportReady',
  'video.ready': 'videoReady',
};

const TITLE_MAX = 200;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A user's notifications: stored from requests, listed newest first, read and unread. */
export class Notifications {
  constructor(readonly sql: Sql) {}

  /** The stored notification; undefined when nothing was stored: a duplicate, a user not in that tenant, or switched off. */
  async store(req: NotificationRequest): Promise<NotificationView | undefined> {
    const preference = PREFERENCE_OF[req.type] ?? null;
    // INSERT ... SELECT from users: a user id that does not belong to the tenant inserts nothing.
    const rows = await this.sql.tenant(req.tenantId, () =>
      this.sql.rows<{ id: string; type: string; title: string; body: string; data: Record<string, unknown>; created: Date }>(
        `INSERT INTO notifications (id, tenant_id, user_id, type, title, body, data, dedupe_key)
         SELECT $1, u.tenant_id, u.id, $4, $5, $6, $7::jsonb, $8 FROM users u
          WHERE u.tenant_id = $2 AND u.id = $3 AND ($9::text IS NULL OR coalesce((u.notification_prefs ->> $9::text)::boolean, true))
         ON CONFLICT (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
         RETURNING id, type, title, body, data, created`,
        [randomUUID(), req.tenantId, req.userId, req.type, clip(req.title, TITLE_MAX), req.body ?? '', JSON.stringify(req.data ?? {}), req.dedupeKey ?? null, preference],
      ),
    );
    const row = rows[0];
    return row && { id: row.id, type: row.type, title: row.title, body: row.body, data: row.data, read: false, created: iso(row.created) as string };
  }

  async unread(tenantId: string, userId: string): Promise<number> {
    const row = await this.sql.tenant(tenantId, () =>
      this.sql.one<{ n: number }>('SELECT count(*)::int AS n FROM notifications WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL', [tenantId, userId]),
    );
    return row?.n ?? 0;
  }

  async list(tenantId: string, userId: string, page: { limit: number; offset: number; unreadOnly: boolean }): Promise<{ notifications: NotificationView[]; unread: number }> {
    return this.sql.tenant(tenantId, async () => {
      const rows = await this.sql.rows<{ id: string; type: string; title: string; body: string; data: Record<string, unknown>; read_at: Date | null; created: Date }>(
        `SELECT id, type, title, body, data, read_at, created FROM notifications
          WHERE tenant_id = $1 AND user_id = $2 AND ($5::boolean = false OR read_at IS NULL)
          ORDER BY created DESC, id DESC LIMIT $3 OFFSET $4`,
        [tenantId, userId, page.limit, page.offset, page.unreadOnly],
      );
      const unread = await this.sql.one<{ n: number }>('SELECT count(*)::int AS n FROM notifications WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL', [tenantId, userId]);
      return {
        notifications: rows.map((r) => ({ id: r.id, type: r.type, title: r.title, body: r.body, data: r.data, read: r.read_at !== null, created: iso(r.created) as string })),
        unread: unread?.n ?? 0,
      };
    });
  }

  /** Marks the given notifications (or all, when ids is undefined) read or unread; returns how many changed. */
  async mark(tenantId: string, userId: string, ids: string[] | undefined, read: boolean): Promise<number> {
    const rows = await this.sql.tenant(tenantId, () =>
      this.sql.rows(
        `UPDATE notifications SET read_at = CASE WHEN $3::boolean THEN now() ELSE NULL END
          WHERE tenant_id = $1 AND user_id = $2 AND ($4::uuid[] IS NULL OR id = ANY($4::uuid[]))
            AND (read_at IS NULL) = $3::boolean
          RETURNING id`,
        [tenantId, userId, read, ids ?? null],
      ),
    );
    return rows.length;
  }
}
