import { QueryTypes, UniqueConstraintError } from 'sequelize';
import type { Database } from './database';

/**
 * Parameterised SQL on the process's pool, the one helper every actor and kit uses. Queries join
 * the surrounding `withTenant`/`asSystem` transaction on their own (CLS), so the domain classes
 * never pass one around.
 */
export class Sql {
  constructor(readonly database: Database) {}

  /** Rows of a SELECT, or of a write with RETURNING. */
  rows<T>(sql: string, bind: unknown[] = []): Promise<T[]> {
    return this.database.sequelize.query(sql, { bind, type: QueryTypes.SELECT }) as Promise<T[]>;
  }

  async one<T>(sql: string, bind: unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(sql, bind))[0];
  }

  tenant<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
    return this.database.withTenant(tenantId, fn);
  }

  system<T>(fn: () => Promise<T>): Promise<T> {
    return this.database.asSystem(fn);
  }
}

/** The unique index a write collided with, if that is why it failed. */
export function uniqueViolation(error: unknown): string | undefined {
  if (!(error instanceof UniqueConstraintError)) return undefined;
  const original = (error as UniqueConstraintError & { original?: { constraint?: string } }).original;
  return original?.constraint ?? 'unknown';
}

export function iso(date: Date | string | null): string | null {
  if (date === null) return null;
  return (date instanceof Date ? date : new Date(date)).toISOString();
}

/** bigint columns come back as strings from pg. */
export function num(value: string | number | null): number | null {
  return value === null ? null : Number(value);
}
