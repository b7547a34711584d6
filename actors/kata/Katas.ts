import { randomUUID } from 'node:crypto';
import { uniqueViolation, type Sql } from '../../infra/db/sql';
import type { AuthContext } from '../../protocol/auth';
import { KATA_LIMITS, type KataStartBody } from '../../protocol/rest/kata';
import type { DojoPort } from './DojoPort';
import { ConflictError, ForbiddenError, NotFoundError } from './errors';
import type { Exercises } from './Exercises';
import { KATA_COLUMNS, roomRows, type KataRow, type RoomRow } from './sql';

function roomView(r: RoomRow) {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    members: r.members,
    completed_at: r.completed_at?.toISOString() ?? null,
    result: {
      completed: r.completed,
      seconds_to_complete: r.seconds_to_complete,
      test_runs: r.test_runs,
      tests_passed: r.tests_passed,
      tests_failed: r.tests_failed,
      tests_total: r.tests_total,
      last_run_status: r.last_run_status,
      final_code: r.final_code,
    },
  };
}

function summary(k: KataRow) {
  return {
    id: k.id,
    dojo_id: k.dojo_id,
    facilitator_id: k.facilitator_id,
    exercise_id: k.exercise_id,
    title: k.title,
    language: k.language,
    has_tests: k.tests !== null,
    duration_minutes: k.duration_minutes,
    room_size: k.room_size,
    status: k.status,
    read_only: k.read_only,
    started_at: k.started_at.toISOString(),
    deadline: k.deadline.toISOString(),
    ended_at: k.ended_at?.toISOString() ?? null,
    end_reason: k.end_reason,
  };
}

/** The REST side of katas that needs no activation: starting one (the row), and reading them. */
export class Katas {
  constructor(
    readonly sql: Sql,
    readonly dojo: DojoPort,
    readonly exercises: Exercises,
    readonly minuteMs: number,
  ) {}

  /** Writes the kata's row (the caller then activates it, which arms its timer and tells the dojo). */
  async start(auth: AuthContext, body: KataStartBody): Promise<string> {
    const exercise = body.exercise_id === undefined ? undefined : await this.exercises.find(auth.tenantId, body.exercise_id);
    if (exercise?.archived_at) throw new ConflictError('The exercise is archived', 'exercise_id');
    // dojo-room answers 404 for a dojo this tenant does not have, 403 for one the caller is not part of.
    const dojo = await this.dojo.dojo(auth, body.dojo_id);
    if (auth.role !== 'admin' && dojo.facilitator_id !== auth.userId) throw new ForbiddenError("Only the dojo's facilitator or a tenant admin may start a kata");
    if (dojo.status !== 'ACTIVE') throw new ConflictError('The dojo is not live: start it first', 'dojo_id');
    const id = randomUUID();
    const fields = {
      title: exercise?.title ?? body.title ?? '',
      statement: exercise?.statement ?? body.statement ?? '',
      language: exercise?.language ?? body.language ?? '',
      starterCode: exercise?.starter_code ?? body.starter_code ?? '',
      tests: exercise ? exercise.tests : (body.tests ?? null),
    };
    try {
      await this.sql.tenant(auth.tenantId, () =>
        this.sql.rows(
          `INSERT INTO katas (id, tenant_id, dojo_id, facilitator_id, exercise_id, title, statement, language, starter_code, tests, duration_minutes, room_size, deadline)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
          [
            id,
            auth.tenantId,
            body.dojo_id,
            dojo.facilitator_id,
            body.exercise_id ?? null,
            fields.title,
            fields.statement,
            fields.language,
            fields.starterCode,
            fields.tests,
            body.duration_minutes,
            body.room_size ?? KATA_LIMITS.defaultRoomSize,
            new Date(Date.now() + body.duration_minutes * this.minuteMs),
          ],
        ),
      );
    } catch (error) {
      if (uniqueViolation(error) === 'katas_one_active_per_dojo') throw new ConflictError('The dojo already runs a kata: end it first', 'dojo_id');
      throw error;
    }
    return id;
  }

  /** A kata with its rooms and results; its dojo's members and facilitators see it. */
  get(auth: AuthContext, kataId: string) {
    return this.sql.tenant(auth.tenantId, async () => {
      const kata = await this.sql.one<KataRow>(`SELECT ${KATA_COLUMNS} FROM katas WHERE id = $1 AND tenant_id = $2`, [kataId, auth.tenantId]);
      if (!kata) throw new NotFoundError('Kata');
      if (!(await this.#sees(auth, kata))) throw new ForbiddenError('Not a member of this dojo');
      const rooms = await roomRows(this.sql, auth.tenantId, kataId);
      return { ...summary(kata), statement: kata.statement, starter_code: kata.starter_code, rooms: rooms.map(roomView) };
    });
  }

  /** The tenant's running katas (admins), or those of the dojos the caller facilitates or is invited to. */
  active(auth: AuthContext) {
    return this.sql.tenant(auth.tenantId, async () => {
      const items = await this.sql.rows<KataRow>(
        `SELECT ${KATA_COLUMNS} FROM katas k WHERE k.tenant_id = $1 AND k.status = 'ACTIVE'
           AND ($2::uuid IS NULL OR k.facilitator_id = $2 OR EXISTS (
                SELECT 1 FROM dojo_participants p WHERE p.dojo_id = k.dojo_id AND p.tenant_id = k.tenant_id AND p.user_id = $2 AND p.kicked_at IS NULL))
         ORDER BY k.started_at DESC LIMIT 100`,
        [auth.tenantId, auth.role === 'admin' ? null : auth.userId],
      );
      return { items: items.map(summary) };
    });
  }

  async #sees(auth: AuthContext, kata: KataRow): Promise<boolean> {
    if (auth.role === 'admin' || kata.facilitator_id === auth.userId) return true;
    const invited = await this.sql.one<{ ok: number }>(`SELECT 1 AS ok FROM dojo_participants WHERE dojo_id = $1 AND tenant_id = $2 AND user_id = $3 AND kicked_at IS NULL`, [
      kata.dojo_id,
      auth.tenantId,
      auth.userId,
    ]);
    return invited !== undefined;
  }
}
