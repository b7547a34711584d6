import type { Sql } from '../../infra/db/sql';
import { ConflictError, FencedOutError, NotFoundError } from './errors';
import { KATA_COLUMNS, roomRows, type KataRow } from './sql';
import type { BreakoutRoom, EndReason, KataKey, PersistedKata, TestCounts } from './types';

// Takes the kata row in share mode while the epoch still matches: a newer activation's claim
// (an UPDATE of that row) waits for this write to commit, or this write sees the new epoch and
// is refused, as dojo-room's RoomStore fences its rooms.
const FENCE = `SELECT 1 AS ok FROM katas WHERE id = $1 AND tenant_id = $2 AND epoch = $3 FOR SHARE`;

/** The kata activation's reads and writes. Every write is fenced by the activation's epoch. */
export class KataStore {
  constructor(readonly sql: Sql) {}

  /** Claims the next epoch of an ACTIVE kata and loads its rooms; call only while holding its lease. */
  claim(key: KataKey): Promise<PersistedKata> {
    return this.sql.tenant(key.tenantId, async () => {
      const row = await this.sql.one<KataRow>(`UPDATE katas SET epoch = epoch + 1 WHERE id = $1 AND tenant_id = $2 AND status = 'ACTIVE' RETURNING ${KATA_COLUMNS}`, [key.kataId, key.tenantId]);
      if (!row) {
        const ended = await this.sql.one<{ id: string }>(`SELECT id FROM katas WHERE id = $1 AND tenant_id = $2`, [key.kataId, key.tenantId]);
        throw ended ? new ConflictError('The kata has ended') : new NotFoundError('Kata');
      }
      const rooms = await roomRows(this.sql, key.tenantId, key.kataId);
      return {
        kata: {
          id: row.id,
          tenantId: row.tenant_id,
          dojoId: row.dojo_id,
          facilitatorId: row.facilitator_id,
          title: row.title,
          statement: row.statement,
          language: row.language,
          starterCode: row.starter_code,
          tests: row.tests,
          roomSize: row.room_size,
          startedAt: row.started_at,
          deadline: row.deadline,
          readOnly: row.read_only,
          epoch: Number(row.epoch),
        },
        rooms: rooms.map((r): BreakoutRoom => ({
          id: r.id,
          name: r.name,
          position: r.position,
          status: r.status,
          members: new Set(r.members),
          completedAt: r.completed_at,
          testRuns: r.test_runs,
          lastRun:
            r.last_run_status === null
              ? null
              : { status: r.last_run_status, tests: r.tests_total === null ? null : { passed: r.tests_passed ?? 0, failed: r.tests_failed ?? 0, total: r.tests_total } },
        })),
      };
    });
  }

  /** New rooms with their first members and an empty result each. */
  addRooms(key: KataKey, epoch: number, rooms: ReadonlyArray<{ id: string; name: string; position: number; members: readonly string[] }>): Promise<void> {
    return this.#fenced(key, epoch, async () => {
      await this.sql.rows(
        `INSERT INTO kata_rooms (id, tenant_id, kata_id, name, position) SELECT id, $1, $2, name, pos FROM unnest($3::uuid[], $4::varchar[], $5::int[]) AS t(id, name, pos)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [key.tenantId, key.kataId, rooms.map((r) => r.id), rooms.map((r) => r.name), rooms.map((r) => r.position)],
      );
      await this.sql.rows(`INSERT INTO kata_results (tenant_id, kata_id, room_id) SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT (room_id) DO NOTHING RETURNING room_id`, [
        key.tenantId,
        key.kataId,
        rooms.map((r) => r.id),
      ]);
      const pairs = rooms.flatMap((r) => r.members.map((userId) => [r.id, userId] as const));
      await this.#assign(key, pairs);
    });
  }

  /** Where participants are now: a room, or none (the main room). One room at a time (the primary key). */
  assign(key: KataKey, epoch: number, pairs: ReadonlyArray<readonly [string | null, string]>): Promise<void> {
    return this.#fenced(key, epoch, async () => {
      const leaving = pairs.filter(([roomId]) => roomId === null).map(([, userId]) => userId);
      if (leaving.length > 0) {
        await this.sql.rows(`DELETE FROM kata_room_members WHERE tenant_id = $1 AND kata_id = $2 AND user_id = ANY($3::uuid[]) RETURNING user_id`, [key.tenantId, key.kataId, leaving]);
      }
      await this.#assign(
        key,
        pairs.filter((p): p is readonly [string, string] => p[0] !== null),
      );
    });
  }

  complete(key: KataKey, epoch: number, roomId: string, completedAt: Date, seconds: number): Promise<void> {
    return this.#fenced(key, epoch, async () => {
      await this.sql.rows(`UPDATE kata_rooms SET status = 'COMPLETED', completed_at = $3 WHERE id = $1 AND tenant_id = $2 RETURNING id`, [roomId, key.tenantId, completedAt]);
      await this.sql.rows(`UPDATE kata_results SET completed = true, seconds_to_complete = $3, updated = now() WHERE room_id = $1 AND tenant_id = $2 RETURNING room_id`, [
        roomId,
        key.tenantId,
        seconds,
      ]);
    });
  }

  /** A run of the room's code: counted, and its test counts kept as the room's last. */
  recordRun(key: KataKey, epoch: number, roomId: string, status: string, tests: TestCounts | null, at: Date): Promise<void> {
    return this.#fenced(key, epoch, async () => {
      await this.sql.rows(
        `UPDATE kata_results SET test_runs = test_runs + 1, last_run_status = $3, last_run_at = $4,
                tests_passed = $5, tests_failed = $6, tests_total = $7, updated = now()
          WHERE room_id = $1 AND tenant_id = $2 RETURNING room_id`,
        [roomId, key.tenantId, status, at, tests?.passed ?? null, tests?.failed ?? null, tests?.total ?? null],
      );
    });
  }

  setTimer(key: KataKey, epoch: number, deadline: Date, readOnly: boolean): Promise<void> {
    return this.#fenced(key, epoch, async () => {
      await this.sql.rows(`UPDATE katas SET deadline = $3, read_only = $4, updated = now() WHERE id = $1 AND tenant_id = $2 RETURNING id`, [key.kataId, key.tenantId, deadline, readOnly]);
    });
  }

  /** The kata ended: final code per room, rooms closed (completed ones stay so), the kata ENDED. */
  finish(key: KataKey, epoch: number, reason: EndReason, finals: ReadonlyArray<{ roomId: string; code: string | null }>): Promise<void> {
    return this.#fenced(key, epoch, async () => {
      await this.sql.rows(
        `UPDATE kata_results x SET final_code = t.code, updated = now() FROM unnest($2::uuid[], $3::text[]) AS t(room_id, code)
          WHERE x.room_id = t.room_id AND x.tenant_id = $1 AND t.code IS NOT NULL RETURNING x.room_id`,
        [key.tenantId, finals.map((f) => f.roomId), finals.map((f) => f.code)],
      );
      await this.sql.rows(`UPDATE kata_rooms SET status = 'CLOSED' WHERE tenant_id = $1 AND kata_id = $2 AND status = 'OPEN' RETURNING id`, [key.tenantId, key.kataId]);
      await this.sql.rows(`UPDATE katas SET status = 'ENDED', ended_at = now(), end_reason = $3, read_only = true, updated = now() WHERE id = $1 AND tenant_id = $2 RETURNING id`, [
        key.kataId,
        key.tenantId,
        reason,
      ]);
    });
  }

  async #assign(key: KataKey, pairs: ReadonlyArray<readonly [string, string]>): Promise<void> {
    if (pairs.length === 0) return;
    await this.sql.rows(
      `INSERT INTO kata_room_members (tenant_id, kata_id, room_id, user_id) SELECT $1, $2, r, u FROM unnest($3::uuid[], $4::uuid[]) AS t(r, u)
       ON CONFLICT (kata_id, user_id) DO UPDATE SET room_id = EXCLUDED.room_id, assigned_at = now() RETURNING user_id`,
      [key.tenantId, key.kataId, pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
  }

  #fenced(key: KataKey, epoch: number, write: () => Promise<void>): Promise<void> {
    return this.sql.tenant(key.tenantId, async () => {
      const fence = await this.sql.one<{ ok: number }>(FENCE, [key.kataId, key.tenantId, epoch]);
      if (!fence) throw new FencedOutError();
      await write();
    });
  }
}
