import { ForbiddenError, NotFoundError } from './errors';
import { iso, type Sql } from '../../infra/db/sql';

export interface MessageView {
  id: string;
  room_id: string;
  user_id: string;
  text: string;
  status: 'A';
  created: string;
}

/** A user's own view of their dojo chat messages: list the active ones, remove some. */
export class Messages {
  constructor(readonly sql: Sql) {}

  async list(tenantId: string, userId: string, roomId: string): Promise<MessageView[]> {
    const rows = await this.sql.tenant(tenantId, () =>
      this.sql.rows<{ id: string; dojo_id: string; user_id: string; text: string; created: Date }>(
        `SELECT id, dojo_id, user_id, text, created FROM dojo_chat_messages
          WHERE tenant_id = $1 AND dojo_id = $2 AND user_id = $3 AND status = 'A' ORDER BY created, id`,
        [tenantId, roomId, userId],
      ),
    );
    return rows.map((r) => ({ id: r.id, room_id: r.dojo_id, user_id: r.user_id, text: r.text, status: 'A', created: iso(r.created) as string }));
  }

  /**
   * Soft-deletes (status R) the caller's messages, all or none: an id that does not exist in the
   * tenant is 404, someone else's message 403. Returns the messages that changed, by room.
   */
  async remove(tenantId: string, userId: string, ids: string[]): Promise<Array<{ id: string; roomId: string }>> {
    const unique = [...new Set(ids)];
    return this.sql.tenant(tenantId, async () => {
      const found = await this.sql.rows<{ id: string; user_id: string }>('SELECT id, user_id FROM dojo_chat_messages WHERE tenant_id = $1 AND id = ANY($2::uuid[]) FOR UPDATE', [tenantId, unique]);
      if (found.length !== unique.length) throw new NotFoundError('Message');
      if (found.some((m) => m.user_id !== userId)) throw new ForbiddenError('Only your own messages can be removed');
      const changed = await this.sql.rows<{ id: string; dojo_id: string }>(
        `UPDATE dojo_chat_messages SET status = 'R', updated = now()
          WHERE tenant_id = $1 AND user_id = $2 AND id = ANY($3::uuid[]) AND status = 'A' RETURNING id, dojo_id`,
        [tenantId, userId, unique],
      );
      return changed.map((m) => ({ id: m.id, roomId: m.dojo_id }));
    });
  }
}
