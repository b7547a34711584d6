import { createHash, randomUUID } from 'node:crypto';
import type { Sql } from '../../infra/db/sql';
import { ClientError, NotFoundError } from '../../infra/errors';
import { defineJobKind, type JobResult, type JobRow, type Progress } from '../../infra/jobs';
import { importRowFrom } from './normalize';
import type { PocRepository } from './PocRepository';

/** Rows created between two progress writes and cache/facet invalidations. */
export const IMPORT_BATCH = 50;

export interface RowError {
  row: number;
  field: string;
  message: string;
}

interface ImportRow extends JobRow {
  rows: unknown[];
  total: number;
  processed: number;
  created_count: number;
  errors: RowError[];
  status: 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
  progress: number;
  error: string | null;
}

export interface ImportView {
  id: string;
  status: ImportRow['status'];
  progress: number;
  total: number;
  processed: number;
  created: number;
  failed: number;
  errors: RowError[];
  error: string | null;
}

/**
 * Bulk POC imports (issue 22) on the job kit: the request stores the rows on a job row; the job
 * validates each with the single create's schema and creates it through `PocRepository.create`
 * (the one write path: search terms, labels, facet deltas), a batch at a time. After each batch it
 * records how far it got (fenced: only the attempt holding the job writes) and calls `written`,
 * which does what a single create's action does after its write (facet fold, tag index, cache
 * version). A retried run resumes after the last recorded batch.
 */
export class PocImports {
  constructor(
    readonly sql: Sql,
    readonly pocs: PocRepository,
    readonly written: (tenantId: string) => Promise<void>,
  ) {}

  readonly kind = defineJobKind<ImportRow>({
    name: 'poc-import',
    table: 'poc_imports',
    run: (row, progress) => this.#run(row, progress),
  });

  async create(tenantId: string, userId: string, rows: unknown[]): Promise<ImportView> {
    const id = randomUUID();
    const row = await this.sql.tenant(tenantId, () =>
      this.sql.one<ImportRow>(`INSERT INTO poc_imports (id, tenant_id, user_id, rows, total) VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING *`, [
        id,
        tenantId,
        userId,
        JSON.stringify(rows),
        rows.length,
      ]),
    );
    return view(row as ImportRow);
  }

  /** Any import of the tenant (its admins share them); another tenant's is a 404 like a missing one. */
  async get(tenantId: string, id: string): Promise<ImportView> {
    const row = await this.sql.tenant(tenantId, () =>
      this.sql.one<ImportRow>(`SELECT id, status, progress, total, processed, created_count, errors, error FROM poc_imports WHERE tenant_id = $1 AND id = $2`, [tenantId, id]),
    );
    if (!row) throw new NotFoundError('Import');
    return view(row);
  }

  async #run(row: ImportRow, progress: Progress): Promise<JobResult> {
    const tenantId = row.tenant_id;
    const errors = [...row.errors];
    let created = row.created_count;
    const owners = await this.#owners(tenantId, row.rows);
    for (let start = row.processed; start < row.total; start += IMPORT_BATCH) {
      progress.check();
      const end = Math.min(start + IMPORT_BATCH, row.total);
      for (let i = start; i < end; i++) {
        const refused = await this.#importOne(row, owners, row.rows[i], i);
        if (refused.length === 0) created++;
        else errors.push(...refused.map((e) => ({ row: i + 1, ...e })));
      }
      await this.sql.tenant(tenantId, () =>
        this.sql.rows(
          `UPDATE poc_imports SET processed = $4, created_count = $5, errors = $6::jsonb, updated = now()
            WHERE tenant_id = $1 AND id = $2 AND attempts = $3 AND status = 'PROCESSING' RETURNING id`,
          [tenantId, row.id, row.attempts, end, created, JSON.stringify(errors)],
        ),
      );
      await this.written(tenantId);
      await progress.set(Math.floor((99 * end) / row.total));
    }
    return { columns: { processed: row.total, created_count: created } };
  }

  /** The row's refusals ({field, message}); none when it was created. */
  async #importOne(row: ImportRow, owners: Map<string, string>, raw: unknown, index: number): Promise<Array<{ field: string; message: string }>> {
    let parsed: ReturnType<typeof importRowFrom>;
    try {
      parsed = importRowFrom(raw);
    } catch (error) {
      const fields = error instanceof ClientError ? (error.data as { fields?: Array<{ field: string; message: string }> } | undefined)?.fields : undefined;
      if (!fields) throw error;
      // A row that is not an object at all: the schema names the whole value `(body)`; here it is the row.
      return fields.map((f) => ({ field: f.field === '(body)' ? '(row)' : f.field, message: f.message }));
    }
    const ownerId = parsed.owner === undefined ? row.user_id : owners.get(parsed.owner.toLowerCase());
    if (!ownerId) return [{ field: 'owner', message: 'is not a username of this tenant' }];
    // A retry resumes after the last recorded batch; rows of the interrupted batch that were
    // created already have their POC (same id on every attempt) and are not created twice.
    const pocId = rowPocId(row.id, index);
    const exists = await this.sql.tenant(row.tenant_id, () => this.sql.one(`SELECT 1 AS one FROM pocs WHERE tenant_id = $1 AND id = $2`, [row.tenant_id, pocId]));
    if (!exists) await this.pocs.create(row.tenant_id, ownerId, parsed.draft, pocId);
    return [];
  }

  /** The tenant's users the rows name, by lower-case username. */
  async #owners(tenantId: string, rows: unknown[]): Promise<Map<string, string>> {
    const names = new Set<string>();
    for (const raw of rows) {
      const owner = (raw as { owner?: unknown } | null)?.owner;
      if (typeof owner === 'string') names.add(owner.trim().toLowerCase());
    }
    if (names.size === 0) return new Map();
    const users = await this.sql.tenant(tenantId, () =>
      this.sql.rows<{ id: string; name: string }>(`SELECT id, lower(username) AS name FROM users WHERE tenant_id = $1 AND lower(username) = ANY($2::text[])`, [tenantId, [...names]]),
    );
    return new Map(users.map((u) => [u.name, u.id]));
  }
}

function view(row: Pick<ImportRow, 'id' | 'status' | 'progress' | 'total' | 'processed' | 'created_count' | 'errors' | 'error'>): ImportView {
  return {
    id: row.id,
    status: row.status,
    progress: row.progress,
    total: row.total,
    processed: row.processed,
    created: row.created_count,
    failed: new Set(row.errors.map((e) => e.row)).size,
    errors: row.errors,
    error: row.error,
  };
}

/** The POC id an import's row gets: derived from the import and the row, so every attempt agrees. */
export function rowPocId(importId: string, index: number): string {
  const h = createHash('sha256').update(`${importId}:${index}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
