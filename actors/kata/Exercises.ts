import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Sql } from '../../infra/db/sql';
import type { AuthContext } from '../../protocol/auth';
import type { exerciseBody } from '../../protocol/rest/kata';
import { ForbiddenError, NotFoundError } from './errors';

export type ExerciseBody = z.output<typeof exerciseBody>;

interface ExerciseRow {
  id: string;
  created_by: string;
  title: string;
  statement: string;
  language: string;
  starter_code: string;
  tests: string | null;
  archived_at: Date | null;
  created: Date;
  updated: Date;
}

const COLUMNS = 'id, created_by, title, statement, language, starter_code, tests, archived_at, created, updated';

function view(r: ExerciseRow) {
  return {
    id: r.id,
    title: r.title,
    statement: r.statement,
    language: r.language,
    starter_code: r.starter_code,
    tests: r.tests,
    archived: r.archived_at !== null,
    created_by: r.created_by,
    created: r.created.toISOString(),
    updated: r.updated.toISOString(),
  };
}

function author(auth: AuthContext): void {
  if (auth.role === 'member') throw new ForbiddenError('Only facilitators and admins edit the kata library');
}

/** The tenant's kata library: exercises a facilitator starts katas from. Everyone in the tenant reads it. */
export class Exercises {
  constructor(readonly sql: Sql) {}

  create(auth: AuthContext, body: ExerciseBody) {
    author(auth);
    return this.sql.tenant(auth.tenantId, async () => {
      const row = await this.sql.one<ExerciseRow>(
        `INSERT INTO kata_exercises (id, tenant_id, created_by, title, statement, language, starter_code, tests) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
        [randomUUID(), auth.tenantId, auth.userId, body.title, body.statement, body.language, body.starter_code ?? '', body.tests ?? null],
      );
      return view(row as ExerciseRow);
    });
  }

  list(auth: AuthContext, page: { limit: number; offset: number }) {
    return this.sql.tenant(auth.tenantId, async () => {
      const items = await this.sql.rows<ExerciseRow>(`SELECT ${COLUMNS} FROM kata_exercises WHERE tenant_id = $1 AND archived_at IS NULL ORDER BY created DESC, id LIMIT $2 OFFSET $3`, [
        auth.tenantId,
        page.limit,
        page.offset,
      ]);
      const total = await this.sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM kata_exercises WHERE tenant_id = $1 AND archived_at IS NULL`, [auth.tenantId]);
      return { items: items.map(view), total: total?.n ?? 0 };
    });
  }

  async get(auth: AuthContext, id: string) {
    return view(await this.find(auth.tenantId, id));
  }

  /** The row, archived or not (a kata started from it names it); 404 when the tenant has none. */
  find(tenantId: string, id: string): Promise<ExerciseRow> {
    return this.sql.tenant(tenantId, async () => {
      const row = await this.sql.one<ExerciseRow>(`SELECT ${COLUMNS} FROM kata_exercises WHERE id = $1 AND tenant_id = $2`, [id, tenantId]);
      if (!row) throw new NotFoundError('Exercise');
      return row;
    });
  }

  update(auth: AuthContext, id: string, body: ExerciseBody) {
    author(auth);
    return this.#write(
      auth,
      `UPDATE kata_exercises SET title = $3, statement = $4, language = $5, starter_code = $6, tests = $7, updated = now() WHERE id = $1 AND tenant_id = $2 RETURNING ${COLUMNS}`,
      [id, auth.tenantId, body.title, body.statement, body.language, body.starter_code ?? '', body.tests ?? null],
    );
  }

  /** Archived: out of the list; katas started from it keep their own copy. Archiving twice is fine. */
  archive(auth: AuthContext, id: string) {
    author(auth);
    return this.#write(auth, `UPDATE kata_exercises SET archived_at = coalesce(archived_at, now()), updated = now() WHERE id = $1 AND tenant_id = $2 RETURNING ${COLUMNS}`, [id, auth.tenantId]);
  }

  #write(auth: AuthContext, statement: string, bind: unknown[]) {
    return this.sql.tenant(auth.tenantId, async () => {
      const row = await this.sql.one<ExerciseRow>(statement, bind);
      if (!row) throw new NotFoundError('Exercise');
      return view(row);
    });
  }
}
