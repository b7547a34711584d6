import type { JobQueue } from './JobQueue';
import type { Sql } from '../db/sql';
import type { JobMessage } from './types';

const BATCH = 500;

export interface RecoveryOptions {
  maxAttempts: number;
  /** A PENDING row never published for this long was left by a crash between insert and publish. */
  unpublishedAfterSeconds: number;
  /** A PENDING row published this long ago while the queue is empty lost its message (an in-process queue restarted). */
  lostAfterSeconds: number;
}

export interface RecoveryResult {
  published: number;
  republished: number;
  failed: number;
}

/** The tables the sweep walks: each kind's name, table and live condition. */
export type RecoveryTables = ReadonlyArray<{ kind: string; table: string; live: string }>;

/**
 * The sweep that makes the rows, not the queue, the source of truth: it publishes jobs that never
 * reached the queue, hands out again jobs whose worker died (lease expired), and fails those that
 * killed their worker too often. Run by one process at a time (the kit's sweeper holds a lease).
 */
export class Recovery {
  constructor(
    readonly sql: Sql,
    readonly queue: JobQueue,
    readonly tables: RecoveryTables,
    readonly options: RecoveryOptions,
  ) {}

  async sweep(): Promise<RecoveryResult> {
    const result: RecoveryResult = { published: 0, republished: 0, failed: 0 };
    const depth = await this.queue.depth();
    for (const { kind, table, live } of this.tables) {
      const unpublished = await this.#select(kind, table, `status = 'PENDING' AND enqueued_at IS NULL AND ${live} AND created < now() - make_interval(secs => $1)`, [
        this.options.unpublishedAfterSeconds,
      ]);
      await this.queue.publish(unpublished, `sweep-${Date.now()}`);
      result.published += unpublished.length;

      result.failed += await this.sql.system(
        async () =>
          (
            await this.sql.rows(
              `UPDATE ${table} SET status = 'FAILED', error = $2, lease_until = NULL, updated = now()
            WHERE status = 'PROCESSING' AND lease_until < now() AND attempts >= $1 RETURNING id`,
              [this.options.maxAttempts, `The ${this.queue.name} worker stopped before finishing, too many times`],
            )
          ).length,
      );
      // Back to PENDING before publishing, so the next sweep does not hand the same job out again;
      // the dead worker's late writes are refused by the fence (attempts) anyway.
      const stalled = await this.sql.system(async () =>
        (
          await this.sql.rows<{ id: string; tenant_id: string }>(
            `UPDATE ${table} SET status = 'PENDING', lease_until = NULL, updated = now()
            WHERE id IN (SELECT id FROM ${table} WHERE status = 'PROCESSING' AND lease_until < now() AND ${live} LIMIT ${BATCH}) RETURNING id, tenant_id`,
          )
        ).map((r): JobMessage => ({ kind, id: r.id, tenantId: r.tenant_id })),
      );
      const lost = depth > 0 ? [] : await this.#select(kind, table, `status = 'PENDING' AND enqueued_at < now() - make_interval(secs => $1) AND ${live}`, [this.options.lostAfterSeconds]);
      await this.queue.publish([...stalled, ...lost], `sweep-${Date.now()}`);
      result.republished += stalled.length + lost.length;
    }
    return result;
  }

  #select(kind: string, table: string, where: string, bind: unknown[]): Promise<JobMessage[]> {
    return this.sql.system(async () =>
      (await this.sql.rows<{ id: string; tenant_id: string }>(`SELECT id, tenant_id FROM ${table} WHERE ${where} ORDER BY created LIMIT ${BATCH}`, bind)).map((r) => ({
        kind,
        id: r.id,
        tenantId: r.tenant_id,
      })),
    );
  }
}
