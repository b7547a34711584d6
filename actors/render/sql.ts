import { QueryTypes } from 'sequelize';
import type { Database } from '../../infra/db/database';

/**
 * Parameterised SQL on the process's pool. Statements join the surrounding `withTenant`/`asSystem`
 * transaction through Sequelize's CLS, so the job classes never pass one around.
 */
export class Sql {
  constructor(readonly database: Database) {}

  rows<T extends object>(sql: string, bind: unknown[] = []): Promise<T[]> {
    return this.database.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT });
  }

  async one<T extends object>(sql: string, bind: unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(sql, bind))[0];
  }

  tenant<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
    return this.database.withTenant(tenantId, fn);
  }

  system<T>(fn: () => Promise<T>): Promise<T> {
    return this.database.asSystem(fn);
  }
}

export function iso(date: Date | string | null): string | null {
  if (date === null) return null;
  return (date instanceof Date ? date : new Date(date)).toISOString();
}

/** bigint columns come back as strings from pg. */
export function num(value: string | number | null): number | null {
  return value === null ? null : Number(value);
}
