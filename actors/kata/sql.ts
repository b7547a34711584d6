import type { Sql } from '../../infra/db/sql';

/** The columns of a kata row every reader shares. */
export const KATA_COLUMNS = `id, tenant_id, dojo_id, facilitator_id, exercise_id, title, statement, language, starter_code, tests, duration_minutes,
  room_size, status, started_at, deadline, read_only, ended_at, end_reason, epoch`;

export interface KataRow {
  id: string;
  tenant_id: string;
  dojo_id: string;
  facilitator_id: string;
  exercise_id: string | null;
  title: string;
  statement: string;
  language: string;
  starter_code: string;
  tests: string | null;
  duration_minutes: number;
  room_size: number;
  status: 'ACTIVE' | 'ENDED';
  started_at: Date;
  deadline: Date;
  read_only: boolean;
  ended_at: Date | null;
  end_reason: 'ended' | 'timeout' | null;
  epoch: string;
}

/** A breakout room with its result row, as both the activation and GET read it. */
export interface RoomRow {
  id: string;
  name: string;
  position: number;
  status: 'OPEN' | 'COMPLETED' | 'CLOSED';
  completed_at: Date | null;
  completed: boolean;
  seconds_to_complete: number | null;
  test_runs: number;
  tests_passed: number | null;
  tests_failed: number | null;
  tests_total: number | null;
  last_run_status: string | null;
  final_code: string | null;
  members: string[];
}

/** A kata's rooms, results and members in one statement (members as an array per room). */
export function roomRows(sql: Sql, tenantId: string, kataId: string): Promise<RoomRow[]> {
  return sql.rows<RoomRow>(
    `SELECT r.id, r.name, r.position, r.status, r.completed_at,
            coalesce(x.completed, false) AS completed, x.seconds_to_complete, coalesce(x.test_runs, 0) AS test_runs,
            x.tests_passed, x.tests_failed, x.tests_total, x.last_run_status, x.final_code,
            coalesce((SELECT array_agg(m.user_id ORDER BY m.assigned_at, m.user_id) FROM kata_room_members m
                      WHERE m.room_id = r.id AND m.tenant_id = r.tenant_id), '{}') AS members
       FROM kata_rooms r LEFT JOIN kata_results x ON x.room_id = r.id AND x.tenant_id = r.tenant_id
      WHERE r.tenant_id = $1 AND r.kata_id = $2 ORDER BY r.position`,
    [tenantId, kataId],
  );
}
