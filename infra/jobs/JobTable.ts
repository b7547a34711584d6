import type { Sql } from '../db/sql';
import type { JobStatus } from './types';

/** What a delivery found when it tried to take its job. */
export type Claim<Row> =
  | { outcome: 'claimed'; row: Row; fence: number }
  /** The row is gone (its tenant was deleted, or the row is no longer live). */
  | { outcome: 'gone' }
  /** COMPLETED, FAILED or CANCELLED: a redelivery after the fact. */
  | { outcome: 'settled'; status: JobStatus }
  /** Another delivery holds a live lease on it. */
  | { outcome: 'busy' };

/**
 * The worker's side of a job row, the same for every kind. `attempts` doubles as a fencing token:
 * a claim bumps it, and every later write names the value it claimed, so a worker whose lease ran
 * out (and whose job was handed to another) can no longer write anything.
 */
export class JobTable<Row extends object> {
  constructor(
    readonly sql: Sql,
    readonly table: string,
    /** SQL condition of rows still wanted. */
    readonly live: string,
    readonly leaseSeconds: number,
  ) {}

  async claim(tenantId: string, id: string): Promise<Claim<Row>> {
    return this.sql.tenant(tenantId, async () => {
      const row = await this.sql.one<Row & { attempts: number }>(
        `UPDATE ${this.table} SET status = 'PROCESSING', progress = 0, attempts = attempts + 1,
                lease_until = now() + make_interval(secs => $3), updated = now()
          WHERE tenant_id = $1 AND id = $2 AND ${this.live}
            AND (status = 'PENDING' OR (status = 'PROCESSING' AND (lease_until IS NULL OR lease_until < now())))
          RETURNING *`,
        [tenantId, id, this.leaseSeconds],
      );
      if (row) return { outcome: 'claimed', row, fence: row.attempts };
      const now = await this.sql.one<{ status: JobStatus; live: boolean }>(`SELECT status, ${this.live} AS live FROM ${this.table} WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
      if (!now || !now.live) return { outcome: 'gone' };
      if (now.status === 'PROCESSING' || now.status === 'PENDING') return { outcome: 'busy' };
      return { outcome: 'settled', status: now.status };
    });
  }

  /** Writes progress and extends the lease; false when the job is no longer this worker's. */
  async heartbeat(tenantId: string, id: string, fence: number, progress: number): Promise<boolean> {
    const row = await this.sql.tenant(tenantId, () =>
      this.sql.one(
        `UPDATE ${this.table} SET progress = $4, lease_until = now() + make_interval(secs => $5), updated = now()
          WHERE tenant_id = $1 AND id = $2 AND attempts = $3 AND status = 'PROCESSING' AND ${this.live}
          RETURNING id`,
        [tenantId, id, fence, Math.max(0, Math.min(99, Math.round(progress))), this.leaseSeconds],
      ),
    );
    return row !== undefined;
  }

  /** Marks the job COMPLETED with its result columns; false when it is no longer this worker's. */
  async complete(tenantId: string, id: string, fence: number, result: Record<string, string | number>): Promise<boolean> {
    const names = Object.keys(result);
    const sets = names.map((name, i) => `, ${name} = $${i + 4}`).join('');
    const row = await this.sql.tenant(tenantId, () =>
      this.sql.one(
        `UPDATE ${this.table} SET status = 'COMPLETED', progress = 100, error = NULL, lease_until = NULL,
                completed_at = now(), updated = now()${sets}
          WHERE tenant_id = $1 AND id = $2 AND attempts = $3 AND status = 'PROCESSING' AND ${this.live}
          RETURNING id`,
        [tenantId, id, fence, ...names.map((name) => result[name])],
      ),
    );
    return row !== undefined;
  }

  /** After a failed attempt that will be retried: back to PENDING, keeping the error for the owner to see. */
  async retryLater(tenantId: string, id: string, fence: number, error: string): Promise<void> {
    await this.#settle(tenantId, id, fence, 'PENDING', error);
  }

  /** The last attempt failed: FAILED with its message. False when the job was no longer this worker's. */
  fail(tenantId: string, id: string, fence: number, error: string): Promise<boolean> {
    return this.#settle(tenantId, id, fence, 'FAILED', error);
  }

  async #settle(tenantId: string, id: string, fence: number, status: 'PENDING' | 'FAILED', error: string): Promise<boolean> {
    const row = await this.sql.tenant(tenantId, () =>
      this.sql.one(
        `UPDATE ${this.table} SET status = $4, error = $5, progress = 0, lease_until = NULL, updated = now()
          WHERE tenant_id = $1 AND id = $2 AND attempts = $3 AND status = 'PROCESSING'
          RETURNING id`,
        [tenantId, id, fence, status, error.slice(0, 2000)],
      ),
    );
    return row !== undefined;
  }
}
