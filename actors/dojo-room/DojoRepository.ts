import { randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../../infra/db/database';
import { one, rows } from './sql';
import type { DojoStatus, RoomRole } from './types';

export interface DojoRow {
  id: string;
  tenant_id: string;
  facilitator_id: string;
  subject: string;
  description: string | null;
  is_private: boolean;
  initial_code: string | null;
  language: string | null;
  dojo_date: Date;
  status: DojoStatus;
  join_code: string;
  max_participants: number;
  classroom: boolean;
  started_at: Date | null;
  ended_at: Date | null;
  created: Date;
}

export interface ParticipantRow {
  user_id: string;
  username: string;
  first_name: string;
  last_name: string;
  role: RoomRole;
  can_edit: boolean;
  kicked: boolean;
  first_joined_at: Date | null;
  last_left_at: Date | null;
  seconds_present: number;
}

export interface NewDojo {
  tenantId: string;
  facilitatorId: string;
  subject: string;
  description: string | null;
  isPrivate: boolean;
  initialCode: string | null;
  language: string | null;
  /** A kata's tests the room's code runs against. */
  tests: string | null;
  dojoDate: string;
  maxParticipants: number;
  members: string[];
  observers: string[];
}

export const DOJO_COLUMNS = `id, tenant_id, facilitator_id, subject, description, is_private, initial_code, language, dojo_date, status, join_code, max_participants, classroom, started_at, ended_at, created`;
// No 0/O/1/I/L: a join code is read aloud and typed on phones.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function joinCode(): string {
  return [...randomBytes(8)].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

/** SQL of the REST side of dojos. Every method runs inside the caller's `withTenant`. */
export class DojoRepository {
  constructor(readonly db: Database) {}

  /** Which of `userIds` are accounts of the tenant (not deleted). */
  async existingUsers(tenantId: string, userIds: readonly string[]): Promise<Set<string>> {
    const found = await rows<{ id: string }>(this.db, `SELECT id FROM users WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND status <> 'D'`, [tenantId, userIds]);
    return new Set(found.map((r) => r.id));
  }

  async insert(dojo: NewDojo): Promise<{ id: string; joinCode: string }> {
    const id = randomUUID();
    let code = joinCode();
    // A clash of join codes inside one tenant is rare; ON CONFLICT keeps the transaction alive.
    for (let attempt = 0; ; attempt++) {
      const inserted = await one<{ id: string }>(
        this.db,
        `INSERT INTO dojos (id, tenant_id, facilitator_id, subject, language, dojo_date, join_code, max_participants, tests, description, is_private, initial_code)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (tenant_id, join_code) DO NOTHING RETURNING id`,
        [id, dojo.tenantId, dojo.facilitatorId, dojo.subject, dojo.language, dojo.dojoDate, code, dojo.maxParticipants, dojo.tests, dojo.description, dojo.isPrivate, dojo.initialCode],
      );
      if (inserted) break;
      if (attempt > 5) throw new Error('could not find a free join code');
      code = joinCode();
    }
    const people: Array<[string, RoomRole]> = [
      [dojo.facilitatorId, 'facilitator'],
      ...dojo.members.filter((u) => u !== dojo.facilitatorId).map((u): [string, RoomRole] => [u, 'participant']),
      ...dojo.observers.filter((u) => u !== dojo.facilitatorId).map((u): [string, RoomRole] => [u, 'observer']),
    ];
    await rows(
      this.db,
      `INSERT INTO dojo_participants (tenant_id, dojo_id, user_id, role)
       SELECT $1, $2, u, r FROM unnest($3::uuid[], $4::varchar[]) AS t(u, r) RETURNING user_id`,
      [dojo.tenantId, id, people.map((p) => p[0]), people.map((p) => p[1])],
    );
    return { id, joinCode: code };
  }

  find(tenantId: string, dojoId: string, lock = false): Promise<DojoRow | undefined> {
    return one<DojoRow>(this.db, `SELECT ${DOJO_COLUMNS} FROM dojos WHERE id = $1 AND tenant_id = $2${lock ? ' FOR UPDATE' : ''}`, [dojoId, tenantId]);
  }

  async setStatus(tenantId: string, dojoId: string, status: DojoStatus): Promise<void> {
    const stamp = status === 'ACTIVE' ? 'started_at = COALESCE(started_at, now())' : 'ended_at = now()';
    await rows(this.db, `UPDATE dojos SET status = $3, ${stamp}, updated = now() WHERE id = $1 AND tenant_id = $2 RETURNING id`, [dojoId, tenantId, status]);
  }

  /** The dojo's invited users with their role (for permissions and notifications). */
  async roles(tenantId: string, dojoId: string): Promise<Map<string, { role: RoomRole; kicked: boolean }>> {
    const found = await rows<{ user_id: string; role: RoomRole; kicked: boolean }>(
      this.db,
      `SELECT user_id, role, kicked_at IS NOT NULL AS kicked FROM dojo_participants WHERE dojo_id = $1 AND tenant_id = $2`,
      [dojoId, tenantId],
    );
    return new Map(found.map((r) => [r.user_id, { role: r.role, kicked: r.kicked }]));
  }

  async list(tenantId: string, filter: { status?: DojoStatus; userId?: string; limit: number; offset: number }): Promise<{ items: DojoRow[]; total: number }> {
    // A kata's breakout rooms are dojo rows too, listed with their kata (GET /v1/katas/{id}), not here.
    const where = `tenant_id = $1 AND parent_dojo_id IS NULL AND ($2::varchar IS NULL OR status = $2)
      AND ($3::uuid IS NULL OR facilitator_id = $3 OR EXISTS (SELECT 1 FROM dojo_participants p WHERE p.dojo_id = dojos.id AND p.user_id = $3 AND p.kicked_at IS NULL))`;
    const bind = [tenantId, filter.status ?? null, filter.userId ?? null];
    const items = await rows<DojoRow>(this.db, `SELECT ${DOJO_COLUMNS} FROM dojos WHERE ${where} ORDER BY dojo_date DESC, id LIMIT $4 OFFSET $5`, [...bind, filter.limit, filter.offset]);
    const total = await one<{ n: number }>(this.db, `SELECT count(*)::int AS n FROM dojos WHERE ${where}`, bind);
    return { items, total: total?.n ?? 0 };
  }

  participants(tenantId: string, dojoId: string): Promise<ParticipantRow[]> {
    return rows<ParticipantRow>(
      this.db,
      `SELECT p.user_id, u.username, u.first_name, u.last_name, p.role, p.can_edit, p.kicked_at IS NOT NULL AS kicked,
              p.first_joined_at, p.last_left_at, p.seconds_present
       FROM dojo_participants p JOIN users u ON u.id = p.user_id AND u.tenant_id = p.tenant_id
       WHERE p.dojo_id = $1 AND p.tenant_id = $2 ORDER BY p.role, u.username`,
      [dojoId, tenantId],
    );
  }

  chat(tenantId: string, dojoId: string, page: { limit: number; offset: number }) {
    return rows<{ id: string; user_id: string; client_msg_id: string; text: string; created: Date }>(
      this.db,
      `SELECT id, user_id, client_msg_id, text, created FROM dojo_chat_messages
       WHERE dojo_id = $1 AND tenant_id = $2 AND status = 'A' ORDER BY created, id LIMIT $3 OFFSET $4`,
      [dojoId, tenantId, page.limit, page.offset],
    );
  }

  snapshots(tenantId: string, dojoId: string, page: { limit: number; offset: number; withState: boolean }) {
    return rows<{ id: string; created: Date; update_count: number; size_bytes: number; text_preview: string; state?: Buffer }>(
      this.db,
      `SELECT id, created, update_count, octet_length(state) AS size_bytes, text_preview${page.withState ? ', state' : ''}
       FROM dojo_code_snapshots WHERE dojo_id = $1 AND tenant_id = $2 ORDER BY fencing_token DESC, created DESC LIMIT $3 OFFSET $4`,
      [dojoId, tenantId, page.limit, page.offset],
    );
  }

  async setClassroom(tenantId: string, dojoId: string, enabled: boolean, editors: readonly string[]): Promise<void> {
    await rows(this.db, `UPDATE dojos SET classroom = $3, updated = now() WHERE id = $1 AND tenant_id = $2 RETURNING id`, [dojoId, tenantId, enabled]);
    await rows(
      this.db,
      `UPDATE dojo_participants SET can_edit = (NOT $3::boolean OR user_id = ANY($4::uuid[]))
       WHERE dojo_id = $1 AND tenant_id = $2 AND role = 'participant' RETURNING user_id`,
      [dojoId, tenantId, enabled, editors],
    );
  }
}
