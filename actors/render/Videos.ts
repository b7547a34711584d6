import { randomUUID } from 'node:crypto';
import { ConflictError, NotCancellableError, NotFoundError } from './errors';
import type { Sql } from '../../infra/db/sql';
import type { JobStatus, VideoRow } from './types';
import type { VideoOptions } from '../../protocol/rest/render';

export interface Owner {
  tenantId: string;
  userId: string;
}

const MINE = 'tenant_id = $1 AND user_id = $2 AND deleted_at IS NULL';

/**
 * The request side of video jobs. A user has at most one live video per year (a unique index):
 * asking again returns it; a failed or cancelled one is queued again, and so is a finished one
 * asked for with other options (the new file replaces it). Other options while one is being
 * made are refused (409): the caller asks again once it is done.
 */
export class Videos {
  constructor(readonly sql: Sql) {}

  /** The user's video of `year`; `queue` says whether it needs rendering: a new one, or one again. */
  async request(owner: Owner, year: number, options: VideoOptions = {}): Promise<{ row: VideoRow; queue: 'new' | 'again' | null }> {
    const chosen = JSON.stringify(options);
    return this.sql.tenant(owner.tenantId, async () => {
      const created = await this.sql.one<VideoRow>(
        `INSERT INTO content_requests (id, tenant_id, user_id, year, options) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, user_id, year) WHERE deleted_at IS NULL DO NOTHING RETURNING *`,
        [randomUUID(), owner.tenantId, owner.userId, year, chosen],
      );
      if (created) return { row: created, queue: 'new' };
      const again = await this.sql.one<VideoRow>(
        `UPDATE content_requests SET status = 'PENDING', progress = 0, error = NULL, enqueued_at = NULL, options = $4::jsonb, updated = now()
          WHERE ${MINE} AND year = $3 AND (status IN ('FAILED', 'CANCELLED') OR (status = 'COMPLETED' AND options IS DISTINCT FROM $4::jsonb)) RETURNING *`,
        [owner.tenantId, owner.userId, year, chosen],
      );
      if (again) return { row: again, queue: 'again' };
      const existing = await this.sql.one<VideoRow & { same: boolean }>(`SELECT *, options = $4::jsonb AS same FROM content_requests WHERE ${MINE} AND year = $3`, [
        owner.tenantId,
        owner.userId,
        year,
        chosen,
      ]);
      if (!existing) throw new Error('video request found no row');
      if (!existing.same) throw new ConflictError(`Your ${year} video is being made with other options; ask again once it is done`);
      return { row: existing, queue: null };
    });
  }

  /** 404 for another tenant's or another user's video, and for a deleted one. */
  async get(owner: Owner, id: string): Promise<VideoRow> {
    const row = await this.sql.tenant(owner.tenantId, () => this.sql.one<VideoRow>(`SELECT * FROM content_requests WHERE ${MINE} AND id = $3`, [owner.tenantId, owner.userId, id]));
    if (!row) throw new NotFoundError('Video');
    return row;
  }

  async list(owner: Owner, page: { status?: JobStatus; limit: number; offset: number }): Promise<{ rows: VideoRow[]; total: number }> {
    return this.sql.tenant(owner.tenantId, async () => {
      const bind = [owner.tenantId, owner.userId, page.status ?? null];
      const where = `${MINE} AND ($3::text IS NULL OR status = $3)`;
      const rows = await this.sql.rows<VideoRow>(`SELECT * FROM content_requests WHERE ${where} ORDER BY created DESC, id DESC LIMIT $4 OFFSET $5`, [...bind, page.limit, page.offset]);
      const total = await this.sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM content_requests WHERE ${where}`, bind);
      return { rows, total: total?.n ?? 0 };
    });
  }

  async cancel(owner: Owner, id: string): Promise<void> {
    const current = await this.get(owner, id);
    const row = await this.sql.tenant(owner.tenantId, () =>
      this.sql.one(`UPDATE content_requests SET status = 'CANCELLED', lease_until = NULL, updated = now() WHERE ${MINE} AND id = $3 AND status = 'PENDING' RETURNING id`, [
        owner.tenantId,
        owner.userId,
        id,
      ]),
    );
    if (!row) throw new NotCancellableError('Video', current.status === 'PENDING' ? 'PROCESSING' : current.status);
  }

  /**
   * Marks the video deleted (a render still running notices at its next progress write and
   * stops; one that completes anyway removes its own files) and returns it for its files.
   */
  async delete(owner: Owner, id: string): Promise<VideoRow> {
    const row = await this.sql.tenant(owner.tenantId, () =>
      this.sql.one<VideoRow>(
        `UPDATE content_requests SET deleted_at = now(), lease_until = NULL, updated = now(),
                status = CASE WHEN status IN ('PENDING', 'PROCESSING') THEN 'CANCELLED' ELSE status END
          WHERE ${MINE} AND id = $3 RETURNING *`,
        [owner.tenantId, owner.userId, id],
      ),
    );
    if (!row) throw new NotFoundError('Video');
    return row;
  }
}
