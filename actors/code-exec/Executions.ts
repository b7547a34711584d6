import { randomUUID } from 'node:crypto';
import { iso, num, type Sql } from '../../infra/db/sql';
import type { JobRow } from '../../infra/jobs';
import type { CodeLanguage, ExecutionStatus, RunParams, TestCounts } from '../../protocol/codeExec';
import type { ErrorInfo } from '../../infra/sandbox';
import { NotFoundError } from './errors';

/** A row of code_executions (migration 500). */
export interface ExecutionRow extends JobRow {
  dojo_id: string;
  language: CodeLanguage;
  code: string;
  tests: string | null;
  status: 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
  error: string | null;
  created: Date;
  completed_at: Date | null;
  result_status: ExecutionStatus | null;
  stdout: string | null;
  stderr: string | null;
  output: string | null;
  execution_time_ms: number | null;
  cpu_time_ms: number | null;
  memory_used_bytes: string | null;
  result_error: ErrorInfo | null;
  test_results: TestCounts | null;
}

/** The API's view of a row: the ExecutionResult once finished, QUEUED/RUNNING before. */
export function executionView(row: ExecutionRow) {
  const pending = row.status === 'PENDING' ? 'QUEUED' : 'RUNNING';
  // A job the kit gave up on (its worker kept dying) ran into something the sandbox did not catch.
  const failed = row.status === 'FAILED' || row.status === 'CANCELLED';
  return {
    executionId: row.id,
    dojoId: row.dojo_id,
    userId: row.user_id,
    language: row.language,
    status: row.result_status ?? (failed ? 'ERROR' : pending),
    output: row.output ?? '',
    stdout: row.stdout ?? '',
    stderr: row.stderr ?? '',
    executionTime: row.execution_time_ms ?? 0,
    memoryUsed: num(row.memory_used_bytes),
    cpuTime: row.cpu_time_ms,
    error: row.result_error ?? (failed ? { message: row.error ?? 'The run failed', line: null, column: null, stackTrace: null } : null),
    tests: row.test_results,
    createdAt: iso(row.created)!,
    finishedAt: iso(row.completed_at),
  };
}

const LIST_COLUMNS = `id, tenant_id, user_id, dojo_id, language, code, tests, status, attempts, error, created, completed_at, result_status,
  stdout, stderr, output, execution_time_ms, cpu_time_ms, memory_used_bytes, result_error, test_results`;

/** The request side's SQL; every query names the tenant (RLS is the second wall). */
export class Executions {
  constructor(readonly sql: Sql) {}

  create(p: RunParams): Promise<ExecutionRow> {
    return this.sql.tenant(p.tenantId, async () => {
      const row = await this.sql.one<ExecutionRow>(`INSERT INTO code_executions (id, tenant_id, user_id, dojo_id, language, code, tests) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`, [
        randomUUID(),
        p.tenantId,
        p.userId,
        p.dojoId,
        p.language,
        p.code,
        p.tests ?? null,
      ]);
      return row!;
    });
  }

  /** Unfinished runs of the tenant and of the room, for admission. */
  unfinished(tenantId: string, dojoId: string): Promise<{ tenant: number; room: number }> {
    return this.sql.tenant(tenantId, async () => {
      const row = await this.sql.one<{ tenant: number; room: number }>(
        `SELECT count(*)::int AS tenant, (count(*) FILTER (WHERE dojo_id = $2))::int AS room
           FROM code_executions WHERE tenant_id = $1 AND status IN ('PENDING', 'PROCESSING')`,
        [tenantId, dojoId],
      );
      return row ?? { tenant: 0, room: 0 };
    });
  }

  list(tenantId: string, dojoId: string, page: { limit: number; offset: number }) {
    return this.sql.tenant(tenantId, async () => {
      const rows = await this.sql.rows<ExecutionRow>(`SELECT ${LIST_COLUMNS} FROM code_executions WHERE tenant_id = $1 AND dojo_id = $2 ORDER BY created DESC, id DESC LIMIT $3 OFFSET $4`, [
        tenantId,
        dojoId,
        page.limit,
        page.offset,
      ]);
      const total = await this.sql.one<{ n: number }>(`SELECT count(*)::int AS n FROM code_executions WHERE tenant_id = $1 AND dojo_id = $2`, [tenantId, dojoId]);
      return { items: rows.map(executionView), total: total?.n ?? 0, limit: page.limit, offset: page.offset };
    });
  }

  async get(tenantId: string, dojoId: string, executionId: string) {
    const row = await this.sql.tenant(tenantId, () =>
      this.sql.one<ExecutionRow>(`SELECT ${LIST_COLUMNS} FROM code_executions WHERE tenant_id = $1 AND dojo_id = $2 AND id = $3`, [tenantId, dojoId, executionId]),
    );
    if (!row) throw new NotFoundError('Execution');
    return executionView(row);
  }
}
