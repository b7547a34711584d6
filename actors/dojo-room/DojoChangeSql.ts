import type { Database } from '../../infra/db/database';
import { DOJO_COLUMNS, type DojoRow } from './DojoRepository';
import { one, rows } from './sql';
import type { RoomRole } from './types';

export interface DojoFields {
  subject?: string;
  dojo_date?: string;
  description?: string | null;
  is_private?: boolean;
  initial_code?: string | null;
}

export interface MemberRow {
  user_id: string;
  role: RoomRole;
  can_edit: boolean;
  kicked: boolean;
  attended: boolean;
}

/** SQL of the changes to a dojo after its creation. Every method runs inside the caller's `withTenant`. */
export class DojoChangeSql {
  constructor(readonly db: Database) {}

  /** Writes the fields given (undefined leaves one as it is, null clears it) and returns the row. */
  async update(tenantId: string, dojoId: string, f: DojoFields): Promise<DojoRow | undefined> {
    return one<DojoRow>(
      this.db,
      `UPDATE dojos SET subject = COALESCE($3, subject), dojo_date = COALESCE($4::timestamptz, dojo_date), is_private = COALESCE($5::boolean, is_private),
              description = CASE WHEN $6::boolean THEN $7::varchar ELSE description END,
              initial_code = CASE WHEN $8::boolean THEN $9::text ELSE initial_code END, updated = now()
        WHERE id = $1 AND tenant_id = $2 RETURNING ${DOJO_COLUMNS}`,
      [dojoId, tenantId, f.subject ?? null, f.dojo_date ?? null, f.is_private ?? null, f.description !== undefined, f.description ?? null, f.initial_code !== undefined, f.initial_code ?? null],
    );
  }

  member(tenantId: string, dojoId: string, userId: string): Promise<MemberRow | undefined> {
    return one<MemberRow>(
      this.db,
      `SELECT user_id, role, can_edit, kicked_at IS NOT NULL AS kicked, first_joined_at IS NOT NULL AS attended
         FROM dojo_participants WHERE dojo_id = $1 AND tenant_id = $2 AND user_id = $3`,
      [dojoId, tenantId, userId],
    );
  }

  /**
   * Makes the users members with these roles (admitted again if they were kicked or removed);
   * the facilitator's own row never changes. A participant edits unless classroom mode is on.
   */
  upsert(tenantId: string, dojoId: string, people: ReadonlyArray<{ userId: string; role: RoomRole }>, classroom: boolean): Promise<MemberRow[]> {
    return rows<MemberRow>(
      this.db,
      `INSERT INTO dojo_participants AS p (tenant_id, dojo_id, user_id, role, can_edit)
       SELECT $1, $2, u, r, NOT $5::boolean OR r <> 'participant' FROM unnest($3::uuid[], $4::varchar[]) AS t(u, r)
       ON CONFLICT (dojo_id, user_id) DO UPDATE SET role = EXCLUDED.role, can_edit = EXCLUDED.can_edit, kicked_at = NULL
        WHERE p.role <> 'facilitator'
       RETURNING user_id, role, can_edit, false AS kicked, first_joined_at IS NOT NULL AS attended`,
      [tenantId, dojoId, people.map((p) => p.userId), people.map((p) => p.role), classroom],
    );
  }

  /** A removed member who never attended leaves no trace; one who did stays in the attendance record, marked kicked. */
  async remove(tenantId: string, dojoId: string, userId: string): Promise<void> {
    await rows(this.db, `DELETE FROM dojo_participants WHERE dojo_id = $1 AND tenant_id = $2 AND user_id = $3 AND first_joined_at IS NULL RETURNING user_id`, [dojoId, tenantId, userId]);
    await rows(this.db, `UPDATE dojo_participants SET kicked_at = now() WHERE dojo_id = $1 AND tenant_id = $2 AND user_id = $3 AND kicked_at IS NULL RETURNING user_id`, [dojoId, tenantId, userId]);
  }

  async readmit(tenantId: string, dojoId: string, userId: string): Promise<void> {
    await rows(this.db, `UPDATE dojo_participants SET kicked_at = NULL WHERE dojo_id = $1 AND tenant_id = $2 AND user_id = $3 RETURNING user_id`, [dojoId, tenantId, userId]);
  }

  /** The dojo (not a kata's breakout room) a join code names in the tenant. */
  byCode(tenantId: string, code: string): Promise<DojoRow | undefined> {
    return one<DojoRow>(this.db, `SELECT ${DOJO_COLUMNS} FROM dojos WHERE tenant_id = $1 AND join_code = $2 AND parent_dojo_id IS NULL FOR UPDATE`, [tenantId, code]);
  }
}
